package bunker.resource.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PolicyDocumentsTest {
  private static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
      + "\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":[\"backup:CopyIntoBackupVault\"],"
      + "\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":true}}}]}";

  @Test
  void equivalent_keyOrderWhitespaceAndSingletons_same() {
    String reordered = """
        {
          "Statement": [ { "Resource": ["*"], "Action": "backup:CopyIntoBackupVault",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}},
            "Principal": {"AWS": ["*"]}, "Effect": "Allow" } ],
          "Version": "2012-10-17"
        }""";
    assertTrue(PolicyDocuments.equivalent(POLICY, reordered));
  }

  @Test
  void equivalent_listOrder_same() {
    assertTrue(PolicyDocuments.equivalent("{\"Action\":[\"a\",\"b\"]}",
        "{\"Action\":[\"b\",\"a\"]}"));
  }

  @Test
  void equivalent_differentAction_differs() {
    assertFalse(PolicyDocuments.equivalent(POLICY, POLICY.replace("CopyInto", "CopyFrom")));
    assertFalse(PolicyDocuments.equivalent(POLICY, POLICY.replace("\"Allow\"", "\"Deny\"")));
  }

  @Test
  void equivalent_notJsonOrNull_differs() {
    assertFalse(PolicyDocuments.equivalent(POLICY, "{"));
    assertFalse(PolicyDocuments.equivalent(POLICY, null));
    assertTrue(PolicyDocuments.equivalent(null, null));
  }

  @Test
  void keepEquivalent_keepsUserTextOnlyWhenSame() {
    String user = POLICY.replace(",", ", ");
    assertEquals(user, PolicyDocuments.keepEquivalent(user, POLICY));
    String other = POLICY.replace("Allow", "Deny");
    assertEquals(POLICY, PolicyDocuments.keepEquivalent(other, POLICY));
    assertEquals(POLICY, PolicyDocuments.keepEquivalent(null, POLICY));
  }
}
