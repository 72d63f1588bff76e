package bunker.arrows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The AWS layer owns the SDK (DESIGN.md §2, {@code resource -> aws}): outside
 * {@code bunker.aws} no code calls an SDK client, names one, or writes an SDK name out in full.
 * Values the AWS layer hands back may be SDK model types ({@code ...services.<service>.model.*}),
 * imported by name.
 */
class AwsLayerArrowsTest {
  private static final String SDK = "software.amazon.awssdk.";
  private static final Pattern MODEL = Pattern.compile(
      "software\\.amazon\\.awssdk\\.services\\.\\w+\\.model\\.[A-Z]\\w*(\\.[A-Z]\\w*)*");
  /** A call on one of AwsClients' service clients: {@code central.lambda().invoke(...)}. */
  private static final Pattern CLIENT_CALL = Pattern.compile(
      "\\.(backup|backupForBulk|kms|iam|sts|organizations|eventBridge|sfn|ram|cloudFormation"
          + "|logs|sns|ssm|lambda)\\(\\)\\s*\\.\\s*\\w+\\(");
  /** Every package under bunker but aws (a new package is covered without listing it). */
  private static final List<String> OUTSIDE_AWS = outsideAws();

  @Test
  void outsideAws_onlyImportedSdkModelTypes() {
    List<String> bad = new ArrayList<>();
    int seen = 0;
    for (String pkg : OUTSIDE_AWS) {
      for (SourceReferences.Reference r : SourceReferences.under(pkg)) {
        seen++;
        if (r.name().startsWith(SDK) && !(r.imported() && MODEL.matcher(r.name()).matches())) {
          bad.add(r.toString());
        }
      }
    }
    assertTrue(seen > 500, "read only " + seen + " references");
    assertEquals(List.of(), bad);
  }

  @Test
  void outsideAws_noCallOnAnSdkClient() throws IOException {
    List<String> bad = new ArrayList<>();
    for (String pkg : OUTSIDE_AWS) {
      try (Stream<Path> files = Files.walk(SourceReferences.MAIN.resolve(pkg))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
          String code = SourceReferences.code(Files.readString(f));
          Matcher m = CLIENT_CALL.matcher(code);
          while (m.find()) {
            bad.add(SourceReferences.MAIN.relativize(f) + ": ." + m.group(1) + "()");
          }
        }
      }
    }
    assertEquals(List.of(), bad);
  }

  private static List<String> outsideAws() {
    try (Stream<Path> dirs = Files.list(SourceReferences.MAIN)) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
          .filter(name -> !name.equals("aws")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyPackageButAwsIsRead() {
    assertTrue(OUTSIDE_AWS.containsAll(List.of("cty", "framework", "plugin", "protocol",
        "provider", "resource", "topology")), "packages read: " + OUTSIDE_AWS);
  }

  @Test
  void theAwsLayerItselfIsRead() {
    assertTrue(SourceReferences.under("aws").stream()
        .anyMatch(r -> r.name().startsWith(SDK + "services.lambda.")),
        "bunker.aws names no Lambda SDK type: the rules above would read nothing");
  }
}
