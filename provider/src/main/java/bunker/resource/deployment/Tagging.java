package bunker.resource.deployment;

import bunker.aws.AwsClients;
import bunker.aws.backup.BackupVaults;
import bunker.topology.CentralObject;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes the tags of every existing central object exactly the deployment's (tags changed in
 * place). Each service has its own tagging call; keys no longer wanted are removed.
 */
final class Tagging {
  private final AwsClients aws;
  private final Map<String, String> tags;

  Tagging(AwsClients aws, Map<String, String> tags) {
    this.aws = aws;
    this.tags = tags;
  }

  void retag(DeploymentState state, DeploymentSpec spec) {
    Names names = Names.of(spec);
    BackupVaults vaults = new BackupVaults(aws.backup());
    for (CentralObject vault : List.of(CentralObject.INTERMEDIATE_VAULT,
        CentralObject.STANDARD_VAULT, CentralObject.LAG_VAULT)) {
      state.arn(vault).ifPresent(arn -> vaults.updateTags(arn, tags));
    }
    state.arn(CentralObject.KMS_KEY).ifPresent(this::kms);
    for (String role : List.of(names.backupServiceRole(), names.ingestRole(),
        names.restoreRole(), names.ingestEventsRole(), names.forwardRole())) {
      iam(role);
    }
    arn(state, CentralObject.EVENT_BUS).ifPresent(this::events);
    for (CentralObject machine : List.of(CentralObject.INGEST_STATE_MACHINE,
        CentralObject.RESTORE_STATE_MACHINE)) {
      arn(state, machine).ifPresent(this::sfn);
    }
    for (String id : state.policyIds()) {
      List<String> old = aws.organizations().listTagsForResource(r -> r.resourceId(id)).tags()
          .stream().map(t -> t.key()).filter(k -> !tags.containsKey(k)).toList();
      if (!old.isEmpty()) {
        aws.organizations().untagResource(r -> r.resourceId(id).tagKeys(old));
      }
      aws.organizations().tagResource(r -> r.resourceId(id).tags(tags.entrySet().stream()
          .map(e -> software.amazon.awssdk.services.organizations.model.Tag.builder()
              .key(e.getKey()).value(e.getValue()).build()).toList()));
    }
  }

  private static Optional<String> arn(DeploymentState state, CentralObject object) {
    return state.arn(object);
  }

  private void kms(String keyArn) {
    List<String> old = aws.kms().listResourceTags(r -> r.keyId(keyArn)).tags().stream()
        .map(t -> t.tagKey()).filter(k -> !tags.containsKey(k)).toList();
    if (!old.isEmpty()) {
      aws.kms().untagResource(r -> r.keyId(keyArn).tagKeys(old));
    }
    aws.kms().tagResource(r -> r.keyId(keyArn).tags(tags.entrySet().stream()
        .map(e -> software.amazon.awssdk.services.kms.model.Tag.builder().tagKey(e.getKey())
            .tagValue(e.getValue()).build()).toList()));
  }

  private void iam(String role) {
    List<String> old = aws.iam().listRoleTags(r -> r.roleName(role)).tags().stream()
        .map(t -> t.key()).filter(k -> !tags.containsKey(k)).toList();
    if (!old.isEmpty()) {
      aws.iam().untagRole(r -> r.roleName(role).tagKeys(old));
    }
    aws.iam().tagRole(r -> r.roleName(role).tags(tags.entrySet().stream()
        .map(e -> software.amazon.awssdk.services.iam.model.Tag.builder().key(e.getKey())
            .value(e.getValue()).build()).toList()));
  }

  private void events(String arn) {
    List<String> old = aws.eventBridge().listTagsForResource(r -> r.resourceARN(arn)).tags()
        .stream().map(t -> t.key()).filter(k -> !tags.containsKey(k)).toList();
    if (!old.isEmpty()) {
      aws.eventBridge().untagResource(r -> r.resourceARN(arn).tagKeys(old));
    }
    aws.eventBridge().tagResource(r -> r.resourceARN(arn).tags(tags.entrySet().stream()
        .map(e -> software.amazon.awssdk.services.eventbridge.model.Tag.builder()
            .key(e.getKey()).value(e.getValue()).build()).toList()));
  }

  private void sfn(String arn) {
    List<String> old = aws.sfn().listTagsForResource(r -> r.resourceArn(arn)).tags().stream()
        .map(t -> t.key()).filter(k -> !tags.containsKey(k)).toList();
    if (!old.isEmpty()) {
      aws.sfn().untagResource(r -> r.resourceArn(arn).tagKeys(old));
    }
    aws.sfn().tagResource(r -> r.resourceArn(arn).tags(tags.entrySet().stream()
        .map(e -> software.amazon.awssdk.services.sfn.model.Tag.builder().key(e.getKey())
            .value(e.getValue()).build()).toList()));
  }
}
