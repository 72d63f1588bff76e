package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The restore machine and its role with several vault generations: which sources the rendered
 * definition accepts (walked through its own Choice states with a small evaluator of the rules
 * it uses), and which vaults its role may read. The fixture's current standard vault is
 * {@code bunker-prod-standard-7-400}.
 */
class RestoreMachineTest {
  private static final String CURRENT = standard(7, 400);
  private static final String KEPT = standard(7, 365);
  private static final String KEPT_TOO = standard(14, 35);
  private static final String INTERMEDIATE = "bunker-prod-intermediate";
  /** The standard vault of deployment "prod-standard-1": a pattern C-standard-* matches it. */
  private static final String NEIGHBOUR = "bunker-prod-standard-1-standard-7-365";
  private static final String RP = "arn:aws:backup:eu-west-2:111111111111:recovery-point:abc";

  private final DeploymentSpec spec = Fixtures.spec();

  @Test
  void withoutGenerations_acceptsOnlyTheCurrentStandardVaultAndTheIntermediate() {
    Map<String, Object> machine = machine(StateMachineDefinitions.restore(spec));
    assertEquals("UseCurrentStandardVault", route(machine, input(null)));
    assertEquals("CopyToIntermediateVault", route(machine, input(CURRENT)));
    assertEquals("UseIntermediateRecoveryPoint", route(machine, input(INTERMEDIATE)));
    assertEquals("InvalidSource", route(machine, input(KEPT)));
    // The default fills the source the copy reads, with the current vault.
    Map<String, Object> pass = state(machine, "UseCurrentStandardVault");
    assertEquals(CURRENT, pass.get("Result"));
    assertEquals("$.sourceBackupVaultName", pass.get("ResultPath"));
    assertEquals("$.sourceBackupVaultName", parameters(machine, "CopyToIntermediateVault")
        .get("SourceBackupVaultName.$"));
    assertEquals(StateMachineDefinitions.restore(spec),
        StateMachineDefinitions.restore(spec, List.of(CURRENT)));
  }

  @Test
  void everyGeneration_isAcceptedByName_othersFailAsInvalidInput() {
    Map<String, Object> machine =
        machine(StateMachineDefinitions.restore(spec, List.of(KEPT, KEPT_TOO)));
    for (String vault : List.of(CURRENT, KEPT, KEPT_TOO)) {
      assertEquals("CopyToIntermediateVault", route(machine, input(vault)), vault);
    }
    assertEquals("UseCurrentStandardVault", route(machine, input(null)));
    assertEquals("UseIntermediateRecoveryPoint", route(machine, input(INTERMEDIATE)));
    for (Object bad : List.of(NEIGHBOUR, "bunker-prod-standard-7-3650", "bunker-prod-lag-7-400",
        "bunker-prod-standard-*", "", 42)) {
      assertEquals("InvalidSource", route(machine, input(bad)), String.valueOf(bad));
    }
    Map<String, Object> fail = state(machine, "InvalidSource");
    assertEquals("InvalidInput", fail.get("Error"));
    String cause = (String) fail.get("Cause");
    for (String vault : List.of(CURRENT, KEPT, KEPT_TOO, INTERMEDIATE)) {
      assertTrue(cause.contains(vault), cause);
    }
    // Missing the required fields is still refused before the source is looked at.
    Map<String, Object> noAccount = new LinkedHashMap<>(input(KEPT));
    noAccount.remove("destinationAccountId");
    assertEquals("InvalidInput", route(machine, noAccount));
  }

  @Test
  void intermediateSource_skipsTheFirstCopy_andHandsThePointToTheWorkloadCopy() {
    Map<String, Object> machine = machine(StateMachineDefinitions.restore(spec, List.of(KEPT)));
    Map<String, Object> pass = state(machine, "UseIntermediateRecoveryPoint");
    assertEquals("CopyToWorkloadVault", pass.get("Next"));
    assertEquals("$.intermediateCopy", pass.get("ResultPath"));
    assertEquals(Map.of("CopyJob", Map.of("DestinationRecoveryPointArn.$", "$.recoveryPointArn")),
        pass.get("Parameters"));
    Map<String, Object> copy = parameters(machine, "CopyToWorkloadVault");
    assertEquals("$.intermediateCopy.CopyJob.DestinationRecoveryPointArn",
        copy.get("RecoveryPointArn.$"));
    assertEquals(INTERMEDIATE, copy.get("SourceBackupVaultName"));
  }

  @Test
  void anotherDeploymentsVault_isRefusedAndNeverRendered() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StateMachineDefinitions.restore(spec, List.of(KEPT, NEIGHBOUR)));
    assertTrue(e.getMessage().contains(NEIGHBOUR), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> RolePolicies.restorePolicy(spec, List.of("bunker-staging-standard-7-365")));
    assertThrows(IllegalArgumentException.class,
        () -> StateMachineDefinitions.restore(spec, List.of("bunker-prod-lag-7-400")));
    String definition = StateMachineDefinitions.restore(spec, List.of(KEPT));
    String policy = RolePolicies.restorePolicy(spec, List.of(KEPT));
    for (String doc : List.of(definition, policy)) {
      assertFalse(doc.contains("standard-*"), doc);
      assertFalse(doc.contains("standard-1-"), doc);
    }
  }

  @Test
  void rolePolicy_readsTheIntermediateAndEveryGeneration_byArn() {
    List<Object> vaults = readableVaults(RolePolicies.restorePolicy(spec,
        List.of(KEPT_TOO, KEPT, KEPT)));
    assertEquals(List.of(arn(INTERMEDIATE), arn(KEPT_TOO), arn(KEPT), arn(CURRENT)), vaults);
    assertEquals(List.of(arn(INTERMEDIATE), arn(CURRENT)),
        readableVaults(RolePolicies.restorePolicy(spec)));
    // The ingest role is untouched by the kept generations: it only copies into the current.
    assertEquals(List.of(arn(INTERMEDIATE), arn(CURRENT)),
        readableVaults(RolePolicies.ingestPolicy(spec)));
  }

  @Test
  void sources_areSortedDistinct_andAlwaysHoldTheCurrentVault() {
    assertEquals(List.of(KEPT_TOO, KEPT, CURRENT),
        StateMachineDefinitions.restoreSources(spec, List.of(KEPT, KEPT_TOO, KEPT)));
    assertEquals(List.of(CURRENT), StateMachineDefinitions.restoreSources(spec, List.of()));
  }

  // ---- helpers ----

  private static String arn(String vault) {
    return "arn:aws:backup:eu-west-2:111111111111:backup-vault:" + vault;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> readableVaults(String policy) {
    for (Object s : (List<Object>) ((Map<String, Object>) Json.parse(policy)).get("Statement")) {
      Map<String, Object> statement = (Map<String, Object>) s;
      if ("ReadDeploymentVaults".equals(statement.get("Sid"))) {
        return (List<Object>) statement.get("Resource");
      }
    }
    throw new AssertionError("no ReadDeploymentVaults statement in " + policy);
  }

  private static Map<String, Object> input(Object source) {
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("recoveryPointArn", RP);
    in.put("destinationAccountId", "333333333333");
    if (source != null) {
      in.put("sourceBackupVaultName", source);
    }
    return in;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> machine(String definition) {
    return (Map<String, Object>) Json.parse(definition);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> state(Map<String, Object> machine, String name) {
    Map<String, Object> s = (Map<String, Object>) ((Map<String, Object>) machine.get("States"))
        .get(name);
    assertTrue(s != null, "no state " + name);
    return s;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parameters(Map<String, Object> machine, String name) {
    return (Map<String, Object>) state(machine, name).get("Parameters");
  }

  /**
   * Follows the machine from StartAt through its Choice states and returns the first state
   * that is not a Choice: where this input goes before any AWS call.
   */
  private static String route(Map<String, Object> machine, Map<String, Object> input) {
    String at = (String) machine.get("StartAt");
    List<String> seen = new ArrayList<>();
    while ("Choice".equals(state(machine, at).get("Type"))) {
      assertFalse(seen.contains(at), "loop at " + at);
      seen.add(at);
      at = choose(state(machine, at), input);
    }
    return at;
  }

  @SuppressWarnings("unchecked")
  private static String choose(Map<String, Object> choice, Map<String, Object> input) {
    for (Object rule : (List<Object>) choice.get("Choices")) {
      if (matches((Map<String, Object>) rule, input)) {
        return (String) ((Map<String, Object>) rule).get("Next");
      }
    }
    return (String) choice.get("Default");
  }

  /**
   * The rules the definition uses (And, Or, IsPresent, IsString, StringEquals on a top-level
   * {@code $.field}); as in Step Functions, comparing a path that is absent is an error.
   */
  @SuppressWarnings("unchecked")
  private static boolean matches(Map<String, Object> rule, Map<String, Object> input) {
    if (rule.containsKey("And")) {
      return ((List<Object>) rule.get("And")).stream()
          .allMatch(r -> matches((Map<String, Object>) r, input));
    }
    if (rule.containsKey("Or")) {
      return ((List<Object>) rule.get("Or")).stream()
          .anyMatch(r -> matches((Map<String, Object>) r, input));
    }
    String path = (String) rule.get("Variable");
    assertTrue(path.startsWith("$.") && path.indexOf('.', 2) < 0, path);
    String field = path.substring(2);
    boolean present = input.containsKey(field);
    if (rule.containsKey("IsPresent")) {
      return present == (Boolean) rule.get("IsPresent");
    }
    if (!present) {
      throw new AssertionError("States.Runtime: " + path + " is absent; rule " + rule);
    }
    Object value = input.get(field);
    if (rule.containsKey("IsString")) {
      return (value instanceof String) == (Boolean) rule.get("IsString");
    }
    if (rule.containsKey("StringEquals")) {
      return rule.get("StringEquals").equals(value);
    }
    throw new AssertionError("rule kind not handled: " + rule);
  }

  /** The fixture's standard vault of one generation, named by its retention days. */
  private static String standard(int minDays, int maxDays) {
    return "bunker-prod-standard-" + minDays + "-" + maxDays;
  }
}
