package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bunker.arrows.SourceReferences;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The topology package refers to the JDK, the JDK-only JSON codec and itself only (DESIGN.md
 * §2: topology → JDK; {@code bunker.json} is the one JSON package, itself JDK only), by import
 * or by a fully qualified name in code.
 */
class ImportArrowsTest {

  @Test
  void topologySources_referOnlyToJdkJsonAndTopology() {
    List<String> offending = SourceReferences.under("topology").stream()
        .filter(r -> !r.name().startsWith("java.") && !r.name().startsWith("bunker.json.")
            && !r.name().startsWith("bunker.topology."))
        .map(SourceReferences.Reference::toString)
        .toList();
    assertEquals(List.of(), offending);
  }
}
