package bunker.reliability;

import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.organizations.model.PolicyType;
import software.amazon.awssdk.services.ram.model.ResourceOwner;
import software.amazon.awssdk.services.ram.model.ResourceShareStatus;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every object of the kinds a deployment creates that exists in the central account, service by
 * service: what a test compares before and after to prove nothing was orphaned. A KMS key
 * pending deletion counts as gone (KMS never deletes at once). Read with faults cleared.
 */
record Inventory(Map<String, Set<String>> byKind) {

  static Inventory of(AwsClients aws) {
    Map<String, Set<String>> m = new TreeMap<>();
    m.put("backup vaults", names(aws.backup().listBackupVaultsPaginator(r -> { }).stream()
        .flatMap(p -> p.backupVaultList().stream()).map(v -> v.backupVaultName()).toList()));
    List<String> keys = new ArrayList<>();
    for (KeyListEntry k : aws.kms().listKeysPaginator(r -> { }).keys()) {
      KeyState s = aws.kms().describeKey(r -> r.keyId(k.keyId())).keyMetadata().keyState();
      if (s != KeyState.PENDING_DELETION) {
        keys.add(k.keyId());
      }
    }
    m.put("KMS keys (not pending deletion)", names(keys));
    m.put("KMS aliases", names(aws.kms().listAliasesPaginator(r -> { }).aliases().stream()
        .map(a -> a.aliasName()).filter(a -> !a.startsWith("alias/aws/")).toList()));
    m.put("IAM roles", names(aws.iam().listRolesPaginator(r -> { }).roles().stream()
        .map(r -> r.roleName()).toList()));
    List<String> buses = aws.eventBridge().listEventBuses(r -> { }).eventBuses().stream()
        .map(b -> b.name()).toList();
    m.put("EventBridge buses", names(buses));
    List<String> rules = new ArrayList<>();
    for (String bus : buses) {
      aws.eventBridge().listRules(r -> r.eventBusName(bus)).rules()
          .forEach(rule -> rules.add(bus + "/" + rule.name()));
    }
    m.put("EventBridge rules", names(rules));
    m.put("Step Functions state machines", names(aws.sfn().listStateMachinesPaginator(r -> { })
        .stateMachines().stream().map(s -> s.name()).toList()));
    m.put("CloudWatch log groups", names(aws.logs().describeLogGroupsPaginator(r -> { })
        .logGroups().stream().map(g -> g.logGroupName()).toList()));
    m.put("RAM shares", names(aws.ram().getResourceSharesPaginator(r -> r.resourceOwner(
        ResourceOwner.SELF)).stream().flatMap(p -> p.resourceShares().stream())
        .filter(s -> s.status() != ResourceShareStatus.DELETED
            && s.status() != ResourceShareStatus.DELETING)
        .map(s -> s.name()).toList()));
    m.put("Organizations backup policies", names(aws.organizations()
        .listPoliciesPaginator(r -> r.filter(PolicyType.BACKUP_POLICY)).stream()
        .flatMap(p -> p.policies().stream()).map(p -> p.name()).toList()));
    m.put("S3 buckets", names(s3Buckets(aws)));
    return new Inventory(m);
  }

  /** The account's buckets (the deployment helper's package bucket is one). */
  private static List<String> s3Buckets(AwsClients aws) {
    try (S3Client s3 = Emulator.s3(aws.credentialsProvider())) {
      return s3.listBuckets().buckets().stream().map(b -> b.name()).toList();
    }
  }

  private static Set<String> names(List<String> list) {
    return new TreeSet<>(list);
  }

  /** What this inventory holds that {@code before} did not, kind by kind (empty kinds left out). */
  Map<String, Set<String>> minus(Inventory before) {
    Map<String, Set<String>> out = new TreeMap<>();
    byKind.forEach((kind, set) -> {
      Set<String> extra = new TreeSet<>(set);
      extra.removeAll(before.byKind.getOrDefault(kind, Set.of()));
      if (!extra.isEmpty()) {
        out.put(kind, extra);
      }
    });
    return out;
  }

  /** Object counts per kind, for reports. */
  Map<String, Integer> counts() {
    Map<String, Integer> out = new TreeMap<>();
    byKind.forEach((k, v) -> out.put(k, v.size()));
    return out;
  }
}
