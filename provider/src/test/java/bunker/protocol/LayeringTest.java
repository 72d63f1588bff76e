package bunker.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Keeps the one-way arrows protocol -> framework -> cty -> json honest by reading imports. */
class LayeringTest {
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)",
      Pattern.MULTILINE);

  @ParameterizedTest
  @CsvSource({
      "json, java.|bunker.json.",
      "cty, java.|org.msgpack.|bunker.json.|bunker.cty.",
      "framework, java.|bunker.json.|bunker.cty.|bunker.framework.",
      "protocol, java.|com.google.protobuf.|io.grpc.|bunker.proto.tfplugin6.|bunker.cty."
          + "|bunker.framework.|bunker.protocol."
  })
  void imports_stayWithinAllowedPackages(String pkg, String allowed) throws IOException {
    List<String> prefixes = List.of(allowed.split("\\|"));
    List<String> bad = new ArrayList<>();
    int seen = 0;
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/bunker", pkg))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = IMPORT.matcher(Files.readString(f));
        while (m.find()) {
          String imp = m.group(1);
          seen++;
          if (prefixes.stream().noneMatch(imp::startsWith)) {
            bad.add(f.getFileName() + ": " + imp);
          }
        }
      }
    }
    assertTrue(seen > 10, "found only " + seen + " imports under " + pkg);
    assertEquals(List.of(), bad);
  }
}
