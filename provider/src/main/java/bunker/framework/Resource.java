package bunker.framework;

import bunker.cty.CtyValue;
import java.util.List;
import java.util.Map;

/**
 * A managed resource type. The engine plans (defaults, unknown computed values, validators,
 * plan modifiers, then {@link #modifyPlan}) and dispatches apply to {@link #create},
 * {@link #update} or {@link #delete}. Values are whole objects of {@link #schema()}'s type;
 * private state bytes travel from plan to apply to state unchanged unless replaced.
 */
public interface Resource {
  /** The resource type name, e.g. {@code backup_vault}. */
  String typeName();

  Schema schema();

  /**
   * Receives what {@link Provider#configure} returned, before any other call on this instance;
   * null during validation, which Terraform runs before ConfigureProvider.
   */
  default void configure(Object providerData, Diagnostics diagnostics) {}

  /** Checks across attributes; attribute validators already ran. Values may be unknown. */
  default void validateConfig(CtyValue config, Diagnostics diagnostics) {}

  /** Resource-level plan adjustments: set computed values, mark replacement paths. */
  default void modifyPlan(ModifyPlan plan) {}

  /**
   * Creates the object. On failure return whatever was created so far with the error: the
   * engine hands Terraform that partial state, which saves it tainted.
   */
  StateResult create(CreateRequest request, Diagnostics diagnostics);

  /** Refreshes the object; {@link StateResult#gone()} when it no longer exists. */
  StateResult read(ReadRequest request, Diagnostics diagnostics);

  StateResult update(UpdateRequest request, Diagnostics diagnostics);

  /** Deletes the object; an error keeps it in state. Deleting a missing object is success. */
  void delete(DeleteRequest request, Diagnostics diagnostics);

  /** {@code terraform import} / {@code import {}}: the skeleton state Read then fills. */
  default List<ImportedResource> importState(String id, Diagnostics diagnostics) {
    diagnostics.addError("Resource Import Not Implemented",
        typeName() + " does not support import.");
    return List.of();
  }

  /**
   * Converts a state stored with an older schema version (raw state JSON) to the current
   * schema. Equal versions never reach here: the engine decodes them itself.
   */
  default CtyValue upgradeState(long storedVersion, String rawJson, Diagnostics diagnostics) {
    diagnostics.addError("Unable to Upgrade Resource State", typeName() + " has no upgrade "
        + "from schema version " + storedVersion + " to " + schema().version() + ".");
    return null;
  }

  /** The usual import: the id goes into {@code attribute}, everything else is left to Read. */
  default List<ImportedResource> importPassthrough(String attribute, String id) {
    return List.of(new ImportedResource(typeName(),
        schema().newObject(Map.of(attribute, CtyValue.string(id))), new byte[0]));
  }

  /** Create input: the configuration and the planned object. */
  record CreateRequest(CtyValue config, CtyValue planned, byte[] plannedPrivate) {}

  /** Read input: the current state (already upgraded) and its private bytes. */
  record ReadRequest(CtyValue state, byte[] privateState) {}

  /** Update input: prior state, configuration and planned object. */
  record UpdateRequest(CtyValue prior, CtyValue config, CtyValue planned,
      byte[] plannedPrivate) {}

  /** Delete input: the state being destroyed. */
  record DeleteRequest(CtyValue prior, byte[] privateState) {}
}
