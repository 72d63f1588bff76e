package bunker.reliability;

import static bunker.topology.PolicyStatements.condition;
import static bunker.topology.PolicyStatements.conditionKeys;
import static bunker.topology.PolicyStatements.isAnyone;
import static bunker.topology.PolicyStatements.isRootPrincipal;
import static bunker.topology.PolicyStatements.onlyPrincipalsOf;
import static bunker.topology.PolicyStatements.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Terraform;
import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.json.Json;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import bunker.topology.PolicyStatements;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ram.model.ResourceShareAssociationType;

/**
 * The policies as deployed, read back from the emulator after a real apply (not as rendered by
 * the topology): the KMS key policy, every role's trust and inline policies, the three vault
 * access policies, the bus policy and the RAM share's principals. Each must pass the checks
 * the topology's unit tests apply to the rendered documents: no {@code *} action, no
 * {@code service:*} on resource {@code *} except the account root's key administration, every
 * anonymous Allow scoped to the organisation (or to principals of the central account), service
 * trust bound to the account, vault policies naming each action, and every account named
 * anywhere belonging to the organisation.
 */
class DeployedPoliciesAccTest {

  @Test
  void deployedPolicies_passThePolicyChecks() {
    String name = Configs.shortName('p');
    Names n = Names.of(DeploymentSpec.DEFAULT_CENTRAL_PREFIX, DeploymentSpec.DEFAULT_MEMBER_PREFIX,
        name, 7, 365);
    try (Terraform tf = Terraform.reattach("policies")) {
      tf.config(Configs.deployment(name, true));
      try {
        tf.ok("apply", "-auto-approve", "-no-color");
        Map<String, String> docs = deployed(Emulator.org().central(), n);
        List<String> problems = new ArrayList<>();
        docs.forEach((what, text) -> check(what, text, problems));
        List<String> sharePrincipals = Emulator.org().central().ram()
            .getResourceShareAssociations(r -> r
            .associationType(ResourceShareAssociationType.PRINCIPAL).resourceShareArns(
                Emulator.org().central().ram().getResourceShares(q -> q.resourceOwner("SELF")
                    .name(n.resourceShare())).resourceShares().get(0).resourceShareArn()))
            .resourceShareAssociations().stream().map(a -> a.associatedEntity()).toList();
        for (String p : sharePrincipals) {
          if (!p.contains(":organizational-unit/" + orgId() + "/") && !orgAccounts().contains(p)) {
            problems.add("RAM share principal outside the organisation: " + p);
          }
        }
        Figures.record("policies", "checked " + docs.size() + " deployed documents "
            + docs.keySet() + " and " + sharePrincipals.size() + " RAM principals; problems: "
            + problems.size());
        // key, 5 roles (trust + inline, the backup service role trust only), 3 vaults, bus
        assertEquals(14, docs.size(), docs.keySet().toString());
        assertTrue(!sharePrincipals.isEmpty(), "the RAM share has no principals");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
      } finally {
        tf.run("destroy", "-auto-approve", "-no-color");
      }
    }
  }

  /** Every policy document of the deployment, as AWS (the emulator) holds it. */
  private static Map<String, String> deployed(AwsClients aws, Names n) {
    Map<String, String> docs = new LinkedHashMap<>();
    // By key id: moto's GetKeyPolicy does not resolve aliases.
    String keyId = aws.kms().describeKey(r -> r.keyId(n.keyAlias())).keyMetadata().keyId();
    docs.put("KMS key policy", aws.kms().getKeyPolicy(r -> r.keyId(keyId)
        .policyName("default")).policy());
    for (String role : List.of(n.backupServiceRole(), n.ingestRole(), n.restoreRole(),
        n.ingestEventsRole(), n.forwardRole())) {
      docs.put(role + " trust", decode(aws.iam().getRole(r -> r.roleName(role)).role()
          .assumeRolePolicyDocument()));
      for (String policy : aws.iam().listRolePolicies(r -> r.roleName(role)).policyNames()) {
        docs.put(role + " inline " + policy, decode(aws.iam().getRolePolicy(r -> r
            .roleName(role).policyName(policy)).policyDocument()));
      }
    }
    for (String vault : List.of(n.intermediateVault(), n.standardVault(), n.lagVault())) {
      docs.put(vault + " vault-policy", aws.backup().getBackupVaultAccessPolicy(r -> r
          .backupVaultName(vault)).policy());
    }
    docs.put("bus policy", aws.eventBridge().describeEventBus(r -> r.name(n.eventBus()))
        .policy());
    return docs;
  }

  private static String decode(String maybeEncoded) {
    return maybeEncoded.startsWith("%") || maybeEncoded.contains("%22")
        ? URLDecoder.decode(maybeEncoded, StandardCharsets.UTF_8) : maybeEncoded;
  }

  static void check(String what, String text, List<String> problems) {
    for (Map<String, Object> s : PolicyStatements.of(text)) {
      String sid = what + " / " + s.get("Sid");
      List<String> actions = strings(s.get("Action"));
      boolean anyResource = strings(s.get("Resource")).contains("*");
      for (String action : actions) {
        if (action.equals("*")
            || (action.endsWith(":*") && anyResource && !isRootPrincipal(s))) {
          problems.add(sid + ": " + action + " on " + s.get("Resource"));
        }
        if (what.endsWith("vault-policy") && (!action.startsWith("backup:")
            || action.contains("*"))) {
          problems.add(sid + ": vault policy action " + action);
        }
      }
      Map<String, Object> condition = condition(s);
      Set<String> keys = conditionKeys(condition);
      if ("Allow".equals(s.get("Effect")) && isAnyone(s.get("Principal"))
          && !keys.contains("aws:PrincipalOrgID") && !keys.contains("aws:PrincipalOrgPaths")
          && !onlyPrincipalsOf(condition, Emulator.org().backupAccount())) {
        problems.add(sid + ": anonymous Allow without an organisation or central-account "
            + "condition");
      }
      if (s.get("Principal") instanceof Map<?, ?> p && p.containsKey("Service")
          && !keys.contains("aws:SourceAccount")) {
        problems.add(sid + ": service trust without aws:SourceAccount");
      }
      for (String account : accountsIn(Json.write(s))) {
        if (!orgAccounts().contains(account)) {
          problems.add(sid + ": names account " + account + " outside the organisation");
        }
      }
    }
  }

  /** 12-digit account ids in ARNs (arn:aws:svc:region:ACCOUNT:...) of the text. */
  private static Set<String> accountsIn(String text) {
    Set<String> out = new HashSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\\d{12}):").matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static Set<String> orgAccounts() {
    return Emulator.org().allAccounts();
  }

  private static String orgId() {
    return Emulator.org().organizationId();
  }
}
