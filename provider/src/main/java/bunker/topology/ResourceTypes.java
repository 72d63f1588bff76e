package bunker.topology;

import java.util.List;
import java.util.function.Predicate;

/**
 * Resource-type ARN patterns for backup-policy selections, split by whether a logically
 * air-gapped vault accepts copies of the type (the seed module's practical list; AWS's
 * feature-availability table is the authority).
 */
final class ResourceTypes {

  private ResourceTypes() {}

  /**
   * A type's {@code service:region:account:resource} pattern, whether a logically air-gapped
   * vault accepts its copies, and whether it has continuous backup (point-in-time recovery) in
   * AWS Backup: S3 buckets, RDS DB instances, Aurora (RDS) clusters and SAP HANA databases on
   * EC2 (Backup developer guide, "Continuous backups and point-in-time recovery (PITR)").
   */
  private record Type(String pattern, boolean logicallyAirGapped, boolean continuous) {
    static Type airGapped(String pattern) {
      return new Type(pattern, true, false);
    }

    static Type notAirGapped(String pattern) {
      return new Type(pattern, false, false);
    }

    Type andContinuous() {
      return new Type(pattern, logicallyAirGapped, true);
    }
  }

  /** Every type a selection names, by pattern. */
  private static final List<Type> TYPES = List.of(
      Type.airGapped("backup-gateway:*:*:vm/*"),
      Type.airGapped("cloudformation:*:*:stack/*"),
      Type.airGapped("dynamodb:*:*:table/*"),
      Type.airGapped("ec2:*:*:instance/*"),
      Type.airGapped("ec2:*:*:volume/*"),
      Type.airGapped("elasticfilesystem:*:*:file-system/*"),
      Type.notAirGapped("fsx:*:*:file-system/*"),
      Type.notAirGapped("fsx:*:*:volume/*"),
      Type.airGapped("rds:*:*:cluster:*").andContinuous(),
      Type.notAirGapped("rds:*:*:db:*").andContinuous(),
      Type.notAirGapped("redshift:*:*:cluster:*"),
      Type.airGapped("s3:::*").andContinuous(),
      Type.notAirGapped("ssm-sap:*:*:HANA/*").andContinuous(),
      Type.airGapped("storagegateway:*:*:gateway/*"),
      Type.airGapped("timestream:*:*:database/*/table/*"));

  static List<String> logicallyAirGapped(DeploymentSpec spec) {
    return arns(spec, Type::logicallyAirGapped);
  }

  static List<String> notLogicallyAirGapped(DeploymentSpec spec) {
    return arns(spec, t -> !t.logicallyAirGapped());
  }

  /**
   * The types with continuous backup. A continuous rule selects only these, so that no other
   * resource is backed up by it locally and never copied.
   */
  static List<String> continuous(DeploymentSpec spec) {
    return arns(spec, Type::continuous);
  }

  /** The patterns of the types {@code which} keeps, each with "arn:PARTITION:" in front. */
  private static List<String> arns(DeploymentSpec spec, Predicate<Type> which) {
    String prefix = "arn:" + spec.environment().partition() + ":";
    return TYPES.stream().filter(which).map(t -> prefix + t.pattern()).toList();
  }
}
