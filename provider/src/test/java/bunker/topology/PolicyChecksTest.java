package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Security properties every rendered policy must have, whatever the golden files say. */
class PolicyChecksTest {

  static Stream<Arguments> policies() {
    List<Arguments> args = new ArrayList<>();
    Documents.policies(Fixtures.spec()).forEach((name, text) -> args.add(Arguments.of(name,
        text)));
    // The workload template's inline policies and trust policies too.
    Map<String, Object> template = Json.parseObject(Documents.all(Fixtures.spec())
        .get("workload-template"));
    asMap(template.get("Resources")).forEach((logicalId, resource) -> {
      Map<String, Object> props = asMap(asMap(resource).get("Properties"));
      if (props.containsKey("AssumeRolePolicyDocument")) {
        args.add(Arguments.of(logicalId + ".trust",
            Json.write(props.get("AssumeRolePolicyDocument"))));
      }
      if (props.get("Policies") instanceof List<?> inline) {
        for (Object policy : inline) {
          args.add(Arguments.of(logicalId + ".inline",
              Json.write(asMap(policy).get("PolicyDocument"))));
        }
      }
    });
    return args.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void policy_hasNoWildcardActionOnWildcardResource(String name, String text) {
    for (Map<String, Object> statement : statements(text)) {
      List<String> actions = strings(statement.get("Action"));
      boolean anyResource = strings(statement.get("Resource")).contains("*");
      for (String action : actions) {
        assertFalse(action.equals("*") || (action.endsWith(":*") && anyResource
                && !isRootAdministration(statement)),
            name + ": " + action + " on " + statement.get("Resource"));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void policy_scopesEveryAnonymousAllowToTheOrganisationOrNamedPrincipals(String name,
      String text) {
    for (Map<String, Object> statement : statements(text)) {
      if (!"Allow".equals(statement.get("Effect")) || !isAnyone(statement.get("Principal"))) {
        continue;
      }
      Map<String, Object> condition = asMap(statement.getOrDefault("Condition", Map.of()));
      boolean orgScoped = keys(condition).contains("aws:PrincipalOrgPaths")
          || keys(condition).contains("aws:PrincipalOrgID");
      boolean centralOnly = principalArns(condition).stream().allMatch(arn ->
          arn.startsWith("arn:aws:iam::" + Fixtures.CENTRAL + ":"))
          && !principalArns(condition).isEmpty();
      assertTrue(orgScoped || centralOnly, name + ": statement " + statement.get("Sid")
          + " lets anyone in without an organisation-path or central-account condition");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void trustPolicy_limitsServicesToTheirAccount(String name, String text) {
    for (Map<String, Object> statement : statements(text)) {
      Object principal = statement.get("Principal");
      if (principal instanceof Map<?, ?> p && p.containsKey("Service")) {
        assertTrue(keys(asMap(statement.get("Condition"))).contains("aws:SourceAccount"),
            name + ": service trust without aws:SourceAccount");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void vaultPolicy_listsEveryActionWithoutWildcards(String name, String text) {
    if (!name.endsWith("vault-policy")) {
      return;
    }
    for (Map<String, Object> statement : statements(text)) {
      for (String action : strings(statement.get("Action"))) {
        assertTrue(action.startsWith("backup:") && !action.contains("*"), name + ": " + action);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void everyStatement_hasAUniqueSid(String name, String text) {
    List<Object> sids = statements(text).stream().map(s -> s.get("Sid")).toList();
    assertEquals(sids.size(), sids.stream().distinct().count(), name + ": " + sids);
    sids.forEach(sid -> {
      if (sid == null || !sid.toString().matches("[A-Za-z0-9]+")) {
        fail(name + ": Sid " + sid);
      }
    });
  }

  private static boolean isRootAdministration(Map<String, Object> statement) {
    return statement.get("Principal") instanceof Map<?, ?> p
        && String.valueOf(p.get("AWS")).endsWith(":root");
  }

  private static boolean isAnyone(Object principal) {
    return "*".equals(principal)
        || (principal instanceof Map<?, ?> p && "*".equals(p.get("AWS")));
  }

  private static List<String> principalArns(Map<String, Object> condition) {
    List<String> arns = new ArrayList<>();
    condition.values().forEach(clause -> asMap(clause).forEach((key, value) -> {
      if (key.equals("aws:PrincipalArn")) {
        arns.addAll(strings(value));
      }
    }));
    return arns;
  }

  private static List<String> keys(Map<String, Object> condition) {
    List<String> keys = new ArrayList<>();
    condition.values().forEach(clause -> keys.addAll(asMap(clause).keySet()));
    return keys;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> statements(String text) {
    return (List<Map<String, Object>>) Json.parseObject(text).get("Statement");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object value) {
    return (Map<String, Object>) value;
  }

  private static List<String> strings(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    return List.of(String.valueOf(value));
  }
}
