package bunker.acc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The framework and protocol layers through the real Terraform, with a test-only resource
 * served in this JVM over TF_REATTACH_PROVIDERS.
 */
class FrameworkAccTest {
  private static final String A = "backup_acc_thing.a";

  private static String thing(String name, String extra) {
    return "provider \"backup\" {\n  region = \"eu-west-1\"\n}\n\n"
        + "resource \"backup_acc_thing\" \"a\" {\n  name = \"" + name + "\"\n" + extra + "}\n";
  }

  private static void noThingLeft(TfState before) {
    String id = before.string(A, "id");
    assertFalse(FakeCloud.INSTANCE.find(id).isPresent(), id + " still exists after destroy");
  }

  @Test
  void basic() {
    AtomicReference<String> firstId = new AtomicReference<>();
    Acceptance.steps().provider(AccTestProvider::new)
        .checkDestroy(FrameworkAccTest::noThingLeft)
        .config(thing("alpha", "  size = 1\n  tags = { env = \"dev\" }\n"))
        .check(state -> {
          String id = state.string(A, "id");
          assertTrue(id.startsWith("thing-"), id);
          assertEquals("arn:bunker:acc::thing/" + id, state.string(A, "arn"));
          assertEquals(1, state.number(A, "size"));
          assertEquals(1, state.number(A, "revision"));
          assertEquals(Map.of("env", "dev"), state.attr(A, "tags"));
          assertTrue(FakeCloud.INSTANCE.find(id).isPresent());
          firstId.set(id);
        })
        // In place: same id, revision moves on, computed id/arn stay known in the plan.
        .config(thing("alpha", "  size = 2\n"))
        .check(state -> {
          assertEquals(firstId.get(), state.string(A, "id"));
          assertEquals(2, state.number(A, "size"));
          assertEquals(2, state.number(A, "revision"));
          assertNull(state.attr(A, "tags"));
        })
        .importStep(A)
        // name forces replacement: a new object, the old one gone.
        .config(thing("beta", "  size = 2\n"))
        .check(state -> {
          String id = state.string(A, "id");
          assertNotEquals(firstId.get(), id);
          assertEquals(1, state.number(A, "revision"));
          assertFalse(FakeCloud.INSTANCE.find(firstId.get()).isPresent(), "old object kept");
        })
        .importStep(A)
        .run();
  }

  @Test
  void invalidInput_reportsAttributePath() {
    Acceptance.steps().provider(AccTestProvider::new)
        .config(thing("alpha", "  size = 500\n"))
        // Terraform quotes the offending line only when the diagnostic carries its path.
        .expectError("with backup_acc_thing\\.a,.*main\\.tf line \\d+.*size = 500")
        .config(thing("Not_Valid", ""))
        .expectError("with backup_acc_thing\\.a,.*name = \"Not_Valid\".*lower-case letters")
        .run();
  }

  @Test
  void disappears() {
    Acceptance.steps().provider(AccTestProvider::new)
        .config(thing("gone", ""))
        .check(state -> assertTrue(FakeCloud.INSTANCE.delete(state.string(A, "id"))))
        .expectNonEmptyPlan()
        .run();
  }

  @Test
  void import_errors_areReported() {
    Acceptance.steps().provider(AccTestProvider::new)
        .checkDestroy(FrameworkAccTest::noThingLeft)
        .config(thing("alpha", ""))
        .importStep(A).importId("not-a-thing")
        .expectError("Invalid Import ID.*expected thing-<hex>")
        .importStep(A).importId("thing-00000000")
        .expectError("Cannot import non-existent remote object")
        .run();
  }
}
