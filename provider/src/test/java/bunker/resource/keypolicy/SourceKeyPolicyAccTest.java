package bunker.resource.keypolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Acceptance;
import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/** The rendered key policy, through Terraform, accepted by KMS PutKeyPolicy in the emulator. */
class SourceKeyPolicyAccTest {
  @Test
  void basic_policyAcceptedByKms() {
    AwsClients aws = Emulator.clients();
    String provider = "provider \"backup\" {\n  endpoint_url = \"" + Emulator.url()
        + "\"\n  region = \"" + Emulator.REGION + "\"\n}\n\n";
    String hcl = provider + "data \"backup_source_key_policy\" \"k\" {\n"
        + "  central_account_id = \"111111111111\"\n  deployment_name = \"prod\"\n"
        + "  member_account_resource_name_prefix = \"mb-\"\n}\n\n"
        + "output \"json\" {\n  value = data.backup_source_key_policy.k.json\n}\n"
        + "output \"arns\" {\n  value = data.backup_source_key_policy.k.principal_arns\n}\n";
    Acceptance.steps()
        .config(hcl)
        .check(state -> {
          String account = aws.accountId();
          assertEquals(List.of("arn:aws:iam::" + account + ":role/mb-prod-backup-service-role",
              "arn:aws:iam::111111111111:role/aws-service-role/backup.amazonaws.com/"
                  + "AWSServiceRoleForBackup"), state.output("arns"));
          String json = (String) state.output("json");
          KmsClient kms = aws.kms();
          String keyId = kms.createKey(r -> r.description("bunker-test source key"))
              .keyMetadata().keyId();
          kms.putKeyPolicy(r -> r.keyId(keyId).policyName("default").policy(json));
          String back = kms.getKeyPolicy(r -> r.keyId(keyId).policyName("default")).policy();
          assertEquals(Json.parse(json), Json.parse(back));
          assertTrue(back.contains("kms:GrantIsForAWSResource"));
          kms.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));
        })
        .run();
  }

  /**
   * A provider in a China region renders the ARNs of the aws-cn partition, which the key's
   * {@code aws:PrincipalArn} condition must name (IAM User Guide, "Identify AWS resources with
   * Amazon Resource Names (ARNs)": {@code arn:partition:...}, aws-cn for the China Regions, each
   * account scoped to one partition); an explicit partition still wins. No AWS call is made.
   */
  @Test
  void partitionUnset_followsTheProvidersRegion() {
    String provider = "provider \"backup\" {\n  endpoint_url = \"" + Emulator.url()
        + "\"\n  region = \"cn-north-1\"\n}\n\n";
    String data = "data \"backup_source_key_policy\" \"%s\" {\n"
        + "  central_account_id = \"111111111111\"\n  account_id = \"222222222222\"\n"
        + "  role_names = [\"r\"]\n%s}\n\n"
        + "output \"%s\" {\n  value = data.backup_source_key_policy.%s.principal_arns\n}\n";
    String hcl = provider + String.format(data, "cn", "", "cn", "cn")
        + String.format(data, "set", "  partition = \"aws\"\n", "set", "set");
    Acceptance.steps()
        .config(hcl)
        .check(state -> {
          assertEquals(List.of("arn:aws-cn:iam::222222222222:role/r",
              "arn:aws-cn:iam::111111111111:role/aws-service-role/backup.amazonaws.com/"
                  + "AWSServiceRoleForBackup"), state.output("cn"));
          assertEquals("arn:aws:iam::222222222222:role/r",
              ((List<?>) state.output("set")).get(0));
        })
        .run();
  }
}
