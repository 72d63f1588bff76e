package bunker.framework;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AWS schedule expressions as AWS Backup and EventBridge accept them:
 * {@code cron(Minutes Hours Day-of-month Month Day-of-week Year)} and
 * {@code rate(N minute|minutes|hour|hours|day|days)}.
 */
final class ScheduleExpression {
  private static final Pattern CRON = Pattern.compile("cron\\((.*)\\)");
  private static final Pattern RATE = Pattern.compile("rate\\(([0-9]+) ([a-z]+)\\)");
  private static final List<String> MONTHS = List.of(
      "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  private ScheduleExpression() {}

  /** Null when valid, else what is wrong. */
  static String problem(String expr) {
    Matcher rate = RATE.matcher(expr);
    if (rate.matches()) {
      return rateProblem(rate.group(1), rate.group(2));
    }
    Matcher cron = CRON.matcher(expr);
    if (!cron.matches()) {
      return "must be cron(...) with 6 fields or rate(N unit)";
    }
    String[] f = cron.group(1).trim().split("\\s+");
    if (f.length != 6) {
      return "cron needs 6 fields (minutes hours day-of-month month day-of-week year), got "
          + f.length;
    }
    if (f[2].equals("?") == f[4].equals("?")) {
      return "exactly one of day-of-month and day-of-week must be '?'";
    }
    String[][] fields = {
      {"minutes", f[0], "0", "59", ""}, {"hours", f[1], "0", "23", ""},
      {"day-of-month", f[2], "1", "31", "?LW"}, {"month", f[3], "1", "12", "M"},
      {"day-of-week", f[4], "1", "7", "?L#D"}, {"year", f[5], "1970", "2199", ""}};
    for (String[] fd : fields) {
      for (String item : fd[1].split(",", -1)) {
        if (!itemValid(item, Integer.parseInt(fd[2]), Integer.parseInt(fd[3]), fd[4])) {
          return "cron " + fd[0] + " field \"" + fd[1] + "\" is not valid";
        }
      }
    }
    return null;
  }

  private static String rateProblem(String number, String unit) {
    long n;
    try {
      n = Long.parseLong(number);
    } catch (NumberFormatException e) {
      return "rate value is too large";
    }
    if (n <= 0) {
      return "rate value must be a positive whole number";
    }
    String base = unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
    if (!List.of("minute", "hour", "day").contains(base)) {
      return "rate unit must be minute(s), hour(s) or day(s)";
    }
    if ((n == 1) != base.equals(unit)) {
      return n == 1 ? "use the singular unit for 1 (rate(1 " + base + "))"
          : "use the plural unit for values above 1 (rate(" + n + " " + base + "s))";
    }
    return null;
  }

  // extras: '?', 'L', 'W' for day-of-month; '?', 'L', '#', 'D' (day names) for day-of-week;
  // 'M' month names.
  private static boolean itemValid(String item, int min, int max, String extras) {
    if (item.equals("?")) {
      return extras.contains("?");
    }
    if (item.equals("*")) {
      return true;
    }
    if (extras.contains("L") && (item.equals("L") || item.equals("LW") && extras.contains("W"))) {
      return true;
    }
    if (extras.contains("W") && item.endsWith("W")) {
      return value(item.substring(0, item.length() - 1), min, max, extras) != null;
    }
    if (extras.contains("#") && item.contains("#")) {
      String[] p = item.split("#", -1);
      Integer week = value(p[1], 1, 5, "");
      return p.length == 2 && value(p[0], min, max, extras) != null && week != null;
    }
    if (extras.contains("L") && extras.contains("D") && item.endsWith("L")) {
      return value(item.substring(0, item.length() - 1), min, max, extras) != null;
    }
    String[] step = item.split("/", -1);
    if (step.length > 2 || (step.length == 2 && value(step[1], 1, max, "") == null)) {
      return false;
    }
    if (step[0].equals("*")) {
      return step.length == 2;
    }
    String[] range = step[0].split("-", -1);
    if (range.length > 2) {
      return false;
    }
    Integer lo = value(range[0], min, max, extras);
    Integer hi = range.length == 2 ? value(range[1], min, max, extras) : lo;
    return lo != null && hi != null;
  }

  private static Integer value(String s, int min, int max, String extras) {
    if (extras.contains("M") && MONTHS.contains(s)) {
      return MONTHS.indexOf(s) + 1;
    }
    if (extras.contains("D") && DAYS.contains(s)) {
      return DAYS.indexOf(s) + 1;
    }
    if (!s.matches("[0-9]{1,4}")) {
      return null;
    }
    int v = Integer.parseInt(s);
    return v >= min && v <= max ? v : null;
  }
}
