package bunker.resource.deployment;

import static bunker.json.Json.obj;

import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.backup.BackupVaults;
import bunker.aws.backup.EmptyOptions;
import bunker.aws.backup.RecoveryPoints;
import bunker.json.Json;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The workload side of a seed-module deployment (its StackSet and workload vaults, as
 * docs/guides/migrating-from-the-seed-module.md describes them), our own rendering: the member
 * template with the seed module's parameters, logical ids and custom
 * resources, and a stand-in for the seed module's deployment helper that serves those custom
 * resources with the seed module's effect.
 *
 * <p>The seed module's helper is a Python Lambda running Terraform, which the emulator cannot
 * run (it runs Java functions only). The stand-in is an HTTP subscriber of the helper topic, in
 * this JVM: on Create of a {@code Custom::TerraformDeployment} it makes the vault named in
 * TFVARS (under the given key, else the AWS managed key) and answers with an {@code s3://} state
 * address as the seed module does; on Delete of one with such an address it does what the seed
 * module's {@code terraform destroy} with {@code force_destroy = true} does — deletes every
 * recovery point and the vault. Every request it receives is recorded, so a test sees whether a
 * hand-over sent it anything.
 */
final class SeedModuleWorkload implements AutoCloseable {
  static final String VAULT_TYPE = "Custom::TerraformDeployment";
  static final String SLR_TYPE = "Custom::AWS__IAM__ServiceLinkedRole";

  /** One request the stand-in served: "Create BackupVault 123456789012". */
  final List<String> served = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final ExecutorService work = Executors.newFixedThreadPool(2);
  private final HttpClient http = HttpClient.newHttpClient();

  SeedModuleWorkload() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/seed-helper", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
      work.submit(() -> notification(body));
    });
    server.start();
  }

  /** The stand-in's endpoint, for an {@code http} subscription of the helper topic. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/seed-helper";
  }

  @Override
  public void close() {
    server.stop(0);
    work.shutdownNow();
  }

  /**
   * The member template: parameters, logical ids and resource types as the seed module's; the
   * vault resources carry TFVARS for its Terraform stack.
   */
  static String template() {
    Map<String, Object> parameters = new java.util.LinkedHashMap<>();
    for (String p : List.of("BackupVaultName", "RestoreVaultName", "KmsKeyId",
        "CentralAccountId", "DeploymentHelperTopicName", "DeploymentHelperRoleNamePrefix",
        "BackupServiceRoleName", "BackupServiceRestoreRoleName", "EventBridgeRuleName",
        "EventBusName")) {
      parameters.put(p, obj("Type", "String"));
    }
    Map<String, Object> token = obj("Fn::Sub", "arn:${AWS::Partition}:sns:${AWS::Region}:"
        + "${CentralAccountId}:${DeploymentHelperTopicName}");
    Map<String, Object> resources = new java.util.LinkedHashMap<>();
    resources.put("BackupServiceRole", role(obj("Ref", "BackupServiceRoleName"),
        "backup.amazonaws.com"));
    resources.put("BackupServiceRestoreRole", role(obj("Ref", "BackupServiceRestoreRoleName"),
        "backup.amazonaws.com"));
    resources.put("BackupServiceLinkedRole", obj("Type", SLR_TYPE, "Properties", obj(
        "ServiceToken", token, "ServiceTimeout", 120)));
    resources.put("DeploymentHelperRole", role(obj("Fn::Sub",
        "${DeploymentHelperRoleNamePrefix}-${AWS::Region}"), "lambda.amazonaws.com"));
    resources.put("EventBridgeRole", role(obj("Ref", "EventBridgeRuleName"),
        "events.amazonaws.com"));
    resources.put("EventBridgeRule", obj("Type", "AWS::Events::Rule", "Properties", obj(
        "Name", obj("Ref", "EventBridgeRuleName"),
        "EventPattern", obj("source", List.of("aws.backup")),
        "Targets", List.of(obj("Id", "central-bus", "Arn", obj("Fn::Sub",
                "arn:${AWS::Partition}:events:${AWS::Region}:${CentralAccountId}:event-bus/"
                    + "${EventBusName}"),
            "RoleArn", obj("Fn::GetAtt", List.of("EventBridgeRole", "Arn")))))));
    resources.put("BackupVault", vault(token, obj("BackupVaultName",
        obj("Ref", "BackupVaultName"), "EncryptionKeyArn", obj("Ref", "KmsKeyId"),
        "ForceDestroy", "true")));
    resources.put("RestoreVault", vault(token, obj("BackupVaultName",
        obj("Ref", "RestoreVaultName"), "ForceDestroy", "true")));
    return Json.write(obj("AWSTemplateFormatVersion", "2010-09-09",
        "Parameters", parameters, "Resources", resources));
  }

  private static Map<String, Object> role(Object name, String service) {
    return obj("Type", "AWS::IAM::Role", "Properties", obj("RoleName", name,
        "AssumeRolePolicyDocument", obj("Version", "2012-10-17", "Statement", List.of(obj(
            "Effect", "Allow", "Principal", obj("Service", service),
            "Action", "sts:AssumeRole")))));
  }

  private static Map<String, Object> vault(Object token, Map<String, Object> tfvars) {
    return obj("Type", VAULT_TYPE, "DependsOn", List.of("DeploymentHelperRole",
        "BackupServiceLinkedRole"), "Properties", obj("ServiceToken", token,
        "ServiceTimeout", 120, "TerraformStack", "AWS_Backup_BackupVault.tf",
        "TFVARS", tfvars));
  }

  // ---- the stand-in ----

  @SuppressWarnings("unchecked")
  private void notification(String body) {
    try {
      Map<String, Object> envelope = Json.parseObject(body);
      if (!"Notification".equals(envelope.get("Type"))) {
        return;
      }
      Map<String, Object> request = Json.parseObject((String) envelope.get("Message"));
      String type = (String) request.get("RequestType");
      String resourceType = (String) request.get("ResourceType");
      String account = ((String) request.get("StackId")).split(":")[4];
      served.add(type + " " + request.get("LogicalResourceId") + " " + account);
      Map<String, Object> props = (Map<String, Object>) request.get("ResourceProperties");
      String physical = (String) request.getOrDefault("PhysicalResourceId", "");
      try {
        if (SLR_TYPE.equals(resourceType)) {
          physical = "AWSServiceRoleForBackup";
        } else if (VAULT_TYPE.equals(resourceType)) {
          Map<String, Object> tfvars = (Map<String, Object>) props.get("TFVARS");
          physical = vault(type, account, tfvars, physical, request);
        } else {
          throw new IllegalArgumentException("not a seed module resource: " + resourceType);
        }
        respond(request, "SUCCESS", physical, "");
      } catch (RuntimeException e) {
        respond(request, "FAILED", physical.isEmpty() ? "failed" : physical, e.toString());
      }
    } catch (RuntimeException e) {
      served.add("unreadable " + e);
    }
  }

  private static String vault(String type, String account, Map<String, Object> tfvars,
      String physical, Map<String, Object> request) {
    AwsClients member = Emulator.org().in(account);
    BackupVaults vaults = new BackupVaults(member.backup());
    String name = (String) tfvars.get("BackupVaultName");
    String key = (String) tfvars.getOrDefault("EncryptionKeyArn", "");
    switch (type) {
      case "Create", "Update" -> {
        if (vaults.findByName(name).isEmpty()) {
          vaults.create(new BackupVaults.Spec(name, key, Map.of(), null));
        }
        return physical.startsWith("s3://") ? physical : "s3://seed-state/stackset-deploy/"
            + account + "/" + Emulator.REGION + "/" + UUID.randomUUID() + "/"
            + request.get("LogicalResourceId") + ".tfstate";
      }
      default -> { // Delete: terraform destroy, force_destroy = true
        if (physical.startsWith("s3://") && vaults.findByName(name).isPresent()) {
          RecoveryPoints.of(member).emptyVault(name, EmptyOptions.defaults()
              .withTimeout(Duration.ofMinutes(2)), p -> { }).throwIfNotEmpty();
          vaults.delete(name, Duration.ofSeconds(30));
        }
        return physical;
      }
    }
  }

  private void respond(Map<String, Object> request, String status, String physical,
      String reason) {
    String doc = Json.write(obj("Status", status, "Reason", reason,
        "PhysicalResourceId", physical, "StackId", request.get("StackId"),
        "RequestId", request.get("RequestId"),
        "LogicalResourceId", request.get("LogicalResourceId"), "Data", Map.of()));
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
              URI.create((String) request.get("ResponseURL")))
          .PUT(HttpRequest.BodyPublishers.ofString(doc)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        served.add("response refused " + r.statusCode() + " " + r.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
