package bunker.topology;

import static bunker.topology.Iam.allow;
import static bunker.topology.Iam.aws;
import static bunker.json.Json.obj;

import bunker.json.Json;
import java.util.List;

/**
 * EventBridge documents: the deployment bus's resource policy and the event patterns of the
 * forwarding and ingest rules. AWS Backup emits "Copy Job State Change" in the account that owns
 * the copy job (the workload account for copies out of it), so workload accounts forward their
 * events to the central bus and the central account forwards its own.
 */
public final class EventDocuments {

  static final String COPY_JOB = "Copy Job State Change";
  static final String BACKUP_JOB = "Backup Job State Change";

  private EventDocuments() {}

  /**
   * Bus policy: {@code events:PutEvents} only from the workload forwarder role of this
   * deployment's OUs.
   */
  public static String busPolicy(DeploymentSpec spec) {
    Names names = Names.of(spec);
    Arns arns = Arns.of(spec);
    return Json.write(Iam.document(List.of(allow("AllowWorkloadForwarders", aws("*"),
        List.of("events:PutEvents"), arns.eventBus(),
        obj("ArnLike", obj("aws:PrincipalArn", List.of(arns.role("*",
                names.workloadForwarderRole()))),
            "ForAnyValue:StringLike", obj("aws:PrincipalOrgPaths", arns.targetOrgPaths()))))));
  }

  /**
   * Pattern of the ingest rule on the deployment bus: a copy out of a workload backup vault of
   * this deployment (in any account, this region) into the intermediate vault — or into the LAG
   * vault, whose copy is the long-term one — has completed. The source is named, not excluded:
   * every copy the restore machine makes comes from a central vault (any standard generation,
   * kept or current, or the intermediate vault) or goes to a workload vault, so none of them is
   * ingested back, whatever generations come and go.
   */
  public static String ingestPattern(DeploymentSpec spec) {
    Arns arns = Arns.of(spec);
    Environment env = spec.environment();
    return Json.write(obj(
        "source", List.of("aws.backup"),
        "detail-type", List.of(COPY_JOB),
        "detail", obj(
            "state", List.of("COMPLETED"),
            "sourceBackupVaultArn", List.of(obj("wildcard", "arn:" + env.partition()
                + ":backup:" + env.region() + ":*:backup-vault:"
                + Names.of(spec).workloadBackupVault())),
            "destinationBackupVaultArn", centralVaultArns(spec))));
  }

  /**
   * Pattern of the central forwarding rule on the default bus: copy jobs whose destination is
   * one of this deployment's central vaults.
   */
  public static String centralForwardPattern(DeploymentSpec spec) {
    return Json.write(obj(
        "source", List.of("aws.backup"),
        "detail-type", List.of(COPY_JOB),
        "detail", obj("destinationBackupVaultArn", centralVaultArns(spec))));
  }

  /**
   * Pattern of the workload forwarding rule: backup jobs of the workload vault and copy jobs
   * into this deployment's central vaults.
   */
  public static String workloadForwardPattern(DeploymentSpec spec) {
    Names names = Names.of(spec);
    return Json.write(obj(
        "source", List.of("aws.backup"),
        "detail-type", List.of(BACKUP_JOB, COPY_JOB),
        "$or", List.of(
            obj("detail", obj("backupVaultName", List.of(names.workloadBackupVault()))),
            obj("detail", obj("destinationBackupVaultArn", centralVaultArns(spec))))));
  }

  private static List<String> centralVaultArns(DeploymentSpec spec) {
    Arns arns = Arns.of(spec);
    return spec.usesLogicallyAirGappedVault()
        ? List.of(arns.intermediateVault(), arns.lagVault())
        : List.of(arns.intermediateVault());
  }
}
