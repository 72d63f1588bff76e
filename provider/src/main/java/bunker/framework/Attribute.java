package bunker.framework;

import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One attribute of a schema: either a plain {@code type} or {@code nested} attributes
 * (tfplugin6 nested attributes, written {@code x = { ... }} in HCL). Descriptions feed the
 * generated docs. Build with {@link #builder} or the typed shortcuts, e.g.
 * {@code Attribute.string("name").required().description("...").build()}.
 */
public record Attribute(
    String name,
    CtyType type,
    NestedAttributes nested,
    boolean required,
    boolean optional,
    boolean computed,
    boolean sensitive,
    String description,
    List<Validator> validators,
    List<PlanModifier> planModifiers,
    CtyValue defaultValue) {

  static final Pattern NAME = Pattern.compile("[a-z0-9_]+");

  public Attribute {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("attribute name \"" + name + "\" is not [a-z0-9_]+");
    }
    if ((type == null) == (nested == null)) {
      throw new IllegalArgumentException(name + ": exactly one of type and nested is needed");
    }
    if (!required && !optional && !computed) {
      throw new IllegalArgumentException(name + ": one of required, optional, computed is needed");
    }
    if (required && (optional || computed)) {
      throw new IllegalArgumentException(name + ": required excludes optional and computed");
    }
    if (defaultValue != null && !(computed && optional)) {
      throw new IllegalArgumentException(name + ": a default needs optional + computed");
    }
    if (defaultValue != null && !impliedType(type, nested).accepts(defaultValue.type())) {
      throw new IllegalArgumentException(name + ": default value has the wrong type");
    }
    description = description == null ? "" : description;
    validators = List.copyOf(validators);
    planModifiers = List.copyOf(planModifiers);
  }

  /** The cty type of this attribute's value. */
  public CtyType impliedType() {
    return impliedType(type, nested);
  }

  private static CtyType impliedType(CtyType type, NestedAttributes nested) {
    return type != null ? type : nested.impliedType();
  }

  public static Builder builder(String name, CtyType type) {
    return new Builder(name, type, null);
  }

  public static Builder string(String name) {
    return builder(name, CtyType.STRING);
  }

  public static Builder number(String name) {
    return builder(name, CtyType.NUMBER);
  }

  /** A number that must be whole: a count of days, minutes, ... */
  public static Builder wholeNumber(String name) {
    return number(name).validators(Validators.wholeNumber());
  }

  public static Builder bool(String name) {
    return builder(name, CtyType.BOOL);
  }

  public static Builder stringSet(String name) {
    return builder(name, CtyType.set(CtyType.STRING));
  }

  public static Builder stringList(String name) {
    return builder(name, CtyType.list(CtyType.STRING));
  }

  public static Builder stringMap(String name) {
    return builder(name, CtyType.map(CtyType.STRING));
  }

  /** Nested attributes: {@code name = { ... }} (SINGLE), a list/set of them, or a map. */
  public static Builder nested(String name, Nesting nesting, List<Attribute> attributes) {
    return new Builder(name, null, new NestedAttributes(nesting, attributes));
  }

  /** Fluent construction; {@link #build} checks Terraform's schema rules. */
  public static final class Builder {
    private final String name;
    private final CtyType type;
    private final NestedAttributes nested;
    /** Which of required, optional, computed and sensitive were asked for. */
    private final EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
    private String description;
    private final List<Validator> validators = new ArrayList<>();
    private final List<PlanModifier> planModifiers = new ArrayList<>();
    private CtyValue defaultValue;

    private Builder(String name, CtyType type, NestedAttributes nested) {
      this.name = Objects.requireNonNull(name, "name");
      this.type = type;
      this.nested = nested;
    }

    private enum Flag { REQUIRED, OPTIONAL, COMPUTED, SENSITIVE }

    public Builder required() {
      return with(Flag.REQUIRED);
    }

    public Builder optional() {
      return with(Flag.OPTIONAL);
    }

    public Builder computed() {
      return with(Flag.COMPUTED);
    }

    public Builder sensitive() {
      return with(Flag.SENSITIVE);
    }

    private Builder with(Flag... asked) {
      flags.addAll(List.of(asked));
      return this;
    }

    /** Plain text, for the generated docs and the language server. */
    public Builder description(String text) {
      description = text;
      return this;
    }

    public Builder validators(Validator... vs) {
      validators.addAll(List.of(vs));
      return this;
    }

    public Builder planModifiers(PlanModifier... ms) {
      planModifiers.addAll(List.of(ms));
      return this;
    }

    /** Planned when the configuration leaves it null; makes the attribute optional+computed. */
    public Builder defaultValue(CtyValue value) {
      defaultValue = value;
      return with(Flag.OPTIONAL, Flag.COMPUTED);
    }

    public Attribute build() {
      return new Attribute(name, type, nested, flags.contains(Flag.REQUIRED),
          flags.contains(Flag.OPTIONAL), flags.contains(Flag.COMPUTED),
          flags.contains(Flag.SENSITIVE), description, validators, planModifiers, defaultValue);
    }
  }
}
