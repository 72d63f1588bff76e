package bunker.helper;

import bunker.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds custom-resource requests and the SNS events that carry them, as AWS sends them. */
final class Requests {
  static final String REGION = "eu-west-2";

  private Requests() {}

  static String stackId(String account) {
    return "arn:aws:cloudformation:" + REGION + ":" + account
        + ":stack/StackSet-bunker-test-1a2b/0e4d5f60-c7a1-11ef-9c3c-0a1b2c3d4e5f";
  }

  /** The properties WorkloadTemplate renders, with the Fn::Sub already resolved. */
  static Map<String, Object> properties(String deployment, String backupVault,
      String restoreVault, String keyArn, String policy, String roleArn, boolean force) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("ServiceToken", "arn:aws:sns:" + REGION + ":220551619043:bunker-deployment-helper");
    p.put("DeploymentName", deployment);
    p.put("BackupVaultName", backupVault);
    p.put("RestoreVaultName", restoreVault);
    p.put("EncryptionKeyArn", keyArn);
    p.put("AccessPolicy", policy);
    p.put("HelperRoleArn", roleArn);
    p.put("ForceDestroy", Boolean.toString(force));
    return p;
  }

  static String request(String type, String responseUrl, String account, String physicalId,
      Map<String, Object> props, Map<String, Object> oldProps) {
    return request(type, "Custom::BunkerWorkloadVaults", "WorkloadVaults", responseUrl, account,
        physicalId, props, oldProps);
  }

  /** A request for another template's custom resource type (the seed module's, say). */
  static String request(String type, String resourceType, String logicalId, String responseUrl,
      String account, String physicalId, Map<String, Object> props,
      Map<String, Object> oldProps) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("RequestType", type);
    r.put("ServiceToken", props.get("ServiceToken"));
    r.put("ResponseURL", responseUrl);
    r.put("StackId", stackId(account));
    r.put("RequestId", UUID.randomUUID().toString());
    r.put("LogicalResourceId", logicalId);
    r.put("ResourceType", resourceType);
    if (physicalId != null) {
      r.put("PhysicalResourceId", physicalId);
    }
    r.put("ResourceProperties", props);
    if (oldProps != null) {
      r.put("OldResourceProperties", oldProps);
    }
    return Json.write(r);
  }

  /**
   * The properties of the seed module's vault resource ({@code Custom::TerraformDeployment}):
   * the Terraform variables of its vault stack, as CloudFormation sends them (values as text).
   */
  static Map<String, Object> seedVaultProperties(String vaultName, String keyArn) {
    Map<String, Object> tfvars = new LinkedHashMap<>();
    tfvars.put("BackupVaultName", vaultName);
    tfvars.put("ForceDestroy", "true");
    if (keyArn != null) {
      tfvars.put("EncryptionKeyArn", keyArn);
    }
    tfvars.put("AccessPolicy", "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("ServiceToken", "arn:aws:sns:" + REGION + ":220551619043:seed-deployment-helper");
    p.put("ServiceTimeout", "120");
    p.put("TFVARS", tfvars);
    return p;
  }

  /** The seed module's Terraform state URI for one stack resource: its PhysicalResourceId. */
  static String seedStateUri(String account, String logicalId) {
    return "s3://seed-deployment-state/stackset-deploy/" + account + "/" + REGION + "/"
        + UUID.randomUUID() + "/" + logicalId + ".tfstate";
  }

  /** The Lambda event SNS delivers: one record whose Message is the request JSON. */
  static String snsEvent(String message) {
    Map<String, Object> sns = new LinkedHashMap<>();
    sns.put("Type", "Notification");
    sns.put("MessageId", UUID.randomUUID().toString());
    sns.put("TopicArn", "arn:aws:sns:" + REGION + ":220551619043:bunker-deployment-helper");
    sns.put("Subject", "AWS CloudFormation custom resource request");
    sns.put("Message", message);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("EventSource", "aws:sns");
    record.put("EventVersion", "1.0");
    record.put("EventSubscriptionArn", sns.get("TopicArn") + ":" + UUID.randomUUID());
    record.put("Sns", sns);
    return Json.write(Map.of("Records", List.of(record)));
  }
}
