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
 * @param templateCurrent stackset mode: the set's template is the one the request renders
 * @param templateForeign stackset mode: the set's template is not one Bunker renders at all (a
 *     StackSet of the same name made by the seed module, adopted by import)
 * @param helperTopicArn the deployment helper's topic (stackset mode), else ""
 * @param accounts account id → what is there, sorted by account id
 */
public record WorkloadState(
    MemberMode mode,
    String stackSetName,
    String stackSetId,
    String callAs,
    List<String> targets,
    boolean templateCurrent,
    boolean templateForeign,
    String helperTopicArn,
    SortedMap<String, MemberAccount> accounts) {

  public WorkloadState {
    Objects.requireNonNull(mode, "mode");
    stackSetName = Objects.requireNonNullElse(stackSetName, "");
    stackSetId = Objects.requireNonNullElse(stackSetId, "");
    callAs = Objects.requireNonNullElse(callAs, "");
    targets = targets.stream().distinct().sorted().toList();
    helperTopicArn = Objects.requireNonNullElse(helperTopicArn, "");
    accounts = Collections.unmodifiableSortedMap(new TreeMap<>(accounts));
  }

  /** Nothing deployed yet (before the first apply). */
  public static WorkloadState empty(MemberMode mode) {
    return new WorkloadState(mode, "", "", "", List.of(), false, false, "", new TreeMap<>());
  }

  /**
   * Whether an apply of {@code request} would change nothing: every account deployed, no
   * account left behind, and in stackset mode the set exists with the request's template and
   * targets. The resource's plan marks {@code member_accounts} (and {@code stack_set_id})
   * unknown when this is false, so a joined or departed account shows in the next plan.
   */
  public boolean isConvergedWith(WorkloadRequest request) {
    if (request.mode() != mode
        || !accounts.values().stream().allMatch(MemberAccount::isConverged)) {
      return false;
    }
    if (mode == MemberMode.STACKSET) {
      return !stackSetId.isEmpty() && templateCurrent
          && targets.equals(request.spec().sortedTargets());
    }
    return true;
  }

  public WorkloadState withAccounts(Map<String, MemberAccount> value) {
    return new WorkloadState(mode, stackSetName, stackSetId, callAs, targets, templateCurrent,
        templateForeign, helperTopicArn, new TreeMap<>(value));
  }

  public WorkloadState withStackSet(String name, String id, String as) {
    return new WorkloadState(mode, name, id, as, targets, templateCurrent, templateForeign,
        helperTopicArn, accounts);
  }

  public WorkloadState withTargets(List<String> value, boolean isTemplateCurrent) {
    return new WorkloadState(mode, stackSetName, stackSetId, callAs, value, isTemplateCurrent,
        templateForeign, helperTopicArn, accounts);
  }

  /** The same, marked as holding (or not) a template Bunker did not render. */
  public WorkloadState withTemplateForeign(boolean value) {
    return new WorkloadState(mode, stackSetName, stackSetId, callAs, targets, templateCurrent,
        value, helperTopicArn, accounts);
  }

  public WorkloadState withHelperTopicArn(String value) {
    return new WorkloadState(mode, stackSetName, stackSetId, callAs, targets, templateCurrent,
        templateForeign, value, accounts);
  }
}
