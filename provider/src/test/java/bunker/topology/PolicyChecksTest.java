package bunker.topology;

import static bunker.topology.PolicyStatements.condition;
import static bunker.topology.PolicyStatements.conditionKeys;
import static bunker.topology.PolicyStatements.isAnyone;
import static bunker.topology.PolicyStatements.isRootPrincipal;
import static bunker.topology.PolicyStatements.onlyPrincipalsOf;
import static bunker.topology.PolicyStatements.strings;
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
    for (Map<String, Object> statement : PolicyStatements.of(text)) {
      List<String> actions = strings(statement.get("Action"));
      boolean anyResource = strings(statement.get("Resource")).contains("*");
      for (String action : actions) {
        assertFalse(action.equals("*") || (action.endsWith(":*") && anyResource
                && !isRootPrincipal(statement)),
            name + ": " + action + " on " + statement.get("Resource"));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void policy_scopesEveryAnonymousAllowToTheOrganisationOrNamedPrincipals(String name,
      String text) {
    for (Map<String, Object> statement : PolicyStatements.of(text)) {
      if (!"Allow".equals(statement.get("Effect")) || !isAnyone(statement.get("Principal"))) {
        continue;
      }
      Map<String, Object> condition = condition(statement);
      boolean orgScoped = conditionKeys(condition).contains("aws:PrincipalOrgPaths")
          || conditionKeys(condition).contains("aws:PrincipalOrgID");
      boolean centralOnly = onlyPrincipalsOf(condition, Fixtures.CENTRAL);
      assertTrue(orgScoped || centralOnly, name + ": statement " + statement.get("Sid")
          + " lets anyone in without an organisation-path or central-account condition");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void trustPolicy_limitsServicesToTheirAccount(String name, String text) {
    for (Map<String, Object> statement : PolicyStatements.of(text)) {
      Object principal = statement.get("Principal");
      if (principal instanceof Map<?, ?> p && p.containsKey("Service")) {
        assertTrue(conditionKeys(condition(statement)).contains("aws:SourceAccount"),
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
    for (Map<String, Object> statement : PolicyStatements.of(text)) {
      for (String action : strings(statement.get("Action"))) {
        assertTrue(action.startsWith("backup:") && !action.contains("*"), name + ": " + action);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void everyStatement_hasAUniqueSid(String name, String text) {
    List<Object> sids = PolicyStatements.of(text).stream().map(s -> s.get("Sid")).toList();
    assertEquals(sids.size(), sids.stream().distinct().count(), name + ": " + sids);
    sids.forEach(sid -> {
      if (sid == null || !sid.toString().matches("[A-Za-z0-9]+")) {
        fail(name + ": Sid " + sid);
      }
    });
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object value) {
    return (Map<String, Object>) value;
  }
}
