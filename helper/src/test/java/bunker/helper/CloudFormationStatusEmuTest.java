package bunker.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.AwsErrors;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * {@link CloudFormationStatus}'s own DescribeStacks request against the emulator's CloudFormation
 * (moto's, with the project's extension): stacks made with the SDK's client are read back by
 * the helper's signed Query request (CloudFormation API reference, "DescribeStacks": a stack by
 * name or unique id, a deleted one by its unique id only, "If the stack doesn't exist, a
 * ValidationError is returned").
 */
class CloudFormationStatusEmuTest {
  private static final String TEMPLATE =
      "{\"Resources\": {\"T\": {\"Type\": \"AWS::SNS::Topic\"}}}";
  private static SdkHttpClient http;

  @BeforeAll
  static void start() {
    Emulator.url();
    http = UrlConnectionHttpClient.create();
  }

  @AfterAll
  static void stop() {
    http.close();
  }

  private static CloudFormationClient sdkClient(AwsCredentialsProvider credentials) {
    return CloudFormationClient.builder().region(Region.of(Requests.REGION))
        .endpointOverride(URI.create(Emulator.url())).credentialsProvider(credentials)
        .httpClient(http).build();
  }

  private static CloudFormationStatus helperStatus(AwsCredentialsProvider credentials) {
    return CloudFormationStatus.of(http, credentials, Region.of(Requests.REGION),
        Emulator.url());
  }

  @Test
  void of_stackByIdAndName_thenDeletedById_thenUnknown() {
    DefaultCredentialsProvider credentials = DefaultCredentialsProvider.create();
    CloudFormationStatus status = helperStatus(credentials);
    String name = Emulator.uniqueName("bunker-cfn-status");
    try (CloudFormationClient cfn = sdkClient(credentials)) {
      String id = cfn.createStack(r -> r.stackName(name).templateBody(TEMPLATE)).stackId();

      assertEquals("CREATE_COMPLETE", status.of(id));
      assertEquals("CREATE_COMPLETE", status.of(name));

      cfn.deleteStack(r -> r.stackName(id));
      assertEquals("DELETE_COMPLETE", status.of(id));
    }

    AwsServiceException e = assertThrows(AwsServiceException.class, () -> status.of(name));
    assertEquals("ValidationError", AwsErrors.errorCode(e));
    assertEquals("Stack with id " + name + " does not exist", AwsErrors.message(e));
    assertEquals(400, e.statusCode());
  }

  /**
   * As the helper asks: with a workload account role's session credentials (the session token
   * is signed and sent), through {@link HelperClients#forRole}, in that account.
   */
  @Test
  void forRole_stackStatus_readsTheRolesAccountWithSessionCredentials() {
    Emulator.admin("PUT", "/authz", "{\"mode\": \"report\"}");
    String account = Emulator.freshAccount();
    String role = "arn:aws:iam::" + account + ":role/" + Emulator.uniqueName("helper");
    try (HelperClients clients = HelperClients.create(Emulator.url());
        StsClient sts = StsClient.builder().region(Region.of(Requests.REGION))
            .endpointOverride(URI.create(Emulator.url())).httpClient(http).build();
        StsAssumeRoleCredentialsProvider assumed = StsAssumeRoleCredentialsProvider.builder()
            .stsClient(sts).refreshRequest(r -> r.roleArn(role).roleSessionName("test")).build();
        CloudFormationClient cfn = sdkClient(assumed)) {
      String id = cfn.createStack(r -> r.stackName(Emulator.uniqueName("bunker-cfn-role"))
          .templateBody(TEMPLATE)).stackId();
      assertTrue(id.contains(":" + account + ":stack/"), id);

      StackStatus status = clients.forRole(role, Requests.REGION, "aws").stackStatus();

      assertEquals("CREATE_COMPLETE", status.of(id));
      cfn.deleteStack(r -> r.stackName(id));
      assertEquals("DELETE_COMPLETE", status.of(id));
    } finally {
      Emulator.admin("PUT", "/authz", "{\"mode\": \"on\"}");
    }
  }
}
