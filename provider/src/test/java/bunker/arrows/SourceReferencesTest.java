package bunker.arrows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SourceReferencesTest {
  @Test
  void importsAndNamesWrittenInCodeAreRead_commentsAndStringsAreNot() {
    String source = """
        package bunker.x;

        import java.util.List;
        import static org.junit.Assert.fail;

        /** Uses {@link software.amazon.awssdk.core.SdkBytes} in prose only. */
        class X {
          // software.amazon.awssdk.services.sns.SnsClient in a comment
          String s = "software.amazon.awssdk.services.ssm.SsmClient";
          Object t = software.amazon.awssdk.services.kms.model.Tag.builder();
          java.util.Map<String, String> m;
        }
        """;
    List<String> names = SourceReferences.in("X.java", source).stream()
        .map(SourceReferences.Reference::toString).toList();
    assertEquals(List.of("X.java:3: import java.util.List",
        "X.java:4: import org.junit.Assert.fail",
        "X.java:10: software.amazon.awssdk.services.kms.model.Tag",
        "X.java:11: java.util.Map"), names);
  }
}
