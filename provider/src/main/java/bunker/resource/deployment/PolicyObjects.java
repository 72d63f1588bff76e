package bunker.resource.deployment;

import bunker.aws.AwsClients;
import bunker.aws.organizations.BackupPolicies;
import bunker.json.Json;
import bunker.topology.BackupPolicyDocument;
import bunker.topology.BackupPolicyDocuments;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.organizations.model.Policy;
import software.amazon.awssdk.services.organizations.model.PolicySummary;

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

  /**
   * Creates or updates each policy, attaches it to the targets only, drops extra policies. The
   * seed module's policy {@code C}, adopted by import, gets Bunker's content and description
   * here, so that from then on a refresh compares its content ({@link #contentDrifted}).
   */
  void ensure() {
    List<BackupPolicyDocument> docs = BackupPolicyDocuments.render(spec);
    String description = description(spec.name());
    Map<String, PolicySummary> existing = new LinkedHashMap<>();
    findAll().forEach(p -> existing.put(p.name(), p));
    List<String> ids = new ArrayList<>();
    for (BackupPolicyDocument doc : docs) {
      PolicySummary found = existing.remove(doc.name());
      String id;
      if (found == null) {
        id = policies().create(doc.name(), description, doc.content(),
            CentralObjects.tags(aws, spec));
      } else {
        id = found.id();
        if (!description.equals(found.description())
            || !holds(policies().findById(id).map(Policy::content), doc.content())) {
          policies().update(id, doc.content(), description);
        }
      }
      ids.add(id);
      state.recordPolicies(ids);
      attachToTargetsOnly(id);
    }
    for (PolicySummary extra : existing.values()) {
      policies().delete(extra.id());
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
    findAll().forEach(p -> ids.add(p.id()));
    for (String id : ids) {
      policies().delete(id);
    }
    state.recordPolicies(List.of());
  }

  /**
   * Refreshes the recorded ids: those that still exist, in name order. With {@code check}
   * (every refresh but import's) reports drift so the next plan re-applies them: a policy gone,
   * attached to other targets than the spec's, or holding other content than the spec renders
   * ({@link #contentDrifted}; one DescribePolicy per policy of Bunker's). Returns the names of
   * the policies whose content drifted, for the refresh to say so.
   */
  List<String> refresh(boolean check) {
    List<PolicySummary> found = findAll();
    List<String> ids = found.stream().map(PolicySummary::id).toList();
    List<String> edited = new ArrayList<>();
    if (!ids.containsAll(state.policyIds()) || ids.isEmpty()) {
      state.policiesDrifted();
    } else if (check) {
      Set<String> want = new HashSet<>(spec.backupTargets());
      Map<String, String> rendered = new HashMap<>();
      BackupPolicyDocuments.render(spec).forEach(d -> rendered.put(d.name(), d.content()));
      for (PolicySummary p : found) {
        if (!new HashSet<>(policies().targets(p.id())).equals(want)) {
          state.policiesDrifted();
        }
        if (contentDrifted(spec.name(), p, rendered,
            () -> policies().findById(p.id()).map(Policy::content))) {
          state.policiesDrifted();
          edited.add(p.name());
        }
      }
    }
    state.recordPolicies(ids);
    return edited;
  }

  /**
   * Whether {@code policy}, one of the deployment's, holds other content than the spec renders
   * under its name ({@code rendered}, name to content; none rendered is drift too, since an
   * apply deletes it), compared as JSON as {@link #ensure} does. Only Bunker's own policies
   * (its description) are compared, so {@code content} (a DescribePolicy) is asked only for
   * them: the seed module's policy {@code C} (no description), adopted by import, holds the
   * seed module's form of the same plans (which import reads back as the configuration) until
   * an apply gives it Bunker's content and description.
   */
  static boolean contentDrifted(String deployment, PolicySummary policy,
      Map<String, String> rendered, Supplier<Optional<String>> content) {
    if (!description(deployment).equals(policy.description())) {
      return false;
    }
    return !holds(content.get(), rendered.get(policy.name()));
  }

  /** Whether a policy's content (DescribePolicy; empty: none) is {@code rendered}, as JSON. */
  private static boolean holds(Optional<String> content, String rendered) {
    return rendered != null && content.isPresent() && Json.same(content.get(), rendered);
  }

  /** Contents of the deployment's policies, in name order (for import). */
  List<String> contents() {
    List<String> out = new ArrayList<>();
    for (PolicySummary p : findAll()) {
      policies().findById(p.id()).map(Policy::content).ifPresent(out::add);
    }
    return out;
  }

  /** Targets of the deployment's policies (for import). */
  Set<String> targets() {
    Set<String> out = new HashSet<>();
    findAll().forEach(p -> out.addAll(policies().targets(p.id())));
    return out;
  }

  /** This deployment's policies, sorted by name. */
  private List<PolicySummary> findAll() {
    String base = Names.of(spec).backupPolicy(0, 1);
    String description = description(spec.name());
    return policies().list().stream()
        .filter(p -> (p.name().equals(base) || p.name().startsWith(base + "-"))
            && description.equals(p.description())
            // The seed module's single policy: exactly C, without a description (a Bunker
            // policy of another deployment named C always carries its own description).
            || p.name().equals(base) && (p.description() == null || p.description().isEmpty()))
        .sorted(Comparator.comparing(PolicySummary::name))
        .toList();
  }
}
