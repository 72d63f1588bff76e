package bunker.resource.deployment.workload;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link WorkloadState} as JSON text, for the resource's private state (the parts that have no
 * attribute: mode, targets, template kind, helper topic, CallAs) or for all of it. Keys are
 * snake_case like the attributes; {@link #read} accepts what {@link #write} wrote.
 */
public final class WorkloadStateJson {
  private WorkloadStateJson() {}

  public static String write(WorkloadState s) {
    Map<String, Object> accounts = new LinkedHashMap<>();
    s.accounts().forEach((id, a) -> accounts.put(id, attributes(a)));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("mode", s.mode().value());
    doc.put("stack_set_name", s.stackSetName());
    doc.put("stack_set_id", s.stackSetId());
    doc.put("call_as", s.callAs());
    doc.put("targets", s.targets());
    doc.put("template", s.template().name());
    doc.put("helper_topic_arn", s.helperTopicArn());
    doc.put("member_accounts", accounts);
    return Json.write(doc);
  }

  /** One account as the attribute object of {@code member_accounts} (all strings). */
  public static Map<String, Object> attributes(MemberAccount a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", a.status());
    m.put("backup_vault_arn", a.backupVaultArn());
    m.put("restore_vault_arn", a.restoreVaultArn());
    m.put("backup_service_role_arn", a.backupServiceRoleArn());
    m.put("restore_role_arn", a.restoreRoleArn());
    m.put("event_forwarder_role_arn", a.forwarderRoleArn());
    m.put("event_forwarder_rule_arn", a.forwarderRuleArn());
    m.put("detail", a.detail());
    return m;
  }

  /** The account from an attribute object of {@code member_accounts}. */
  public static MemberAccount account(Map<String, ?> m) {
    return new MemberAccount(str(m, "status"), str(m, "backup_vault_arn"),
        str(m, "restore_vault_arn"), str(m, "backup_service_role_arn"), str(m, "restore_role_arn"),
        str(m, "event_forwarder_role_arn"), str(m, "event_forwarder_rule_arn"), str(m, "detail"));
  }

  @SuppressWarnings("unchecked")
  public static WorkloadState read(String json) {
    Map<String, Object> doc = Json.parseObject(json);
    TreeMap<String, MemberAccount> accounts = new TreeMap<>();
    ((Map<String, Object>) doc.getOrDefault("member_accounts", Map.of())).forEach(
        (id, a) -> accounts.put(id, account((Map<String, Object>) a)));
    List<String> targets = new ArrayList<>();
    ((List<Object>) doc.getOrDefault("targets", List.of())).forEach(t -> targets.add((String) t));
    return new WorkloadState(MemberMode.of(str(doc, "mode")), str(doc, "stack_set_name"),
        str(doc, "stack_set_id"), str(doc, "call_as"), targets,
        template(doc), str(doc, "helper_topic_arn"), accounts);
  }

  /** The template kind; state written before it existed had two flags instead. */
  private static StackSetTemplateKind template(Map<String, Object> doc) {
    if (doc.get("template") != null) {
      return StackSetTemplateKind.valueOf(str(doc, "template"));
    }
    if (Boolean.TRUE.equals(doc.get("template_current"))) {
      return StackSetTemplateKind.CURRENT;
    }
    if (Boolean.TRUE.equals(doc.get("template_foreign"))) {
      return StackSetTemplateKind.FOREIGN;
    }
    return str(doc, "stack_set_id").isEmpty()
        ? StackSetTemplateKind.NONE : StackSetTemplateKind.OUTDATED;
  }

  private static String str(Map<String, ?> m, String key) {
    Object v = m.get(key);
    return v == null ? "" : v.toString();
  }
}
