package bunker.resource.deployment;

import bunker.aws.AwsClients;
import bunker.aws.organizations.BackupPolicies;
import bunker.json.Json;
import bunker.topology.BackupPolicyDocument;
import bunker.topology.BackupPolicyDocuments;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.organizations.model.Policy;

/**
 * The deployment's Organizations backup policies: content from the topology, attached to exactly
 * the backup targets. A policy is this deployment's when its description says so, which keeps
 * deployments whose names share a prefix ({@code prod}, {@code prod-2}) apart.
 */
record PolicyObjects(AwsClients aws, DeploymentSpec spec, DeploymentState state) {
  private BackupPolicies policies() {
    return new BackupPolicies(aws.organizations());
  }

  static String description(String deployment) {
    return "Backup policy of Bunker deployment " + deployment;
  }

  /** Creates or updates each policy, attaches it to the targets only, drops extra policies. */
  void ensure() {
    List<BackupPolicyDocument> docs = BackupPolicyDocuments.render(spec);
    Map<String, String> existing = findAll();
    List<String> ids = new ArrayList<>();
    for (BackupPolicyDocument doc : docs) {
      String id = existing.remove(doc.name());
      if (id == null) {
        id = policies().create(doc.name(), description(spec.name()), doc.content(),
            CentralObjects.tags(aws, spec));
      } else if (!Json.same(policies().findById(id).map(Policy::content).orElse(""),
          doc.content())) {
        policies().updateContent(id, doc.content());
      }
      ids.add(id);
      state.recordPolicies(ids);
      attachToTargetsOnly(id);
    }
    for (String extra : existing.values()) {
      policies().delete(extra);
    }
    state.recordPolicies(ids);
  }

  private void attachToTargetsOnly(String id) {
    Set<String> attached = new HashSet<>(policies().targets(id));
    for (String target : spec.sortedTargets()) {
      if (!attached.contains(target)) {
        policies().attach(id, target);
      }
    }
    for (String target : attached) {
      if (!spec.backupTargets().contains(target)) {
        policies().detach(id, target);
      }
    }
  }

  /** Detaches and deletes every policy of the deployment. */
  void deleteAll() {
    Set<String> ids = new HashSet<>(state.policyIds());
    ids.addAll(findAll().values());
    for (String id : ids) {
      policies().delete(id);
    }
    state.recordPolicies(List.of());
  }

  /**
   * Refreshes the recorded ids: those that still exist, in name order. Reports drift (a policy
   * gone, or attached to other targets than the spec's) so the next plan re-applies them.
   */
  void refresh(boolean checkTargets) {
    Map<String, String> found = findAll();
    List<String> ids = new ArrayList<>(found.values());
    if (!ids.containsAll(state.policyIds()) || ids.isEmpty()) {
      state.policiesDrifted();
    } else if (checkTargets) {
      Set<String> want = new HashSet<>(spec.backupTargets());
      for (String id : ids) {
        if (!new HashSet<>(policies().targets(id)).equals(want)) {
          state.policiesDrifted();
        }
      }
    }
    state.recordPolicies(ids);
  }

  /** Contents of the deployment's policies, in name order (for import). */
  List<String> contents() {
    List<String> out = new ArrayList<>();
    for (String id : findAll().values()) {
      policies().findById(id).map(Policy::content).ifPresent(out::add);
    }
    return out;
  }

  /** Targets of the deployment's policies (for import). */
  Set<String> targets() {
    Set<String> out = new HashSet<>();
    findAll().values().forEach(id -> out.addAll(policies().targets(id)));
    return out;
  }

  /** This deployment's policies, name → id, sorted by name. */
  private Map<String, String> findAll() {
    String base = Names.of(spec).backupPolicy(0, 1);
    String description = description(spec.name());
    Map<String, String> out = new java.util.TreeMap<>();
    policies().list().stream()
        .filter(p -> (p.name().equals(base) || p.name().startsWith(base + "-"))
            && description.equals(p.description())
            // The seed module's single policy: exactly C, without a description (a Bunker
            // policy of another deployment named C always carries its own description).
            || p.name().equals(base) && (p.description() == null || p.description().isEmpty()))
        .forEach(p -> out.put(p.name(), p.id()));
    return new LinkedHashMap<>(out);
  }
}
