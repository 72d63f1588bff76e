package bunker.resource.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bunker.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class DelegationPolicyTest {
  private static final String ACCOUNT = "210987654321";
  private static final List<String> NEEDED = OrganizationChecks.POLICY_ACTIONS;

  @Test
  void missingActions_ownDocument_none() {
    assertEquals(List.of(), DelegationPolicy.missingActions(
        Json.write(DelegationPolicy.document(ACCOUNT)), ACCOUNT, NEEDED));
  }

  @Test
  void missingActions_otherAccount_all() {
    assertEquals(NEEDED, DelegationPolicy.missingActions(
        Json.write(DelegationPolicy.document("999999999999")), ACCOUNT, NEEDED));
  }

  @Test
  void missingActions_wildcardsAndSingleStatement() {
    String policy = "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ACCOUNT
        + "\"},\"Action\":[\"organizations:*Policy\",\"organizations:*Resource\"],"
        + "\"Resource\":\"*\"}}";
    assertEquals(List.of(), DelegationPolicy.missingActions(policy, ACCOUNT, NEEDED));
  }

  /**
   * A CreatePolicy with tags needs organizations:TagResource as well (AWS Organizations API
   * reference, CreatePolicy), and Bunker tags every backup policy: a delegation that grants the
   * policy calls only is a gap, named with both tagging actions.
   */
  @Test
  void missingActions_policyCallsWithoutTagging_namesTagResourceAndUntagResource() {
    String policy = "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ACCOUNT
        + "\"},\"Action\":[\"organizations:*Policy\"],\"Resource\":\"*\"}}";
    assertEquals(List.of("organizations:TagResource", "organizations:UntagResource"),
        DelegationPolicy.missingActions(policy, ACCOUNT, NEEDED));
  }

  @Test
  void missingActions_denyOrPartial_reportsTheRest() {
    String policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":"
        + "[\"organizations:CreatePolicy\",\"organizations:AttachPolicy\"],\"Resource\":\"*\"},"
        + "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"organizations:*\","
        + "\"Resource\":\"*\"}]}";
    assertEquals(List.of("organizations:UpdatePolicy", "organizations:DeletePolicy",
        "organizations:DetachPolicy", "organizations:TagResource",
        "organizations:UntagResource"), DelegationPolicy.missingActions(policy, ACCOUNT, NEEDED));
  }

  @Test
  void missingActions_notJson_all() {
    assertEquals(NEEDED, DelegationPolicy.missingActions("{", ACCOUNT, NEEDED));
  }
}
