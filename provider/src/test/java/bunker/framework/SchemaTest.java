package bunker.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyTypeJson;
import bunker.cty.CtyValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaTest {
  @Test
  void impliedType_coversNestedAttributesAndBlocks() {
    Schema s = Schema.of(Block.builder()
        .attribute(Attribute.string("name").required())
        .attribute(Attribute.nested("plans", Nesting.MAP, List.of(
            Attribute.nested("rules", Nesting.LIST, List.of(
                Attribute.string("name").required().build())).required().build()))
            .optional())
        .block(new NestedBlock("endpoint", Block.builder()
            .attribute(Attribute.string("url").optional()).build(), Nesting.LIST, 0, 3))
        .build());
    assertEquals("[\"object\",{\"endpoint\":[\"list\",[\"object\",{\"url\":\"string\"}]],"
        + "\"name\":\"string\",\"plans\":[\"map\",[\"object\",{\"rules\":[\"list\",[\"object\","
        + "{\"name\":\"string\"}]]}]]}]", CtyTypeJson.toJson(s.impliedType()));
  }

  @Test
  void newObject_fillsEmptyListBlocks() {
    Schema s = Schema.of(Block.builder()
        .attribute(Attribute.string("name").required())
        .block(new NestedBlock("rule", Block.builder()
            .attribute(Attribute.string("x").optional()).build(), Nesting.LIST, 0, 0))
        .build());
    CtyValue v = s.newObject(Map.of("name", CtyValue.string("n")));
    assertEquals(List.of(), v.attr("rule").elements());
  }

  @Test
  void attribute_terraformRules_failFast() {
    assertThrows(IllegalArgumentException.class, () -> Attribute.string("x").build());
    assertThrows(IllegalArgumentException.class,
        () -> Attribute.string("x").required().computed().build());
    assertThrows(IllegalArgumentException.class, () -> Attribute.string("Bad").optional().build());
    assertThrows(IllegalArgumentException.class, () -> Block.builder()
        .attribute(Attribute.string("x").optional()).attribute(Attribute.bool("x").optional())
        .build());
    assertThrows(IllegalArgumentException.class,
        () -> Attribute.number("n").defaultValue(CtyValue.string("s")).build());
    assertThrows(IllegalArgumentException.class, () -> new NestedBlock("b",
        Block.builder().build(), Nesting.SINGLE, 0, 2));
  }

  @Test
  void validateResourceConfig_reportsNestedPathsAndSkipsUnknown() {
    FrameworkServer server = new FrameworkServer(new TestProvider());
    CtyType.ObjectType t = TestResource.SCHEMA.impliedType();
    CtyType.ObjectType rule = (CtyType.ObjectType) ((CtyType.ListType) t.attribute("rules"))
        .element();
    CtyValue config = TestResource.SCHEMA.newObject(Map.of(
        "name", CtyValue.unknown(CtyType.STRING),
        "size", CtyValue.number(500),
        "rules", CtyValue.list(rule, List.of(
            CtyValue.object(rule, Map.of("schedule", CtyValue.string("cron(0 5 ? * * *)"))),
            CtyValue.object(rule, Map.of("schedule", CtyValue.string("cron(0 5 * * *)")))))));
    List<Diagnostic> d = server.validateResourceConfig("test_thing", config);
    assertEquals(List.of(AttributePath.of("size"),
        AttributePath.of("rules").index(1).attr("schedule")),
        d.stream().map(Diagnostic::path).toList());
    assertTrue(d.get(1).detail().contains("6 fields"), d.get(1).detail());
  }

  @Test
  void validateProviderConfig_checksNestedBlockAttributes() {
    FrameworkServer server = new FrameworkServer(new TestProvider());
    CtyType.ObjectType role = TestProvider.SCHEMA.block().block("assume_role").orElseThrow()
        .block().impliedType();
    CtyValue config = TestProvider.SCHEMA.newObject(Map.of("region", CtyValue.string("eu-west-1"),
        "assume_role", CtyValue.object(role, Map.of("role_arn", CtyValue.string("nope")))));
    List<Diagnostic> d = server.validateProviderConfig(config);
    assertEquals(List.of(AttributePath.of("assume_role", "role_arn")),
        d.stream().map(Diagnostic::path).toList());
  }
}
