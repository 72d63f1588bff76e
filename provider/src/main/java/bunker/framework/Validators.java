package bunker.framework;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.json.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Ready-made {@link Validator}s. Each reports "Invalid Attribute Value" at the attribute's path
 * with a detail that names the rule and the offending value.
 */
public final class Validators {
  private static final String SUMMARY = "Invalid Attribute Value";
  private static final Pattern OU_ID = Pattern.compile("ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}");
  private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
  private static final Pattern ARN = Pattern.compile(
      "arn:aws(-[a-z]+)*:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}|aws)?:.+");

  private Validators() {}

  /** A validator from a description and a check that returns null or the problem. */
  public static Validator of(String description, Function<CtyValue, String> check) {
    return new Validator() {
      @Override
      public void validate(AttributePath path, CtyValue value, Diagnostics diags) {
        String problem = check.apply(value);
        if (problem != null) {
          diags.addAttributeError(path, SUMMARY, "Attribute " + path + " " + problem + ".");
        }
      }

      @Override
      public String description() {
        return description;
      }
    };
  }

  private static Validator ofString(String description, Function<String, String> check) {
    return of(description, v -> check.apply(v.asString()));
  }

  public static Validator stringLength(int min, int max) {
    return ofString("length between " + min + " and " + max, s -> {
      int n = s.codePointCount(0, s.length());
      return n >= min && n <= max ? null
          : "must be " + min + " to " + max + " characters long, got " + n;
    });
  }

  /** The whole string must match {@code regex}; {@code rule} says in words what that means. */
  public static Validator matches(String regex, String rule) {
    Pattern p = Pattern.compile(regex);
    return ofString(rule, s -> p.matcher(s).matches() ? null
        : "must be " + rule + ", got " + Json.write(s));
  }

  /**
   * An http or https URL with a host, as {@link URI} parses it (which is what an HTTP client,
   * such as the AWS SDK's endpoint override, takes): {@code "https?://.+"} alone would let a
   * space or a missing host through to fail at the first call. With {@code emptyMeansUnset},
   * {@code ""} passes too.
   */
  public static Validator httpUrl(boolean emptyMeansUnset) {
    String rule = "an http(s) URL with a host" + (emptyMeansUnset ? ", or \"\" for none" : "");
    return ofString(rule, s -> {
      if (s.isEmpty() && emptyMeansUnset) {
        return null;
      }
      String problem = "must be " + rule + ", got " + Json.write(s);
      try {
        URI uri = new URI(s);
        return uri.getScheme() != null && uri.getScheme().matches("https?")
            && uri.getHost() != null ? null : problem;
      } catch (URISyntaxException e) {
        return problem;
      }
    });
  }

  public static Validator oneOf(String... allowed) {
    List<String> ok = List.of(allowed);
    return ofString("one of " + ok, s -> ok.contains(s) ? null
        : "must be one of " + String.join(", ", ok.stream().map(Json::write).toList())
            + ", got " + Json.write(s));
  }

  /** A whole number, of any size: counts of days or minutes, whose ranges are checked apart. */
  public static Validator wholeNumber() {
    return of("whole number", v -> v.asBigDecimal().stripTrailingZeros().scale() > 0
        ? "must be a whole number, got " + v.asBigDecimal().toPlainString() : null);
  }

  /** A whole number in [min, max]. */
  public static Validator intBetween(long min, long max) {
    return of("whole number between " + min + " and " + max, v -> {
      BigDecimal n = v.asBigDecimal();
      if (n.stripTrailingZeros().scale() > 0) {
        return "must be a whole number, got " + n.toPlainString();
      }
      return n.compareTo(BigDecimal.valueOf(min)) >= 0 && n.compareTo(BigDecimal.valueOf(max)) <= 0
          ? null : "must be between " + min + " and " + max + ", got " + n.toPlainString();
    });
  }

  public static Validator numberBetween(BigDecimal min, BigDecimal max) {
    return of("number between " + min + " and " + max, v -> {
      BigDecimal n = v.asBigDecimal();
      return n.compareTo(min) >= 0 && n.compareTo(max) <= 0 ? null
          : "must be between " + min.toPlainString() + " and " + max.toPlainString() + ", got "
              + n.toPlainString();
    });
  }

  /** A list, set or map with between min and max elements. */
  public static Validator sizeBetween(int min, int max) {
    return of("between " + min + " and " + max + " elements", v -> {
      int n = v.type() instanceof CtyType.MapType ? v.asMap().size() : v.elements().size();
      return n >= min && n <= max ? null
          : "must have " + min + " to " + max + " elements, got " + n;
    });
  }

  /** Applies {@code element} to every known, non-null element of a list, set or map. */
  public static Validator eachElement(Validator element) {
    return new Validator() {
      @Override
      public void validate(AttributePath path, CtyValue value, Diagnostics diags) {
        if (value.type() instanceof CtyType.MapType) {
          for (Map.Entry<String, CtyValue> e : value.asMap().entrySet()) {
            check(path.key(e.getKey()), e.getValue(), diags);
          }
          return;
        }
        List<CtyValue> elems = value.elements();
        boolean isList = value.type() instanceof CtyType.ListType;
        for (int i = 0; i < elems.size(); i++) {
          // set elements cannot be addressed: report them at the set
          check(isList ? path.index(i) : path, elems.get(i), diags);
        }
      }

      private void check(AttributePath path, CtyValue v, Diagnostics diags) {
        if (v.isKnown() && !v.isNull()) {
          element.validate(path, v, diags);
        }
      }

      @Override
      public String description() {
        return "each element: " + element.description();
      }
    };
  }

  public static Validator organizationalUnitId() {
    return matches(OU_ID.pattern(), "an organizational unit id (ou-xxxx-xxxxxxxx)");
  }

  public static Validator accountId() {
    return matches(ACCOUNT_ID.pattern(), "a 12-digit AWS account id");
  }

  public static Validator arn() {
    return matches(ARN.pattern(), "an ARN (arn:partition:service:region:account:resource)");
  }

  /**
   * Valid JSON text, such as an IAM or vault access policy, read by the one strict parser: a
   * duplicate key (which a lenient reader would let silently replace the first, turning a Deny
   * into an Allow) fails here, at validate time.
   */
  public static Validator jsonDocument() {
    return parsedBy("a JSON document", "must be a JSON document", Json::parse);
  }

  /** A Go duration such as {@code 30m} or {@code 1h30m}. */
  public static Validator goDuration() {
    return parsedBy("a duration such as 30m or 1h30m", "must be a duration", GoDuration::parse);
  }

  /** The string must parse; the parser's IllegalArgumentException message says why not. */
  private static Validator parsedBy(String description, String mustBe, Consumer<String> parse) {
    return ofString(description, s -> {
      try {
        parse.accept(s);
        return null;
      } catch (IllegalArgumentException e) {
        return mustBe + ": " + e.getMessage();
      }
    });
  }
}
