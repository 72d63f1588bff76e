package bunker.resource.deployment.workload;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the deployment has in its workload accounts: the record the resource keeps in its
 * Terraform state (it maps to {@code stack_set_id} and {@code member_accounts}; see the
 * deployment resource) and hands back to {@link WorkloadAccounts} on the next read, apply or
 * delete.
 *
 * @param mode the mode that built it; a change of mode is a replacement
 * @param stackSetName the StackSet's name ("" in assume_role mode or before it exists)
 * @param stackSetId the StackSet's id ("" in assume_role mode, before it exists, or once gone)
 * @param callAs {@code SELF} or {@code DELEGATED_ADMIN} (stackset mode), else ""
 * @param targets OU ids the workload objects were deployed for (StackSet instances' OUs), sorted
 * @param template stackset mode: whose template the set runs ({@link StackSetTemplateKind#NONE}
 *     before it exists and in assume_role mode)
 * @param helperTopicArn the deployment helper's topic (stackset mode), else ""
 * @param accounts account id → what is there, sorted by account id
 */
public record WorkloadState(
    MemberMode mode,
    String stackSetName,
    String stackSetId,
    String callAs,
    List<String> targets,
    StackSetTemplateKind template,
    String helperTopicArn,
    SortedMap<String, MemberAccount> accounts) {

  public WorkloadState {
    Objects.requireNonNull(mode, "mode");
    stackSetName = Objects.requireNonNullElse(stackSetName, "");
    stackSetId = Objects.requireNonNullElse(stackSetId, "");
    callAs = Objects.requireNonNullElse(callAs, "");
    template = Objects.requireNonNullElse(template, StackSetTemplateKind.NONE);
    targets = targets.stream().distinct().sorted().toList();
    helperTopicArn = Objects.requireNonNullElse(helperTopicArn, "");
    accounts = Collections.unmodifiableSortedMap(new TreeMap<>(accounts));
  }

  /** Nothing deployed yet (before the first apply). */
  public static WorkloadState empty(MemberMode mode) {
    return new WorkloadState(mode, "", "", "", List.of(), StackSetTemplateKind.NONE, "",
        new TreeMap<>());
  }

  /**
   * Whether an apply of {@code request} would change nothing: every account deployed, no
   * account left behind, and in stackset mode the set exists with the request's template (or
   * the seed module's, adopted as it is: {@link StackSetTemplateKind#serves}) and targets. The
   * resource's plan marks {@code member_accounts} (and {@code stack_set_id}) unknown when this
   * is false, so a joined or departed account shows in the next plan.
   */
  public boolean isConvergedWith(WorkloadRequest request) {
    if (request.mode() != mode
        || !accounts.values().stream().allMatch(MemberAccount::isConverged)) {
      return false;
    }
    if (mode == MemberMode.STACKSET) {
      return !stackSetId.isEmpty() && template.serves()
          && targets.equals(request.spec().sortedTargets());
    }
    return true;
  }

  public WorkloadState withAccounts(Map<String, MemberAccount> value) {
    return new WorkloadState(mode, stackSetName, stackSetId, callAs, targets, template,
        helperTopicArn, new TreeMap<>(value));
  }

  public WorkloadState withStackSet(String name, String id, String as) {
    return new WorkloadState(mode, name, id, as, targets, template, helperTopicArn,
        accounts);
  }

  WorkloadState withTargets(List<String> value) {
    return new WorkloadState(mode, stackSetName, stackSetId, callAs, value, template,
        helperTopicArn, accounts);
  }

  WorkloadState withTemplate(StackSetTemplateKind value) {
    return new WorkloadState(mode, stackSetName, stackSetId, callAs, targets, value,
        helperTopicArn, accounts);
  }

  WorkloadState withHelperTopicArn(String value) {
    return new WorkloadState(mode, stackSetName, stackSetId, callAs, targets, template,
        value, accounts);
  }
}
