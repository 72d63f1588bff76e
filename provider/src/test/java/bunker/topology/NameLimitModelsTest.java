package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Tools;
import bunker.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link NameLimit}'s rules checked against an outside source: the AWS API models that botocore
 * ships (the service-2.json the AWS CLI and SDKs are generated from), read from the emulator's
 * Python, whose botocore scripts/emulator/requirements.txt pins. For each name whose model
 * constrains it, our rule must be no looser than AWS's: a name too short or too long for the
 * model is too short or too long for us, and every character our rule lets in (of every
 * printable ASCII character, a tab and two outside ASCII), the model's pattern lets in too. Where the model
 * says nothing (the four in {@link #UNMODELLED}), the rule comes from the service's
 * documentation, as NameLimit's javadoc says.
 */
class NameLimitModelsTest {
  /** Names whose API model shape carries no length or pattern (checked below). */
  private static final Set<NameLimit> UNMODELLED = EnumSet.of(NameLimit.BACKUP_PLAN,
      NameLimit.RESOURCE_SHARE, NameLimit.STACK_SET, NameLimit.SNS_TOPIC);

  /** What a shape with no max allows, as far as this test asks. */
  private static final int NO_MAX = 100_000;

  private static Path botocoreData;

  @BeforeAll
  static void findBotocore() throws Exception {
    Path python = Tools.require("python3", "the AWS API models come from botocore");
    Process p = new ProcessBuilder(python.toString(), "-c",
        "import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), 'data'))")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), "python3 cannot import botocore: " + out);
    botocoreData = Path.of(out);
  }

  static Stream<Arguments> modelled() {
    return Stream.of(
        Arguments.of(NameLimit.BACKUP_VAULT, "backup/2018-11-15", "BackupVaultName"),
        Arguments.of(NameLimit.BACKUP_RULE, "backup/2018-11-15", "BackupRuleName"),
        Arguments.of(NameLimit.IAM_ROLE, "iam/2010-05-08", "roleNameType"),
        Arguments.of(NameLimit.EVENT_BUS, "events/2015-10-07", "EventBusName"),
        Arguments.of(NameLimit.EVENT_RULE, "events/2015-10-07", "RuleName"),
        Arguments.of(NameLimit.STATE_MACHINE, "stepfunctions/2016-11-23", "Name"),
        Arguments.of(NameLimit.KMS_ALIAS, "kms/2014-11-01", "AliasNameType"),
        Arguments.of(NameLimit.LOG_GROUP, "logs/2014-03-28", "LogGroupName"),
        Arguments.of(NameLimit.ORGANIZATIONS_POLICY, "organizations/2016-11-28", "PolicyName"));
  }

  /** The shapes of the names in {@link #UNMODELLED}, which must stay unconstrained. */
  static Stream<Arguments> unmodelled() {
    return Stream.of(
        Arguments.of(NameLimit.BACKUP_PLAN, "backup/2018-11-15", "BackupPlanName"),
        Arguments.of(NameLimit.RESOURCE_SHARE, "ram/2018-01-04", "String"),
        Arguments.of(NameLimit.STACK_SET, "cloudformation/2010-05-15", "StackSetName"),
        Arguments.of(NameLimit.SNS_TOPIC, "sns/2010-03-31", "topicName"));
  }

  @Test
  void everyNameLimit_isCheckedHere_orNamedAsUnmodelled() {
    Set<NameLimit> covered = EnumSet.noneOf(NameLimit.class);
    modelled().forEach(a -> covered.add((NameLimit) a.get()[0]));
    Set<NameLimit> unmodelled = EnumSet.noneOf(NameLimit.class);
    unmodelled().forEach(a -> unmodelled.add((NameLimit) a.get()[0]));
    assertEquals(UNMODELLED, unmodelled);
    covered.addAll(unmodelled);
    assertEquals(EnumSet.allOf(NameLimit.class), covered);
  }

  /** A rule is let off the check only while its model really says nothing. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("unmodelled")
  void unmodelledName_hasNoBoundsInItsModel(NameLimit limit, String api, String shapeName)
      throws IOException {
    Map<?, ?> shape = shape(api, shapeName);
    for (String bound : List.of("min", "max", "pattern")) {
      assertEquals(null, shape.get(bound), limit + ": " + api + " " + shapeName + " now has a "
          + bound + "; check the rule against it in modelled()");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modelled")
  void rule_isNoLooserThanTheApiModel(NameLimit limit, String api, String shapeName)
      throws IOException {
    Map<?, ?> shape = shape(api, shapeName);
    Pattern modelPattern = shape.get("pattern") == null ? null
        : Pattern.compile(shape.get("pattern").toString());
    int[] bounds = bounds(shape, modelPattern);
    assertTrue(modelPattern != null || bounds[1] < NO_MAX,
        limit + ": " + api + " " + shapeName + " constrains nothing; list it as unmodelled");
    List<String> letIn = new ArrayList<>();
    for (char c : probes()) {
      String name = name(limit, c, 8);
      if (limit.problem(name).isEmpty()) {
        letIn.add(name);
        assertTrue(modelPattern == null || modelPattern.matcher(name).matches(),
            limit + " lets in \"" + name + "\", which " + api + " " + shapeName + " ("
                + modelPattern + ") refuses");
      }
    }
    // The probe must exercise the rule: a rule that lets nothing in would pass vacuously.
    assertTrue(letIn.size() >= 10, limit + " let in only " + letIn);
    // Lengths: a name the model refuses for its length, ours refuses too.
    String sample = letIn.get(0);
    char ok = sample.charAt(sample.length() - 1);
    int prefix = prefix(limit).length();
    if (bounds[0] > 1) {
      String tooShort = name(limit, ok, bounds[0] - 1 - prefix);
      assertTrue(limit.problem(tooShort).isPresent(), limit + " lets in \"" + tooShort
          + "\", shorter than the model's minimum " + bounds[0]);
    }
    String tooLong = name(limit, ok, bounds[1] + 1 - prefix);
    assertTrue(limit.problem(tooLong).isPresent(), limit + " lets in " + tooLong.length()
        + " characters, more than the model's maximum " + bounds[1]);
  }

  /** Every printable ASCII character, a tab, and two outside ASCII. */
  private static List<Character> probes() {
    List<Character> chars = new ArrayList<>(List.of('\t', '\u00e9', '\u4e2d'));
    for (char c = 0x20; c < 0x7f; c++) {
      chars.add(c);
    }
    return chars;
  }

  /** A name of {@code limit}'s kind: its required prefix, then {@code c} {@code n} times. */
  private static String name(NameLimit limit, char c, int n) {
    return prefix(limit) + String.valueOf(c).repeat(Math.max(0, n));
  }

  private static String prefix(NameLimit limit) {
    return limit == NameLimit.KMS_ALIAS ? "alias/" : "";
  }

  /** The model's length bounds: its min and max, else a {@code {m,n}} quantifier in its pattern. */
  private static int[] bounds(Map<?, ?> shape, Pattern modelPattern) {
    int min = shape.get("min") instanceof Number n ? n.intValue() : 0;
    int max = shape.get("max") instanceof Number n ? n.intValue() : NO_MAX;
    if (modelPattern != null) {
      Matcher q = Pattern.compile("\\{(\\d+),(\\d+)}\\$?$").matcher(modelPattern.pattern());
      if (q.find()) {
        min = Math.max(min, Integer.parseInt(q.group(1)));
        max = Math.min(max, Integer.parseInt(q.group(2)));
      }
    }
    return new int[] {min, max};
  }

  private static Map<?, ?> shape(String api, String shapeName) throws IOException {
    Path file = botocoreData.resolve(api).resolve("service-2.json.gz");
    if (!Files.exists(file)) {
      file = botocoreData.resolve(api).resolve("service-2.json");
    }
    String text;
    try (InputStream in = Files.newInputStream(file);
        InputStream json = file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in) {
      text = new String(json.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<?, ?> shapes = (Map<?, ?>) Json.parseObject(text).get("shapes");
    Object shape = shapes.get(shapeName);
    assertTrue(shape instanceof Map, api + " has no shape " + shapeName + "; it has "
        + Arrays.toString(shapes.keySet().stream().filter(k -> k.toString().contains("Name"))
            .limit(20).toArray()));
    return (Map<?, ?>) shape;
  }
}
