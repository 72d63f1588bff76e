package bunker.topology;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks AWS schedule expressions as AWS Backup takes them: {@code cron(m h dom mon dow year)}
 * with six fields (exactly one of day-of-month and day-of-week is {@code ?}), or
 * {@code rate(n unit)}. AWS Backup runs a rule at most once an hour, so the minutes field must be a
 * single value and a rate must be at least an hour.
 */
public final class ScheduleExpression {

  private static final Pattern CRON = Pattern.compile("cron\\((.*)\\)");
  private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minutes?|hours?|days?)\\)");
  private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN",
      "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI",
      "SAT");

  private ScheduleExpression() {}

  /** Why {@code expression} is not a valid AWS Backup schedule, or empty when it is. */
  public static Optional<String> problem(String expression) {
    Matcher cron = CRON.matcher(expression);
    if (cron.matches()) {
      return cronProblem(cron.group(1).trim());
    }
    Matcher rate = RATE.matcher(expression);
    if (rate.matches()) {
      return rateProblem(Long.parseLong(rate.group(1)), rate.group(2));
    }
    return Optional.of("\"" + expression + "\" is neither cron(…) nor rate(…)");
  }

  private static Optional<String> rateProblem(long value, String unit) {
    if (value < 1) {
      return Optional.of("a rate must be a positive number");
    }
    boolean singular = !unit.endsWith("s");
    if (singular != (value == 1)) {
      return Optional.of("write rate(1 " + (unit.endsWith("s") ? unit.substring(0,
          unit.length() - 1) : unit) + ") for one, plural units for more");
    }
    if (unit.startsWith("minute") && value < 60) {
      return Optional.of("AWS Backup runs a rule at most once an hour; rate(" + value + " "
          + unit + ") is more often");
    }
    return Optional.empty();
  }

  private static Optional<String> cronProblem(String body) {
    String[] f = body.split("\\s+");
    if (f.length != 6) {
      return Optional.of("cron needs 6 fields (minutes hours day-of-month month day-of-week "
          + "year), found " + (body.isEmpty() ? 0 : f.length));
    }
    if (!f[0].matches("\\d{1,2}") || Integer.parseInt(f[0]) > 59) {
      return Optional.of("minutes must be one number 0-59: AWS Backup runs a rule at most once "
          + "an hour (found \"" + f[0] + "\")");
    }
    String[] labels = {"minutes", "hours", "day-of-month", "month", "day-of-week", "year"};
    boolean[] ok = {
        true,
        field(f[1], 0, 23, List.of(), false),
        f[2].equals("?") || field(f[2], 1, 31, List.of(), true),
        field(f[3], 1, 12, MONTHS, false),
        f[4].equals("?") || field(f[4], 1, 7, DAYS, true),
        field(f[5], 1970, 2199, List.of(), false)};
    for (int i = 1; i < 6; i++) {
      if (!ok[i]) {
        return Optional.of("invalid " + labels[i] + " field \"" + f[i] + "\"");
      }
    }
    if (f[2].equals("?") == f[4].equals("?")) {
      return Optional.of("exactly one of day-of-month and day-of-week must be \"?\"");
    }
    return Optional.empty();
  }

  /** A comma list of {@code *}, {@code a}, {@code a-b}, each optionally {@code /step}. */
  private static boolean field(String field, int min, int max, List<String> names,
      boolean dayField) {
    for (String item : field.split(",", -1)) {
      if (!item(item.toUpperCase(Locale.ROOT), min, max, names, dayField)) {
        return false;
      }
    }
    return true;
  }

  private static boolean item(String item, int min, int max, List<String> names,
      boolean dayField) {
    if (dayField && special(item, max)) {
      return true;
    }
    String range = item;
    int slash = item.indexOf('/');
    if (slash >= 0) {
      range = item.substring(0, slash);
      String step = item.substring(slash + 1);
      if (!step.matches("\\d{1,4}") || Integer.parseInt(step) < 1) {
        return false;
      }
    }
    if (range.equals("*")) {
      return true;
    }
    String[] ends = range.split("-", -1);
    if (ends.length > 2) {
      return false;
    }
    int lo = value(ends[0], min, max, names);
    int hi = ends.length == 2 ? value(ends[1], min, max, names) : lo;
    return lo >= 0 && hi >= 0;
  }

  /** {@code L}, {@code LW}, {@code 15W} (day of month); {@code 6L}, {@code 2#3} (day of week). */
  private static boolean special(String item, int max) {
    if (max == 31) {
      return item.equals("L") || item.equals("LW")
          || item.matches("([1-9]|[12]\\d|3[01])W");
    }
    return item.equals("L") || item.matches("[1-7]L") || item.matches("[1-7]#[1-5]");
  }

  private static int value(String token, int min, int max, List<String> names) {
    int named = names.indexOf(token);
    if (named >= 0) {
      return named + min;
    }
    if (!token.matches("\\d{1,4}")) {
      return -1;
    }
    int v = Integer.parseInt(token);
    return v >= min && v <= max ? v : -1;
  }
}
