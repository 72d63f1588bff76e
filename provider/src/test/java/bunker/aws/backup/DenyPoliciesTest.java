package bunker.aws.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DenyPoliciesTest {
  @Test
  void deniedDeleteActions_wildcardDeny_namesBoth() {
    assertEquals(List.of("backup:deleterecoverypoint", "backup:deletebackupvault"),
        DenyPolicies.deniedDeleteActions(
            "{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"backup:*\"}]}"));
  }

  @Test
  void deniedDeleteActions_denyOfOtherActions_empty() {
    assertEquals(List.of(), DenyPolicies.deniedDeleteActions(
        "{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"backup:StartBackupJob\"]}]}"));
  }

  @Test
  void deniedDeleteActions_allowDelete_empty() {
    assertEquals(List.of(), DenyPolicies.deniedDeleteActions(
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"backup:DeleteRecoveryPoint\"}]}"));
  }

  @Test
  void deniedDeleteActions_unparsable_treatedAsDenying() {
    assertEquals(2, DenyPolicies.deniedDeleteActions("{not json").size());
  }
}
