package bunker.resource.deployment.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.helper.DeploymentHelperHandler;
import bunker.helper.FakeContext;
import bunker.helper.ResponseSender;
import bunker.json.Json;
import bunker.topology.DeploymentSpec;
import bunker.topology.Environment;
import bunker.topology.Names;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The count request between the provider and the helper, both sides' real code: the provider
 * writes it ({@link HelperPointCounts#request}), the helper's Lambda entry point answers it, the
 * provider reads the answer ({@link HelperPointCounts#read}). Lives in the provider's package (in
 * the helper module, which has both on its classpath) to reach the package-private wire.
 */
class HelperWireTest {
  private static final DeploymentSpec SPEC = DeploymentSpec.builder("prod", new Environment(
      "aws", "eu-west-2", "111111111111", "o-abcdefghij", "222222222222", List.of(),
      List.of())).backupTargets(List.of("ou-a")).build();

  @Test
  void countRequest_answeredPerAccount_readBackAsUnreadableWithTheHelpersReason()
      throws Exception {
    Map<String, String> opened = new ConcurrentHashMap<>();
    DeploymentHelperHandler handler = new DeploymentHelperHandler((role, region, partition) -> {
      opened.put(role, region + "/" + partition);
      throw new IllegalStateException("cannot assume " + role);
    }, new ResponseSender(Duration.ofSeconds(1)));
    List<String> accounts = List.of("333333333333", "444444444444");
    String answer = invoke(handler, HelperPointCounts.request(SPEC, accounts,
        HelperPointCounts.Ask.COUNT));

    String role = Names.of(SPEC).workloadHelperRole();
    assertEquals(Map.of("arn:aws:iam::333333333333:role/" + role, "eu-west-2/aws",
        "arn:aws:iam::444444444444:role/" + role, "eu-west-2/aws"), opened);
    List<AccountPoints> read = HelperPointCounts.read(Json.parseObject(answer), accounts,
        Map.of("333333333333", true, "444444444444", false), HelperPointCounts.Ask.COUNT);
    assertEquals(2, read.size());
    assertFalse(read.get(0).readable());
    assertTrue(read.get(0).error().contains("IllegalStateException: cannot assume arn:aws:iam::"
        + "333333333333:role/" + role), read.get(0).error());
    assertTrue(read.get(0).mustExist());
    assertFalse(read.get(1).mustExist());
  }

  @Test
  void countRequest_malformed_isRefusedInTheAnswerNotThrown() throws Exception {
    String answer = invoke(neverReachingAws(), "{\"BunkerRequest\": \"CountRecoveryPoints\"}");
    List<AccountPoints> read = HelperPointCounts.read(Json.parseObject(answer),
        List.of("333333333333"), Map.of("333333333333", true), HelperPointCounts.Ask.COUNT);
    assertTrue(read.get(0).error().contains("refused the count: Accounts must be a list"),
        read.get(0).error());
  }

  /**
   * The emptying request, both sides' real code: the provider writes it with its time slice,
   * the helper empties in each account as the account's helper role (here it cannot assume it),
   * and the provider's {@link HelperPointCounts#empty} reports each such account with the
   * helper's reason, never as emptied; one whose instance is not CURRENT is left to its stack.
   */
  @Test
  void emptyRequest_accountNotReachable_isReportedWithTheHelpersReason() throws Exception {
    DeploymentHelperHandler handler = new DeploymentHelperHandler((role, region, partition) -> {
      throw new IllegalStateException("cannot assume " + role);
    }, new ResponseSender(Duration.ofSeconds(1)));
    String request = HelperPointCounts.request(SPEC, List.of("333333333333"),
        HelperPointCounts.Ask.EMPTY);
    assertEquals(HelperPointCounts.EMPTY_SECONDS, ((Number) Json.parseObject(request)
        .get("Seconds")).intValue());
    List<AccountPoints> read = HelperPointCounts.read(Json.parseObject(invoke(handler,
        request)), List.of("333333333333"), Map.of("333333333333", true),
        HelperPointCounts.Ask.EMPTY);
    assertFalse(read.get(0).readable());
    assertTrue(read.get(0).error().contains("could not empty the vaults: ")
        && read.get(0).error().contains("cannot assume"), read.get(0).error());
  }

  @Test
  void emptyRequest_withoutSeconds_isRefusedInTheAnswerNotThrown() throws Exception {
    String answer = invoke(neverReachingAws(),
        "{\"BunkerRequest\": \"EmptyVaults\", \"Accounts\": []}");
    assertEquals(Map.of("Error", "Seconds must be a positive number"), Json.parseObject(answer));
  }

  /** A handler that fails the test if it opens any account's clients. */
  private static DeploymentHelperHandler neverReachingAws() {
    return new DeploymentHelperHandler((role, region, partition) -> {
      throw new AssertionError("must not reach AWS");
    }, new ResponseSender(Duration.ofSeconds(1)));
  }

  private static String invoke(DeploymentHelperHandler h, String event) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    h.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out,
        new FakeContext(60_000));
    return out.toString(StandardCharsets.UTF_8);
  }
}
