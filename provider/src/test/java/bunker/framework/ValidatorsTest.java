package bunker.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ValidatorsTest {
  private static final AttributePath P = AttributePath.of("x");

  private static List<Diagnostic> run(Validator v, CtyValue value) {
    Diagnostics d = new Diagnostics();
    v.validate(P, value, d);
    return d.all();
  }

  static Stream<Arguments> cases() {
    CtyValue str3 = CtyValue.string("abc");
    return Stream.of(
        Arguments.of(Validators.stringLength(1, 3), str3, true),
        Arguments.of(Validators.stringLength(4, 9), str3, false),
        Arguments.of(Validators.stringLength(1, 1), CtyValue.string("\uD83D\uDE00"), true),
        Arguments.of(Validators.matches("[a-z]+", "lowercase"), str3, true),
        Arguments.of(Validators.matches("[a-z]+", "lowercase"), CtyValue.string("aB"), false),
        Arguments.of(Validators.oneOf("stackset", "assume_role"), CtyValue.string("stackset"),
            true),
        Arguments.of(Validators.oneOf("stackset", "assume_role"), CtyValue.string("x"), false),
        Arguments.of(Validators.intBetween(1, 36500), CtyValue.number(7), true),
        Arguments.of(Validators.intBetween(1, 36500), CtyValue.number(0), false),
        Arguments.of(Validators.intBetween(1, 36500), CtyValue.number("7.5"), false),
        Arguments.of(Validators.numberBetween(java.math.BigDecimal.ZERO,
            java.math.BigDecimal.ONE), CtyValue.number("0.5"), true),
        Arguments.of(Validators.sizeBetween(1, 2), CtyValue.stringSet(List.of("a")), true),
        Arguments.of(Validators.sizeBetween(1, 2), CtyValue.stringSet(List.of()), false),
        Arguments.of(Validators.sizeBetween(0, 1), CtyValue.stringMap(Map.of("a", "1", "b", "2")),
            false),
        Arguments.of(Validators.organizationalUnitId(), CtyValue.string("ou-ab12-cdefgh12"), true),
        Arguments.of(Validators.organizationalUnitId(), CtyValue.string("ou-AB12-cdefgh12"), false),
        Arguments.of(Validators.organizationalUnitId(), CtyValue.string("r-ab12"), false),
        Arguments.of(Validators.accountId(), CtyValue.string("123456789012"), true),
        Arguments.of(Validators.accountId(), CtyValue.string("12345678901"), false),
        Arguments.of(Validators.arn(),
            CtyValue.string("arn:aws:backup:eu-west-1:123456789012:backup-vault:v"), true),
        Arguments.of(Validators.arn(), CtyValue.string("arn:aws:iam::aws:policy/X"), true),
        Arguments.of(Validators.arn(), CtyValue.string("arn:aws-us-gov:s3:::bucket"), true),
        Arguments.of(Validators.arn(), CtyValue.string("vault-1"), false),
        Arguments.of(Validators.jsonDocument(), CtyValue.string("{\"Version\":\"2012-10-17\"}"),
            true),
        Arguments.of(Validators.jsonDocument(), CtyValue.string("{\"Version\":}"), false),
        Arguments.of(Validators.jsonDocument(), CtyValue.string("{\"a\":1,\"a\":1}"), false),
        Arguments.of(Validators.goDuration(), CtyValue.string("1h30m"), true),
        Arguments.of(Validators.goDuration(), CtyValue.string("90 minutes"), false));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void validate_table(Validator v, CtyValue value, boolean ok) {
    List<Diagnostic> d = run(v, value);
    assertEquals(ok, d.isEmpty(), d.toString());
    d.forEach(x -> assertEquals(P, x.path()));
    d.forEach(x -> assertTrue(x.isError()));
  }

  @Test
  void eachElement_listReportsIndexPath() {
    List<Diagnostic> d = run(Validators.eachElement(Validators.accountId()),
        CtyValue.list(CtyType.STRING, List.of(CtyValue.string("123456789012"),
            CtyValue.string("bad"), CtyValue.unknown(CtyType.STRING))));
    assertEquals(1, d.size());
    assertEquals(P.index(1), d.get(0).path());
  }

  @Test
  void eachElement_mapReportsKeyPath() {
    List<Diagnostic> d = run(Validators.eachElement(Validators.stringLength(1, 2)),
        CtyValue.stringMap(Map.of("ok", "a", "long", "abc")));
    assertEquals(List.of(P.key("long")), d.stream().map(Diagnostic::path).toList());
  }
}
