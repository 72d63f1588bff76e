package bunker.topology;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The length and character rules AWS puts on each kind of name the topology derives. Sources:
 * the service API models (Backup vault and rule names, IAM role names, EventBridge buses and
 * rules, state machine name lengths, KMS alias lengths and characters, log groups,
 * Organizations policies), which NameLimitModelsTest checks each rule against as botocore ships
 * them; the services' documentation for the rest: Backup plan, RAM share, StackSet and SNS topic
 * names (their models set no bounds), state machine name characters, and the KMS alias's
 * {@code alias/} prefix and reserved {@code alias/aws/}.
 */
public enum NameLimit {
  BACKUP_VAULT("backup vault name", 2, 50, Chars.WORD_HYPHEN),
  BACKUP_PLAN("backup plan name", 1, 50, Chars.WORD_DOT_HYPHEN),
  BACKUP_RULE("backup rule name", 1, 50, Chars.WORD_DOT_HYPHEN),
  IAM_ROLE("IAM role name", 1, 64, "[\\w+=,.@-]+"),
  EVENT_BUS("EventBridge bus name", 1, 256, "[/.\\-_A-Za-z0-9]+"),
  EVENT_RULE("EventBridge rule name", 1, 64, Chars.WORD_DOT_HYPHEN),
  STATE_MACHINE("Step Functions state machine name", 1, 80, Chars.WORD_HYPHEN),
  KMS_ALIAS("KMS alias", 7, 256, "alias/(?!aws/)[a-zA-Z0-9/_-]+"),
  LOG_GROUP("CloudWatch log group name", 1, 512, "[.\\-_/#A-Za-z0-9]+"),
  RESOURCE_SHARE("RAM resource share name", 1, 255, "[\\w.@ +=,/-]+"),
  ORGANIZATIONS_POLICY("Organizations policy name", 1, 128, "[\\s\\S]+"),
  STACK_SET("CloudFormation StackSet name", 1, 128, "[a-zA-Z][-a-zA-Z0-9]*"),
  SNS_TOPIC("SNS topic name", 1, 256, Chars.WORD_HYPHEN);

  /** Character sets that several services' names share. */
  private static final class Chars {
    /** ASCII letters, digits, '_' and '-'. */
    static final String WORD_HYPHEN = "[A-Za-z0-9_-]+";
    /** ASCII letters, digits, '_', '.' and '-'. */
    static final String WORD_DOT_HYPHEN = "[A-Za-z0-9_.-]+";
  }

  private final String label;
  private final int min;
  private final int max;
  private final Pattern pattern;

  NameLimit(String label, int min, int max, String regex) {
    this.label = label;
    this.min = min;
    this.max = max;
    this.pattern = Pattern.compile(regex);
  }

  /** What AWS calls it, e.g. "backup vault name". */
  public String label() {
    return label;
  }

  public int maxLength() {
    return max;
  }

  /** Why {@code value} is not a valid name of this kind, or empty when it is. */
  public Optional<String> problem(String value) {
    if (value.length() < min || value.length() > max) {
      return Optional.of(String.format("%s \"%s\" has %d characters; AWS allows %d to %d",
          label, value, value.length(), min, max));
    }
    if (!pattern.matcher(value).matches()) {
      return Optional.of(String.format("%s \"%s\" must match %s", label, value,
          pattern.pattern()));
    }
    return Optional.empty();
  }
}
