package bunker.framework;

import bunker.cty.AttributePath;
import bunker.cty.CtyCodecException;
import bunker.cty.CtyJson;
import bunker.cty.CtyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The framework's one entry point: each method is one tfplugin6 RPC in cty terms. The protocol
 * layer decodes the wire values with the schemas found here, calls the method, and encodes
 * the result. Every outcome carries its diagnostics; methods do not throw for user faults.
 */
public final class FrameworkServer {
  private final Provider provider;
  private final Map<String, Supplier<Resource>> resources = new TreeMap<>();
  private final Map<String, Schema> resourceSchemas = new TreeMap<>();
  private final Map<String, Supplier<DataSource>> dataSources = new TreeMap<>();
  private final Map<String, Schema> dataSourceSchemas = new TreeMap<>();
  private volatile Object providerData;

  public FrameworkServer(Provider provider) {
    this.provider = provider;
    for (Supplier<Resource> f : provider.resources()) {
      Resource r = f.get();
      if (resources.put(r.typeName(), f) != null) {
        throw new IllegalArgumentException("resource type " + r.typeName() + " declared twice");
      }
      resourceSchemas.put(r.typeName(), r.schema());
    }
    for (Supplier<DataSource> f : provider.dataSources()) {
      DataSource d = f.get();
      if (dataSources.put(d.typeName(), f) != null) {
        throw new IllegalArgumentException("data source " + d.typeName() + " declared twice");
      }
      dataSourceSchemas.put(d.typeName(), d.schema());
    }
  }

  /** Planned state, paths forcing replacement, private bytes for apply. */
  public record PlanResult(CtyValue planned, List<AttributePath> requiresReplace,
      byte[] plannedPrivate, List<Diagnostic> diagnostics) {}

  /** A state (null value = no object) with its private bytes. */
  public record StateOutcome(CtyValue state, byte[] privateState, List<Diagnostic> diagnostics) {}

  public record ImportOutcome(List<ImportedResource> resources, List<Diagnostic> diagnostics) {}

  public String providerTypeName() {
    return provider.typeName();
  }

  public Schema providerSchema() {
    return provider.schema();
  }

  public Map<String, Schema> resourceSchemas() {
    return Map.copyOf(resourceSchemas);
  }

  public Map<String, Schema> dataSourceSchemas() {
    return Map.copyOf(dataSourceSchemas);
  }

  /** The schema of a managed resource type, a finder. */
  public Optional<Schema> resourceSchema(String typeName) {
    return Optional.ofNullable(resourceSchemas.get(typeName));
  }

  public Optional<Schema> dataSourceSchema(String typeName) {
    return Optional.ofNullable(dataSourceSchemas.get(typeName));
  }

  public List<Diagnostic> validateProviderConfig(CtyValue config) {
    return validate(provider.schema(), provider::validateConfig, config, new Diagnostics());
  }

  /** Configures the provider for this process; config may hold unknowns. */
  public List<Diagnostic> configureProvider(String terraformVersion, CtyValue config) {
    Diagnostics diags = new Diagnostics();
    providerData = provider.configure(new Provider.ConfigureRequest(terraformVersion, config),
        diags);
    return diags.all();
  }

  public List<Diagnostic> validateResourceConfig(String typeName, CtyValue config) {
    Diagnostics diags = new Diagnostics();
    Resource r = resource(typeName, diags);
    return validate(r.schema(), r::validateConfig, config, diags);
  }

  public List<Diagnostic> validateDataSourceConfig(String typeName, CtyValue config) {
    Diagnostics diags = new Diagnostics();
    DataSource d = dataSource(typeName, diags);
    return validate(d.schema(), d::validateConfig, config, diags);
  }

  /** The schema's attribute validators first, then the type's own whole-config check. */
  private static List<Diagnostic> validate(Schema schema,
      BiConsumer<CtyValue, Diagnostics> validateConfig, CtyValue config, Diagnostics diags) {
    runValidators(schema.block(), config, diags);
    validateConfig.accept(config, diags);
    return diags.all();
  }

  /**
   * Reads a stored state (the state file's attributes JSON) into the current schema. Same
   * version: decoded directly; older: the resource's upgrader; {@code rawJson} null means only a
   * pre-0.12 flatmap state was stored, which is not supported.
   */
  public StateOutcome upgradeResourceState(String typeName, long version, String rawJson) {
    Diagnostics diags = new Diagnostics();
    Resource r = resource(typeName, diags);
    Schema schema = r.schema();
    CtyValue out = CtyValue.nullOf(schema.impliedType());
    if (rawJson == null) {
      diags.addError("Unable to Upgrade Resource State", "The state of " + typeName
          + " is in the flatmap format of Terraform 0.11 or earlier, which is not supported.");
    } else if (version > schema.version()) {
      diags.addError("Unable to Upgrade Resource State", "The state of " + typeName
          + " was written by a newer provider (schema version " + version + ", this provider "
          + "knows " + schema.version() + "). Upgrade the provider.");
    } else if (version == schema.version()) {
      try {
        out = SchemaWalk.normalize(schema.block(), CtyJson.decode(rawJson, schema.impliedType()));
      } catch (CtyCodecException e) {
        diags.addAttributeError(e.path(), "Unable to Read Stored State", e.getMessage());
      }
    } else {
      CtyValue up = r.upgradeState(version, rawJson, diags);
      out = up == null ? out : up;
    }
    return new StateOutcome(out, null, diags.all());
  }

  public StateOutcome readResource(String typeName, CtyValue state, byte[] privateState) {
    Diagnostics diags = new Diagnostics();
    Resource r = resource(typeName, diags);
    StateResult res = r.read(new Resource.ReadRequest(state, privateState), diags);
    return ApplyEngine.finish(r, res, privateState, "Read", diags);
  }

  public PlanResult planResourceChange(String typeName, CtyValue prior, CtyValue proposed,
      CtyValue config, byte[] priorPrivate) {
    Diagnostics diags = new Diagnostics();
    Resource r = resource(typeName, diags);
    return PlanEngine.plan(r, prior, proposed, config, priorPrivate, diags);
  }

  public StateOutcome applyResourceChange(String typeName, CtyValue prior, CtyValue planned,
      CtyValue config, byte[] plannedPrivate) {
    Diagnostics diags = new Diagnostics();
    Resource r = resource(typeName, diags);
    return ApplyEngine.apply(r, prior, planned, config, plannedPrivate, diags);
  }

  public ImportOutcome importResourceState(String typeName, String id) {
    Diagnostics diags = new Diagnostics();
    Resource r = resource(typeName, diags);
    List<ImportedResource> out = new ArrayList<>();
    for (ImportedResource i : r.importState(id, diags)) {
      out.add(new ImportedResource(i.typeName(),
          SchemaWalk.normalize(r.schema().block(), i.state()), i.privateState()));
    }
    if (out.isEmpty() && !diags.hasErrors()) {
      diags.addError("Import Returned No Resources", "Importing " + typeName + " \"" + id
          + "\" produced nothing; this is a bug in the provider.");
    }
    return new ImportOutcome(out, diags.all());
  }

  public StateOutcome readDataSource(String typeName, CtyValue config) {
    Diagnostics diags = new Diagnostics();
    DataSource d = dataSource(typeName, diags);
    CtyValue v = d.read(config, diags);
    if (v == null || v.isNull()) {
      if (!diags.hasErrors()) {
        diags.addError("Missing Data Source State", typeName + " returned no value; this is a "
            + "bug in the provider.");
      }
      v = CtyValue.nullOf(d.schema().impliedType());
    }
    return new StateOutcome(ApplyEngine.noUnknowns(v, "Read", diags), null, diags.all());
  }

  /** Terraform was interrupted: let running operations wind down. */
  public void stop() {
    provider.stop();
  }

  private Resource resource(String typeName, Diagnostics diags) {
    Resource r = create(resources, "resource", typeName);
    r.configure(providerData, diags);
    return r;
  }

  private DataSource dataSource(String typeName, Diagnostics diags) {
    DataSource d = create(dataSources, "data source", typeName);
    d.configure(providerData, diags);
    return d;
  }

  private static <T> T create(Map<String, Supplier<T>> factories, String kind, String typeName) {
    Supplier<T> f = factories.get(typeName);
    if (f == null) {
      throw new IllegalArgumentException("unknown " + kind + " type \"" + typeName + "\"");
    }
    return f.get();
  }

  static void runValidators(Block block, CtyValue config, Diagnostics diags) {
    SchemaWalk.visitConfig(block, config, (attr, path, value) -> {
      if (value.isKnown() && !value.isNull()) {
        attr.validators().forEach(v -> v.validate(path, value, diags));
      }
    });
  }
}
