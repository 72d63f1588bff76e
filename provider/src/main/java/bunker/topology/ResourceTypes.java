package bunker.topology;

import java.util.List;

/**
 * Resource-type ARN patterns for backup-policy selections, split by whether a logically
 * air-gapped vault accepts copies of the type (the seed module's practical list; AWS's
 * feature-availability table is the authority).
 */
final class ResourceTypes {

  private ResourceTypes() {}

  static List<String> logicallyAirGapped(DeploymentSpec spec) {
    String p = spec.environment().partition();
    return List.of(
        "arn:" + p + ":backup-gateway:*:*:vm/*",
        "arn:" + p + ":cloudformation:*:*:stack/*",
        "arn:" + p + ":dynamodb:*:*:table/*",
        "arn:" + p + ":ec2:*:*:instance/*",
        "arn:" + p + ":ec2:*:*:volume/*",
        "arn:" + p + ":elasticfilesystem:*:*:file-system/*",
        "arn:" + p + ":rds:*:*:cluster:*",
        "arn:" + p + ":s3:::*",
        "arn:" + p + ":storagegateway:*:*:gateway/*",
        "arn:" + p + ":timestream:*:*:database/*/table/*");
  }

  static List<String> notLogicallyAirGapped(DeploymentSpec spec) {
    String p = spec.environment().partition();
    return List.of(
        "arn:" + p + ":fsx:*:*:file-system/*",
        "arn:" + p + ":fsx:*:*:volume/*",
        "arn:" + p + ":rds:*:*:db:*",
        "arn:" + p + ":redshift:*:*:cluster:*",
        "arn:" + p + ":ssm-sap:*:*:HANA/*");
  }

  /**
   * Types with continuous backup (point-in-time recovery) in AWS Backup: S3 buckets, RDS DB
   * instances, Aurora (RDS) clusters and SAP HANA databases on EC2 (Backup developer guide,
   * "Continuous backups and point-in-time recovery (PITR)"). A continuous rule selects only
   * these, so that no other resource is backed up by it locally and never copied.
   */
  static List<String> continuous(DeploymentSpec spec) {
    String p = spec.environment().partition();
    return List.of(
        "arn:" + p + ":rds:*:*:cluster:*",
        "arn:" + p + ":rds:*:*:db:*",
        "arn:" + p + ":s3:::*",
        "arn:" + p + ":ssm-sap:*:*:HANA/*");
  }
}
