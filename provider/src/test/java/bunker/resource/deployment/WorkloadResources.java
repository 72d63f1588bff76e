package bunker.resource.deployment;

import bunker.aws.Emulator;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The resources a workload account backs up, made in the emulator as a team would make them:
 * an S3 bucket, a DynamoDB table, an EBS volume and an RDS DB instance, each tagged so that a
 * deployment's backup policy selects it. Clients act in the account through
 * {@code OrganizationAccountAccessRole}, as the seeded organisation allows.
 */
final class WorkloadResources implements AutoCloseable {
  /** The four resource types the data-plane tests cover, as AWS Backup names them. */
  static final String[] TYPES = {"S3", "DynamoDB", "EBS", "RDS"};

  private final String account;
  private final List<String> made = new ArrayList<>();
  private final StsAssumeRoleCredentialsProvider credentials;
  private final StsClient sts;
  final S3Client s3;
  final DynamoDbClient dynamoDb;
  final Ec2Client ec2;
  final RdsClient rds;

  WorkloadResources(String account) {
    this.account = account;
    URI endpoint = URI.create(Emulator.url());
    Region region = Region.of(Emulator.REGION);
    sts = StsClient.builder().endpointOverride(endpoint).region(region)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("test", "test"))).build();
    credentials = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
        .refreshRequest(r -> r.roleArn("arn:aws:iam::" + account
            + ":role/OrganizationAccountAccessRole").roleSessionName("workload-team"))
        .build();
    s3 = Emulator.s3(credentials);
    dynamoDb = DynamoDbClient.builder().endpointOverride(endpoint).region(region)
        .credentialsProvider(credentials).build();
    ec2 = Ec2Client.builder().endpointOverride(endpoint).region(region)
        .credentialsProvider(credentials).build();
    rds = RdsClient.builder().endpointOverride(endpoint).region(region)
        .credentialsProvider(credentials).build();
  }

  /**
   * One resource of each of {@link #TYPES}, tagged {@code tagKey = tagValue}; answers their
   * ARNs by type.
   */
  Map<String, String> makeTagged(String tagKey, String tagValue) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> arns = new LinkedHashMap<>();
    String bucket = "team-data-" + suffix;
    s3.createBucket(b -> b.bucket(bucket).createBucketConfiguration(
        c -> c.locationConstraint(Emulator.REGION)));
    s3.putBucketTagging(b -> b.bucket(bucket).tagging(t -> t.tagSet(
        Tag.builder().key(tagKey).value(tagValue).build())));
    arns.put("S3", "arn:aws:s3:::" + bucket);
    arns.put("DynamoDB", dynamoDb.createTable(t -> t.tableName("orders-" + suffix)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
            .attributeType(ScalarAttributeType.S).build())
        .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
        .tags(software.amazon.awssdk.services.dynamodb.model.Tag.builder().key(tagKey)
            .value(tagValue).build())).tableDescription().tableArn());
    String volume = ec2.createVolume(v -> v.availabilityZone(Emulator.REGION + "a").size(8)
        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.VOLUME)
            .tags(software.amazon.awssdk.services.ec2.model.Tag.builder().key(tagKey)
                .value(tagValue).build()).build())).volumeId();
    arns.put("EBS", "arn:aws:ec2:" + Emulator.REGION + ":" + account + ":volume/" + volume);
    arns.put("RDS", rds.createDBInstance(d -> d.dbInstanceIdentifier("db-" + suffix)
        .dbInstanceClass("db.t3.micro").engine("mysql").allocatedStorage(20)
        .masterUsername("admin").masterUserPassword("password123")
        .tags(software.amazon.awssdk.services.rds.model.Tag.builder().key(tagKey)
            .value(tagValue).build())).dbInstance().dbInstanceArn());
    made.addAll(arns.values());
    return arns;
  }

  /** Deletes every resource {@link #makeTagged} made, as the team would remove them. */
  void deleteAll() {
    for (String arn : made) {
      String id = arn.substring(Math.max(arn.lastIndexOf('/'), arn.lastIndexOf(':')) + 1);
      if (arn.startsWith("arn:aws:s3:::")) {
        s3.deleteBucket(b -> b.bucket(id));
      } else if (arn.contains(":dynamodb:")) {
        dynamoDb.deleteTable(t -> t.tableName(id));
      } else if (arn.contains(":volume/")) {
        ec2.deleteVolume(v -> v.volumeId(id));
      } else {
        rds.deleteDBInstance(d -> d.dbInstanceIdentifier(id).skipFinalSnapshot(true));
      }
    }
    made.clear();
  }

  boolean bucketExists(String name) {
    return s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(name));
  }

  boolean tableExists(String name) {
    return dynamoDb.listTables().tableNames().contains(name);
  }

  boolean volumeExists(String id) {
    return ec2.describeVolumes().volumes().stream().anyMatch(v -> v.volumeId().equals(id));
  }

  boolean dbInstanceExists(String id) {
    return rds.describeDBInstances().dbInstances().stream()
        .anyMatch(d -> d.dbInstanceIdentifier().equals(id));
  }

  @Override
  public void close() {
    s3.close();
    dynamoDb.close();
    ec2.close();
    rds.close();
    credentials.close();
    sts.close();
  }
}
