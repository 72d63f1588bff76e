package bunker.topology;

import java.util.List;
import java.util.stream.Stream;

/**
 * Resource-type ARN patterns for backup-policy selections, split by whether a logically
 * air-gapped vault accepts copies of the type (the seed module's practical list; AWS's
 * feature-availability table is the authority).
 */
final class ResourceTypes {

  private ResourceTypes() {}

  static List<String> logicallyAirGapped(DeploymentSpec spec) {
    return arns(spec,
        "backup-gateway:*:*:vm/*",
        "cloudformation:*:*:stack/*",
        "dynamodb:*:*:table/*",
        "ec2:*:*:instance/*",
        "ec2:*:*:volume/*",
        "elasticfilesystem:*:*:file-system/*",
        "rds:*:*:cluster:*",
        "s3:::*",
        "storagegateway:*:*:gateway/*",
        "timestream:*:*:database/*/table/*");
  }

  static List<String> notLogicallyAirGapped(DeploymentSpec spec) {
    return arns(spec,
        "fsx:*:*:file-system/*",
        "fsx:*:*:volume/*",
        "rds:*:*:db:*",
        "redshift:*:*:cluster:*",
        "ssm-sap:*:*:HANA/*");
  }

  /**
   * Types with continuous backup (point-in-time recovery) in AWS Backup: S3 buckets, RDS DB
   * instances, Aurora (RDS) clusters and SAP HANA databases on EC2 (Backup developer guide,
   * "Continuous backups and point-in-time recovery (PITR)"). A continuous rule selects only
   * these, so that no other resource is backed up by it locally and never copied.
   */
  static List<String> continuous(DeploymentSpec spec) {
    return arns(spec,
        "rds:*:*:cluster:*",
        "rds:*:*:db:*",
        "s3:::*",
        "ssm-sap:*:*:HANA/*");
  }

  /** Each {@code service:region:account:resource} pattern with "arn:PARTITION:" in front. */
  private static List<String> arns(DeploymentSpec spec, String... patterns) {
    String prefix = "arn:" + spec.environment().partition() + ":";
    return Stream.of(patterns).map(pattern -> prefix + pattern).toList();
  }
}
