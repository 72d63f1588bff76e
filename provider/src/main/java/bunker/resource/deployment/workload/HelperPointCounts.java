package bunker.resource.deployment.workload;

import bunker.aws.AwsClients;
import bunker.aws.AwsErrors;
import bunker.aws.lambda.LambdaFunctions;
import bunker.json.Json;
import bunker.topology.Arns;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the recovery points of the deployment's vaults in workload accounts of stackset mode by
 * asking the deployment helper Lambda, which every member stack's helper role already trusts and
 * whose role there may already describe the vaults and list their points. The provider needs
 * nothing in the member accounts, only {@code lambda:InvokeFunction} on the helper function in
 * its own (central) account; the organisation needs no {@code OrganizationAccountAccessRole}.
 *
 * <p>The question is the helper's explicit, read-only {@code CountRecoveryPoints} request (see
 * {@code bunker.helper.PointCountRequest}), sent by a synchronous invoke in batches so that
 * each answer comes well within the HTTP client's read timeout.
 */
final class HelperPointCounts {
  /** Wire: the helper's request kind (bunker.helper.PointCountRequest). */
  static final String KIND_KEY = "BunkerRequest";
  static final String KIND = "CountRecoveryPoints";
  /** Accounts per invoke: the helper counts 8 at a time, a batch answers in seconds. */
  static final int BATCH = 40;

  private final AwsClients central;

  HelperPointCounts(AwsClients central) {
    this.central = central;
  }

  /** The sentence a diagnostic uses to say how accounts are read and what that needs. */
  static String reader(DeploymentSpec spec) {
    Names names = Names.of(spec);
    return "The provider asks the deployment helper Lambda (" + names.helperFunction() + ") to"
        + " count, and the helper reads each account as the role " + names.workloadHelperRole()
        + " that the account's stack created; that needs lambda:InvokeFunction on the helper"
        + " for the provider's role, and the account's " + names.workloadHelperRole()
        + " role trusting the helper's role " + Arns.of(spec).centralRole(
            names.helperLambdaRole()) + ".";
  }

  /**
   * The points in each account's deployment vaults; an account the helper could not read, or
   * every account when the helper itself could not be asked, with the reason.
   *
   * @param accounts account id → whether the vaults are known to exist there
   */
  List<AccountPoints> count(DeploymentSpec spec, Map<String, Boolean> accounts) {
    List<String> ids = new ArrayList<>(accounts.keySet());
    List<AccountPoints> out = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += BATCH) {
      List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
      Map<String, Object> answer;
      try {
        answer = invoke(spec, batch);
      } catch (RuntimeException e) {
        String why = whyNotAsked(spec, e);
        batch.forEach(a -> out.add(AccountPoints.unreadable(a, why, accounts.get(a))));
        continue;
      }
      out.addAll(read(answer, batch, accounts));
    }
    return out;
  }

  /** The request document for these accounts. */
  static String request(DeploymentSpec spec, List<String> accounts) {
    Names names = Names.of(spec);
    Arns arns = Arns.of(spec);
    List<Object> targets = new ArrayList<>();
    for (String account : accounts) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("AccountId", account);
      t.put("HelperRoleArn", arns.role(account, names.workloadHelperRole()));
      t.put("VaultNames", List.of(names.workloadBackupVault(), names.workloadRestoreVault()));
      targets.add(t);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put(KIND_KEY, KIND);
    doc.put("Region", spec.environment().region());
    doc.put("Partition", spec.environment().partition());
    doc.put("Accounts", targets);
    return Json.write(doc);
  }

  /**
   * The accounts of one answer. An answer without the account (a helper older than this
   * provider answers {@code {"responses": []}}) makes it unreadable, never empty.
   */
  static List<AccountPoints> read(Map<String, Object> answer, List<String> batch,
      Map<String, Boolean> mustExist) {
    List<AccountPoints> out = new ArrayList<>();
    Object all = answer.get("Accounts");
    for (String account : batch) {
      boolean exists = mustExist.getOrDefault(account, false);
      if (!(all instanceof Map<?, ?> accounts)) {
        Object error = answer.get("Error");
        out.add(AccountPoints.unreadable(account, error != null
            ? "the deployment helper refused the count: " + error
            : "the deployment helper did not answer the count (a helper older than this"
                + " provider; the next apply or destroy with this provider updates it)", exists));
      } else if (!(accounts.get(account) instanceof Map<?, ?> one)) {
        out.add(AccountPoints.unreadable(account, "the deployment helper's answer left this"
            + " account out", exists));
      } else if (one.get("Error") != null) {
        out.add(AccountPoints.unreadable(account, "the deployment helper could not read it: "
            + one.get("Error"), exists));
      } else {
        Map<String, Long> vaults = new TreeMap<>();
        if (one.get("Vaults") instanceof Map<?, ?> v) {
          v.forEach((name, n) -> vaults.put(String.valueOf(name), ((Number) n).longValue()));
        }
        out.add(AccountPoints.counted(account, vaults, exists));
      }
    }
    return out;
  }

  private Map<String, Object> invoke(DeploymentSpec spec, List<String> accounts) {
    String function = Names.of(spec).helperFunction();
    LambdaFunctions.Answer r = new LambdaFunctions(central.lambda())
        .invoke(function, request(spec, accounts));
    if (r.functionError().isPresent()) {
      throw new IllegalStateException("the deployment helper (" + function + ") failed: "
          + r.functionError().get() + " " + r.payload());
    }
    return Json.parseObject(r.payload());
  }

  private static String whyNotAsked(DeploymentSpec spec, RuntimeException e) {
    String function = Names.of(spec).helperFunction();
    if (AwsErrors.hasCode(e, "ResourceNotFoundException")) {
      return "the deployment helper Lambda (" + function + ") does not exist, although stack"
          + " instances do (their deletion needs it too)";
    }
    return "the deployment helper Lambda (" + function + ") could not be asked: "
        + Fanout.describe(e);
  }
}
