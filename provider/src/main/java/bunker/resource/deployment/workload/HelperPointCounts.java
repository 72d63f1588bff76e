package bunker.resource.deployment.workload;

import bunker.aws.AwsClients;
import bunker.aws.AwsErrors;
import bunker.aws.lambda.LambdaFunctions;
import bunker.json.Json;
import bunker.topology.Arns;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Counts the recovery points of the deployment's vaults in workload accounts of stackset mode by
 * asking the deployment helper Lambda, which every member stack's helper role already trusts and
 * whose role there may already describe the vaults and list their points. The provider needs
 * nothing in the member accounts, only {@code lambda:InvokeFunction} on the helper function in
 * its own (central) account; the organisation needs no {@code OrganizationAccountAccessRole}.
 *
 * <p>The question is the helper's explicit, read-only {@code CountRecoveryPoints} request (see
 * {@code bunker.helper.PointCountRequest}), sent by a synchronous invoke in batches so that
 * each answer comes well within the HTTP client's read timeout. With the same wire, {@link #empty}
 * has the helper empty the vaults (its {@code EmptyVaults} request) before a destroy or a target
 * removal with force_destroy deletes the accounts' stack instances.
 */
final class HelperPointCounts {
  /** Wire: the key of the helper's request kind. */
  static final String KIND_KEY = "BunkerRequest";

  /** The two direct requests, with the words a diagnostic uses for each. */
  enum Ask {
    /** bunker.helper.PointCountRequest. */
    COUNT("CountRecoveryPoints", "the count", "read it"),
    /** bunker.helper.EmptyVaultsRequest. */
    EMPTY("EmptyVaults", "the request to empty the vaults", "empty the vaults");

    /** The value of {@link #KIND_KEY}. */
    final String kind;
    private final String request;
    private final String act;

    Ask(String kind, String request, String act) {
      this.kind = kind;
      this.request = request;
      this.act = act;
    }
  }

  /**
   * How long one emptying invoke may work: its answer must come within the HTTP client's 60 s
   * read timeout ({@code AwsClients}); the provider asks again while points are left.
   */
  static final int EMPTY_SECONDS = 40;
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
    List<AccountPoints> out = new ArrayList<>();
    inBatches(spec, Ask.COUNT, new ArrayList<>(accounts.keySet()),
        (batch, answer) -> out.addAll(read(answer, batch, accounts, Ask.COUNT)),
        (batch, why) -> batch.forEach(a -> out.add(
            AccountPoints.unreadable(a, why, accounts.get(a)))));
    return out;
  }

  /**
   * Empties the deployment's vaults in these accounts through the helper's {@code EmptyVaults}
   * request (the access policy removed, every recovery point deleted; the vaults stay for the
   * member stack's Delete), asking again while the helper's answers say points are left, until
   * none is or {@code timeout} has passed. An account whose stack instance is not CURRENT
   * ({@code accounts} false) and whose vaults cannot be reached is left to its stack's Delete,
   * which refuses to delete a vault that still holds points.
   *
   * @param accounts account id → whether its stack instance is CURRENT
   * @return account id → why its vaults were not emptied; empty when every vault is
   */
  Map<String, String> empty(DeploymentSpec spec, Map<String, Boolean> accounts,
      Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    Map<String, String> failed = new TreeMap<>();
    List<String> pending = new ArrayList<>(accounts.keySet());
    while (!pending.isEmpty()) {
      List<String> next = new ArrayList<>();
      inBatches(spec, Ask.EMPTY, pending, (batch, answer) -> {
        List<String> answered = new ArrayList<>();
        for (String account : batch) {
          if (answer.get("Accounts") instanceof Map<?, ?> all
              && all.get(account) instanceof Map<?, ?> one && one.get("Unfinished") != null) {
            next.add(account);
          } else {
            answered.add(account);
          }
        }
        for (AccountPoints p : read(answer, answered, accounts, Ask.EMPTY)) {
          if (!p.readable()) {
            if (p.mustExist()) {
              failed.put(p.account(), p.error());
            }
          } else if (p.vaults().values().stream().anyMatch(n -> n > 0)) {
            next.add(p.account());
          }
        }
      }, (batch, why) -> batch.forEach(a -> failed.put(a, why)));
      pending = next;
      if (!pending.isEmpty() && System.nanoTime() - end > 0) {
        pending.forEach(a -> failed.put(a, "its vaults still held recovery points after "
            + timeout.toMinutes() + " minute(s) of emptying; run the operation again to"
            + " continue where it stopped"));
        break;
      }
    }
    return failed;
  }

  /**
   * Asks the helper {@code ask} for the accounts, {@link #BATCH} at a time: each answer goes to
   * {@code answered}; a batch the helper could not be asked goes to {@code notAsked} with why.
   */
  private void inBatches(DeploymentSpec spec, Ask ask, List<String> accounts,
      BiConsumer<List<String>, Map<String, Object>> answered,
      BiConsumer<List<String>, String> notAsked) {
    for (int from = 0; from < accounts.size(); from += BATCH) {
      List<String> batch = accounts.subList(from, Math.min(accounts.size(), from + BATCH));
      Map<String, Object> answer;
      try {
        answer = invoke(spec, request(spec, batch, ask));
      } catch (RuntimeException e) {
        notAsked.accept(batch, whyNotAsked(spec, e));
        continue;
      }
      answered.accept(batch, answer);
    }
  }

  /** The request document of {@code ask} for these accounts. */
  static String request(DeploymentSpec spec, List<String> accounts, Ask ask) {
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
    doc.put(KIND_KEY, ask.kind);
    doc.put("Region", spec.environment().region());
    if (ask == Ask.EMPTY) {
      doc.put("Seconds", EMPTY_SECONDS);
    }
    doc.put("Partition", spec.environment().partition());
    doc.put("Accounts", targets);
    return Json.write(doc);
  }

  /**
   * The accounts of one answer. An answer without the account (a helper older than this
   * provider answers {@code {"responses": []}}) makes it unreadable, never empty.
   */
  static List<AccountPoints> read(Map<String, Object> answer, List<String> batch,
      Map<String, Boolean> mustExist, Ask ask) {
    List<AccountPoints> out = new ArrayList<>();
    Object all = answer.get("Accounts");
    for (String account : batch) {
      boolean exists = mustExist.getOrDefault(account, false);
      if (!(all instanceof Map<?, ?> accounts)) {
        Object error = answer.get("Error");
        out.add(AccountPoints.unreadable(account, error != null
            ? "the deployment helper refused " + ask.request + ": " + error
            : "the deployment helper did not answer " + ask.request + " (a helper older than"
                + " this provider; the next apply or destroy with this provider updates it)",
            exists));
      } else if (!(accounts.get(account) instanceof Map<?, ?> one)) {
        out.add(AccountPoints.unreadable(account, "the deployment helper's answer left this"
            + " account out", exists));
      } else if (one.get("Error") != null) {
        out.add(AccountPoints.unreadable(account, "the deployment helper could not "
            + ask.act + ": " + one.get("Error"), exists));
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

  private Map<String, Object> invoke(DeploymentSpec spec, String request) {
    String function = Names.of(spec).helperFunction();
    LambdaFunctions.Answer r = new LambdaFunctions(central.lambda())
        .invoke(function, request);
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
