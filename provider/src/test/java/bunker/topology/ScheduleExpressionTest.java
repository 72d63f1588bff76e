package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScheduleExpressionTest {

  @ParameterizedTest
  @ValueSource(strings = {"cron(0 5 ? * * *)", "cron(0 5 1 * ? *)", "cron(30 */4 ? * MON-FRI *)",
      "cron(0 0 L * ? *)", "cron(0 0 15W * ? *)", "cron(0 0 ? * 6L *)", "cron(0 0 ? * 2#3 *)",
      "cron(0 1,13 ? JAN,JUL SUN 2026-2030)", "cron(5 0/6 ? * * *)", "rate(1 hour)",
      "rate(12 hours)", "rate(1 day)", "rate(90 minutes)", "cron(0 12 * * ? *)",
      "cron(0 8 1 JAN,JUL ? *)", "cron(0 8 ? * 2#1 *)"})
  void problem_validExpressions_none(String expression) {
    assertEquals(Optional.empty(), ScheduleExpression.problem(expression));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0 5 * * ? *", "cron(0 5 * * ?)", "cron(0 5 * * * *)",
      "cron(0 5 ? * ? *)", "cron(*/15 5 ? * * *)", "cron(0,30 5 ? * * *)", "cron(60 5 ? * * *)",
      "cron(0 24 ? * * *)", "cron(0 5 32 * ? *)", "cron(0 5 ? 13 * *)", "cron(0 5 ? * 8 *)",
      "cron(0 5 ? FOO * *)", "cron(0 5 ? * * 1969)", "cron(0 5 ? * * * *)", "cron(0 5-2-3 ? * * *)",
      "cron(0 5/0 ? * * *)", "rate(30 minutes)", "rate(1 hours)", "rate(2 hour)", "rate(0 days)",
      "rate(1 week)", "cron()", "rate(3 weeks)", "daily", "rate(5 minutes)",
      "cron(0/15 * ? * 6L 2026-2030)"})
  void problem_invalidExpressions_explained(String expression) {
    Optional<String> problem = ScheduleExpression.problem(expression);
    assertTrue(problem.isPresent(), expression);
  }
}
