package bunker.aws.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.FakeTime;
import bunker.aws.backup.PointStore.Point;
import bunker.aws.backup.PointStore.VaultFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VaultEmptierTest {
  private static final String VAULT = "v1";
  private final FakeTime time = new FakeTime();
  private final EmptyOptions options = EmptyOptions.defaults().withTimeout(Duration.ofHours(1));

  private VaultEmptier emptier(FakePointStore store) {
    return new VaultEmptier(store, time.waiters(), Instant::now);
  }

  static AwsServiceException error(int status, String code, String message) {
    return AwsServiceException.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
        .build();
  }

  @Test
  void empty_manyPointsOverSeveralPages_deletesAllAndWaitsUntilGone() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(2345, "rp-");
    EmptyResult r = emptier(store).empty(VAULT, options, p -> {});
    assertEquals(2345, r.listed());
    assertEquals(2345, r.deleted());
    assertEquals(0, r.failed());
    assertEquals(0, r.remaining());
    assertTrue(r.isEmpty());
    assertEquals(1, r.rounds());
    assertTrue(store.points.isEmpty(), "fake vault still holds " + store.points.size());
    assertTrue(r.apiCalls() >= 2345 + 3, "apiCalls " + r.apiCalls());
  }

  @Test
  void empty_serverThrottlesAboveCapacity_halvesConcurrencyAndStillDeletesAll() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(400, "rp-");
    store.onDelete = (arn, attempt) -> {
      sleepRealMillis(2); // let calls overlap, as real ones do
      return store.inFlight.get() > 4 ? error(400, "ThrottlingException", "Rate exceeded") : null;
    };
    EmptyResult r = emptier(store).empty(VAULT, options, p -> {});
    assertEquals(0, r.failed(), r.failures().toString());
    assertEquals(400, r.deleted());
    assertEquals(0, r.remaining());
    assertTrue(r.throttles() > 0, "the fake throttled, the result must count it");
    assertTrue(r.concurrencyDecreases() > 0, "throttling must lower the limit");
  }

  @Test
  void empty_firstBurstAllThrottled_halvesOnceThenGrowsBack() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(200, "rp-");
    // The first 16 points listed are the first 16 submitted, all before any call completes.
    // (Throttling "the first 16 calls to run" instead would be racy: a call submitted after
    // the halving can run before one submitted earlier, and then is a genuine new signal.)
    store.onDelete = (arn, attempt) -> attempt == 1 && Integer.parseInt(arn.substring(3)) < 16
        ? error(400, "ThrottlingException", "Rate exceeded") : null;
    EmptyResult r = emptier(store).empty(VAULT, options.withConcurrency(16, 32), p -> {});
    assertEquals(200, r.deleted());
    assertEquals(16, r.throttles());
    // 16 refusals of calls all started before the first halving: one signal, not sixteen.
    assertEquals(1, r.concurrencyDecreases(), r.summary());
    assertTrue(r.isEmpty());
  }

  @Test
  void empty_someDeletesFail_collectsEveryFailureAndKeepsGoing() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(100, "rp-");
    store.onDelete = (arn, attempt) -> arn.endsWith("7")
        ? error(400, "InvalidParameterValueException", "cannot delete " + arn) : null;
    EmptyResult r = emptier(store).empty(VAULT, options, p -> {});
    List<String> failedArns = r.failures().stream().map(EmptyResult.Failure::pointArn).sorted()
        .toList();
    assertEquals(List.of("rp-17", "rp-27", "rp-37", "rp-47", "rp-57", "rp-67", "rp-7", "rp-77",
        "rp-87", "rp-97"), failedArns);
    assertEquals(90, r.deleted());
    assertEquals(10, r.remaining());
    assertFalse(r.isEmpty());
    VaultNotEmptiedException e = assertThrows(VaultNotEmptiedException.class, r::throwIfNotEmpty);
    for (String arn : failedArns) {
      assertTrue(e.getMessage().contains(arn + ": InvalidParameterValueException: cannot delete"),
          e.getMessage());
    }
  }

  @Test
  void empty_invalidResourceStateTwice_retriesTheSamePointThenSucceeds() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(3, "rp-");
    store.onDelete = (arn, attempt) -> arn.equals("rp-1") && attempt <= 2
        ? error(400, "InvalidResourceStateException", "busy") : null;
    EmptyResult r = emptier(store).empty(VAULT, options, p -> {});
    assertEquals(0, r.failed(), r.failures().toString());
    assertEquals(3, r.deleted());
    assertEquals(3, store.deleteAttempts.get("rp-1").get());
    assertTrue(r.isEmpty());
  }

  @Test
  void empty_complianceLockPastGrace_refusesBeforeDeletingAnything() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(5, "rp-");
    store.facts = new VaultFacts(VAULT, false, true, Instant.now().minusSeconds(3600), 7L, 35L, 5);
    VaultCannotBeEmptiedException e = assertThrows(VaultCannotBeEmptiedException.class,
        () -> emptier(store).empty(VAULT, options, p -> {}));
    assertTrue(e.getMessage().contains("Backup Vault (v1)"), e.getMessage());
    assertTrue(e.getMessage().contains("5 recovery point"), e.getMessage());
    assertTrue(e.getMessage().contains("min retention 7 days, max 35 days"), e.getMessage());
    assertEquals(0, store.count("delete"));
    assertEquals(0, store.count("deleteLock"));
  }

  @Test
  void empty_logicallyAirGappedWithPoints_refusesAndSaysAirGapped() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(2, "rp-");
    store.facts = new VaultFacts(VAULT, true, true, null, 7L, 90L, 2);
    VaultCannotBeEmptiedException e = assertThrows(VaultCannotBeEmptiedException.class,
        () -> emptier(store).empty(VAULT, options, p -> {}));
    assertTrue(e.getMessage().contains("logically air-gapped"), e.getMessage());
    assertEquals(0, store.count("delete"));
  }

  @Test
  void empty_logicallyAirGappedWithoutPoints_isAlreadyEmpty() {
    FakePointStore store = new FakePointStore(VAULT);
    store.facts = new VaultFacts(VAULT, true, true, null, 7L, 90L, 0);
    EmptyResult r = emptier(store).empty(VAULT, options, p -> {});
    assertTrue(r.isEmpty());
    assertEquals(0, r.deleted());
  }

  @Test
  void empty_governanceLock_removesLockFirstAndSaysSo() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(3, "rp-");
    store.facts = new VaultFacts(VAULT, false, true, null, 1L, 10L, 3);
    EmptyResult r = emptier(store).empty(VAULT, options, p -> {});
    assertTrue(r.isEmpty());
    assertTrue(store.calls.indexOf("deleteLock") < store.calls.indexOf("delete"));
    assertEquals(1, r.actions().size());
    assertTrue(r.actions().get(0).contains("governance-mode"), r.actions().get(0));
  }

  @Test
  void empty_complianceLockInGrace_removesIt() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(1, "rp-");
    store.facts = new VaultFacts(VAULT, false, true, FakePointStore.daysFromNow(2), 1L, 10L, 1);
    EmptyResult r = emptier(store).empty(VAULT, options, p -> {});
    assertTrue(r.isEmpty());
    assertTrue(r.actions().get(0).contains("grace time"), r.actions().get(0));
  }

  @Test
  void empty_denyDeletePolicy_removesPolicyFirstAndSaysSo() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(2, "rp-");
    store.policy = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",
         "Action":["backup:DeleteRecoveryPoint","backup:PutBackupVaultAccessPolicy"],
         "Resource":"*"}]}""";
    EmptyResult r = emptier(store).empty(VAULT, options, p -> {});
    assertTrue(r.isEmpty());
    assertTrue(store.calls.indexOf("deletePolicy") < store.calls.indexOf("delete"));
    assertTrue(r.actions().get(0).contains("backup:deleterecoverypoint"), r.actions().get(0));
  }

  @Test
  void empty_denyDeletePolicyNotToBeRemoved_refusesWithoutDeleting() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(2, "rp-");
    store.policy = "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"backup:Delete*\"}}";
    assertThrows(VaultCannotBeEmptiedException.class, () -> emptier(store)
        .empty(VAULT, options.withRemoveDenyingAccessPolicy(false), p -> {}));
    assertEquals(0, store.count("delete"));
    assertEquals(0, store.count("deletePolicy"));
  }

  @Test
  void empty_allowOnlyPolicy_isLeftInPlace() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(1, "rp-");
    store.policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"backup:CopyIntoBackupVault\"}]}";
    EmptyResult r = emptier(store).empty(VAULT, options, p -> {});
    assertTrue(r.isEmpty());
    assertEquals(0, store.count("deletePolicy"));
    assertTrue(r.actions().isEmpty());
  }

  @Test
  void empty_pointStaysExpired_retriedEachRoundThenReportedWithStatusMessage() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(4, "rp-");
    store.statusAfterDelete = (arn, attempt) -> arn.equals("rp-2") ? "EXPIRED" : "DELETING";
    EmptyResult r = emptier(store).empty(VAULT, options, p -> {});
    assertEquals(1, r.failed());
    assertEquals("rp-2", r.failures().get(0).pointArn());
    assertTrue(r.failures().get(0).message().contains("Insufficient privileges"),
        r.failures().get(0).message());
    assertEquals(options.maxRounds(), store.deleteAttempts.get("rp-2").get());
    assertEquals(1, r.remaining());
  }

  @Test
  void empty_deletionNeverCompletes_stopsAtTimeoutAndSaysSo() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(10, "rp-");
    store.deletingNeverEnds = true;
    EmptyResult r = emptier(store).empty(VAULT, options.withTimeout(Duration.ofMinutes(2)),
        p -> {});
    assertTrue(r.timedOut());
    assertEquals(10, r.remaining());
    assertEquals(10, r.deleted());
    assertTrue(r.elapsed().compareTo(Duration.ofMinutes(2)) >= 0, r.elapsed().toString());
    assertThrows(VaultNotEmptiedException.class, r::throwIfNotEmpty);
  }

  @Test
  void empty_missingVault_isEmptyWithoutListing() {
    FakePointStore store = new FakePointStore(VAULT);
    store.facts = null;
    EmptyResult r = emptier(store).empty(VAULT, options, p -> {});
    assertTrue(r.isEmpty());
    assertEquals(0, store.count("list"));
  }

  @Test
  void empty_compositePoints_deletesChildrenBeforeParents() {
    FakePointStore store = new FakePointStore(VAULT);
    for (int p = 0; p < 3; p++) {
      store.add(new Point("parent-" + p, "COMPLETED", "", true, null, ""));
      for (int c = 0; c < 5; c++) {
        store.add(new Point("child-" + p + "-" + c, "COMPLETED", "parent-" + p, false, null, ""));
      }
    }
    EmptyResult r = emptier(store).empty(VAULT, options, p -> {});
    assertTrue(r.isEmpty());
    List<String> order = new ArrayList<>(store.deleteOrder);
    int lastChild = 0;
    int firstParent = Integer.MAX_VALUE;
    for (int i = 0; i < order.size(); i++) {
      if (order.get(i).startsWith("child-")) {
        lastChild = i;
      } else {
        firstParent = Math.min(firstParent, i);
      }
    }
    assertTrue(lastChild < firstParent, "order " + order);
  }

  @Test
  void empty_progress_reportsPhasesInOrder() {
    FakePointStore store = new FakePointStore(VAULT).withPoints(250, "rp-");
    List<String> phases = Collections.synchronizedList(new ArrayList<>());
    emptier(store).empty(VAULT, options, p -> phases.add(p.phase()));
    assertEquals("checking", phases.get(0));
    assertEquals("done", phases.get(phases.size() - 1));
    assertTrue(phases.contains("deleting"), phases.stream().collect(Collectors.joining(",")));
  }

  private static void sleepRealMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
