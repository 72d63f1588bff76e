package bunker.cty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Decodes what terraform 1.11.4 really sent (see the fixture's header) and writes it back. */
class TerraformRecordedVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Map<String, String[]> ROWS = new LinkedHashMap<>();

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = TerraformRecordedVectorsTest.class.getResourceAsStream(
        "/cty/terraform-1.11.4-test_thing.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          String[] c = line.split("\t");
          ROWS.put(c[0], c);
        }
      }
    }
  }

  private static CtyType type(String name) {
    return CtyTypeJson.parse(ROWS.get(name)[2]);
  }

  private static CtyValue decode(String name) {
    String[] row = ROWS.get(name);
    byte[] bytes = HEX.parseHex(row[4]);
    return row[3].equals("json")
        ? CtyJson.decode(new String(bytes, StandardCharsets.UTF_8), type(name))
        : CtyMsgpack.decode(bytes, type(name));
  }

  static Stream<String> exactRoundTrip() {
    // Everything except values carrying refinements, which we read as plain unknowns.
    return Stream.of("validate_config_known", "plan_prior_state_create",
        "apply_planned_state_create", "read_current_state", "provider_config");
  }

  @ParameterizedTest
  @MethodSource("exactRoundTrip")
  void encode_decodedTerraformValue_givesTerraformsBytes(String name) {
    CtyValue v = decode(name);
    assertEquals(ROWS.get(name)[4], HEX.formatHex(CtyMsgpack.encode(v, type(name))));
  }

  @Test
  void decode_knownConfig_readsNestedAttributesListsAndBlocks() {
    CtyValue v = decode("validate_config_known");
    assertEquals(CtyValue.number(7), v.at(AttributePath.of("lock", "min_days")));
    assertEquals(CtyValue.string("cron(0 5 ? * * *)"),
        v.at(AttributePath.of("rules").index(0).attr("schedule")));
    assertEquals(CtyValue.string("30m"), v.at(AttributePath.of("timeouts", "create")));
    assertTrue(v.attr("id").isNull());
  }

  @Test
  void decode_plannedState_hasTerraformsPlainUnknowns() {
    assertEquals(List.of("arn", "id", "lock.changed_at"),
        unknownPaths(decode("apply_planned_state_create")));
  }

  @Test
  void decode_refinedUnknowns_atValidateAndPlan() {
    assertEquals(List.of("name", "size"), unknownPaths(decode("validate_config_refined")));
    assertEquals(List.of("name", "size"), unknownPaths(decode("plan_config_refined_bounds")));
  }

  @Test
  void decode_nullPriorState_isNullObject() {
    CtyValue v = decode("plan_prior_state_create");
    assertTrue(v.isNull());
    assertEquals(type("plan_prior_state_create"), v.type());
  }

  @Test
  void decode_rawStateJson_prettyAndCompactMatchTheMsgpackState() {
    CtyValue state = decode("read_current_state");
    assertEquals(state, decode("upgrade_raw_state_pretty"));
    assertEquals(state, decode("upgrade_raw_state_compact"));
    assertFalse(state.attr("timeouts").isNull());
  }

  private static List<String> unknownPaths(CtyValue v) {
    List<String> out = new ArrayList<>();
    v.walk((p, x) -> {
      if (x.isUnknown()) {
        out.add(p.toString());
      }
    });
    return out;
  }
}
