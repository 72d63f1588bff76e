package bunker.arrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a Java source file refers to by qualified name, for the arrow tests: its imports and
 * every fully qualified name written in its code ({@code software.amazon.awssdk.x.Y.builder()}
 * needs no import). Comments and string literals are left out, so prose naming a package is
 * not a reference.
 */
public final class SourceReferences {
  /** The main sources, from the provider module's directory (where Maven runs tests). */
  public static final Path MAIN = Path.of("src/main/java/bunker");

  /** Roots of the names counted: a dotted lowercase path from one of these to a type. */
  private static final Pattern QUALIFIED = Pattern.compile(
      "(?<![\\w.])((?:java|javax|jdk|sun|com|org|io|net|software|bunker)"
          + "(?:\\.[a-z_][\\w]*)*\\.[A-Z]\\w*)");
  private static final Pattern IMPORT = Pattern.compile(
      "^\\s*import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

  private SourceReferences() {}

  /**
   * One reference: the file (relative to {@link #MAIN}), its line, the qualified name, and
   * whether it is an import line (else a name written out in the code).
   */
  public record Reference(String file, int line, String name, boolean imported) {
    @Override
    public String toString() {
      return file + ":" + line + ": " + (imported ? "import " : "") + name;
    }
  }

  /** Every reference in the Java files under {@code dir} (relative to {@link #MAIN}). */
  public static List<Reference> under(String dir) {
    List<Reference> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN.resolve(dir))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        out.addAll(in(MAIN.relativize(f).toString(), Files.readString(f)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Every reference in one file's text: imports (with their member) and qualified names. */
  public static List<Reference> in(String file, String source) {
    String code = code(source);
    List<Reference> out = new ArrayList<>();
    Matcher imports = IMPORT.matcher(code);
    List<int[]> importSpans = new ArrayList<>();
    while (imports.find()) {
      out.add(new Reference(file, line(code, imports.start(1)), imports.group(1), true));
      importSpans.add(new int[] {imports.start(), code.indexOf(';', imports.end())});
    }
    Matcher m = QUALIFIED.matcher(code);
    while (m.find()) {
      int at = m.start(1);
      if (importSpans.stream().noneMatch(s -> at >= s[0] && at <= s[1])
          && !code.startsWith("package", lineStart(code, at))) {
        out.add(new Reference(file, line(code, at), m.group(1), false));
      }
    }
    return out;
  }

  /**
   * {@code source} with comments, string and character literals blanked out (newlines kept,
   * so line numbers still match).
   */
  static String code(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      if (source.startsWith("//", i)) {
        while (i < n && source.charAt(i) != '\n') {
          out.append(' ');
          i++;
        }
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        blank(source, i, end, out);
        i = end;
      } else if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        end = end < 0 ? n : end + 3;
        blank(source, i, end, out);
        i = end;
      } else if (c == '"' || c == '\'') {
        int end = i + 1;
        while (end < n && source.charAt(end) != c && source.charAt(end) != '\n') {
          end += source.charAt(end) == '\\' ? 2 : 1;
        }
        end = Math.min(n, end + 1);
        blank(source, i, end, out);
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static void blank(String source, int from, int to, StringBuilder out) {
    for (int j = from; j < to; j++) {
      out.append(source.charAt(j) == '\n' ? '\n' : ' ');
    }
  }

  private static int line(String code, int at) {
    int line = 1;
    for (int j = 0; j < at; j++) {
      if (code.charAt(j) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static int lineStart(String code, int at) {
    int start = code.lastIndexOf('\n', at - 1) + 1;
    while (start < at && Character.isWhitespace(code.charAt(start))) {
      start++;
    }
    return start;
  }
}
