package bunker.framework;

import bunker.cty.AttributePath;
import bunker.cty.CtyValue;
import java.util.ArrayList;
import java.util.List;

/**
 * ApplyResourceChange dispatch (null prior = create, null planned = delete, else update) and
 * the checks every returned state passes: no unknown values escape, a missing state without an
 * error is the provider's bug, partial state with an error goes back as it is.
 */
final class ApplyEngine {
  private ApplyEngine() {}

  static FrameworkServer.StateOutcome apply(Resource r, CtyValue prior, CtyValue planned,
      CtyValue config, byte[] plannedPrivate, Diagnostics diags) {
    if (planned.isNull()) {
      r.delete(new Resource.DeleteRequest(prior, plannedPrivate), diags);
      // On failure the object stays: hand back the prior state, as Terraform expects.
      CtyValue after = diags.hasErrors() ? prior : CtyValue.nullOf(prior.type());
      return new FrameworkServer.StateOutcome(after, diags.hasErrors() ? plannedPrivate : null,
          diags.all());
    }
    if (prior.isNull()) {
      StateResult res = r.create(new Resource.CreateRequest(config, planned, plannedPrivate),
          diags);
      return finish(r, res, plannedPrivate, "Create", diags);
    }
    StateResult res = r.update(new Resource.UpdateRequest(prior, config, planned,
        plannedPrivate), diags);
    return finish(r, res, plannedPrivate, "Update", diags);
  }

  /** Checks a create/read/update result and fills defaults for what the resource left out. */
  static FrameworkServer.StateOutcome finish(Resource r, StateResult res, byte[] inPrivate,
      String operation, Diagnostics diags) {
    Schema schema = r.schema();
    if (res == null || res.isGone()) {
      if (!operation.equals("Read") && !diags.hasErrors()) {
        diags.addError("Missing Resource State After " + operation, r.typeName() + " returned "
            + "no state and no error; this is a bug in the provider.");
      }
      return new FrameworkServer.StateOutcome(CtyValue.nullOf(schema.impliedType()),
          res == null || res.privateState() == null ? inPrivate : res.privateState(),
          diags.all());
    }
    CtyValue state = SchemaWalk.normalize(schema.block(), res.state());
    byte[] priv = res.privateState() == null ? inPrivate : res.privateState();
    return new FrameworkServer.StateOutcome(noUnknowns(state, operation, diags), priv,
        diags.all());
  }

  /**
   * Terraform rejects unknown values after apply or read: report each one at its path as an
   * error and hand back null in its place, so the partial state can still be saved.
   */
  static CtyValue noUnknowns(CtyValue state, String operation, Diagnostics diags) {
    if (state.isWhollyKnown()) {
      return state;
    }
    List<AttributePath> paths = new ArrayList<>();
    CtyValue cleaned = state.transform((path, v) -> {
      if (v.isUnknown()) {
        paths.add(path);
        return CtyValue.nullOf(v.type());
      }
      return v;
    });
    for (AttributePath p : paths) {
      diags.addAttributeError(p, "Unknown Value After " + operation, "The provider left " + p
          + " unknown after " + operation.toLowerCase(java.util.Locale.ROOT)
          + "; this is a bug in the provider.");
    }
    return cleaned;
  }
}
