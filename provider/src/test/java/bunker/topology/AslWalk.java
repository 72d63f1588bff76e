package bunker.topology;

import static bunker.json.Json.obj;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks a rendered state machine through the subset of the States Language Bunker's definitions
 * use, with every AWS call answered by the test: which calls are made, in which order, with
 * which parameters and as which role (Task {@code Credentials}), and where the run ends. Not an
 * interpreter for the product (moto's ASL engine runs the machines in the emulator): a check of
 * the data flow through Pass, Choice, Task (ResultSelector, ResultPath, Catch), Wait (no delay),
 * Succeed and Fail, so that the definitions can be proved before an engine runs them. Paths are
 * {@code $}, {@code $.a.b}, {@code $.a[0]} and {@code $$.Execution.Name}; the one intrinsic is
 * {@code States.Format('…{}…', path)}. A path that is absent fails the run with
 * {@code States.Runtime}, as in Step Functions.
 */
final class AslWalk {

  static final String EXECUTION_NAME = "run-1";
  private static final Pattern FORMAT = Pattern.compile("States\\.Format\\('(.*)',\\s*(\\S+)\\)");

  /** One AWS call: the action ({@code startCopyJob}), its parameters, the role (null: the
   * machine's own). */
  record Call(String action, Map<String, Object> parameters, String roleArn) {}

  /** How the walk ended: the last state, its type, the output, or the failure. */
  record End(String state, String type, Object output, String error, String cause,
      List<Call> calls) {
    List<Call> callsAs(String roleArn) {
      return calls.stream().filter(c -> java.util.Objects.equals(roleArn, c.roleArn())).toList();
    }
  }

  /** The test's AWS: answers a call or throws {@link Failure}. */
  interface Aws {
    Map<String, Object> call(Call call);
  }

  /** An AWS error as a Task sees it. */
  static final class Failure extends RuntimeException {
    final String error;

    Failure(String error, String cause) {
      super(cause);
      this.error = error;
    }
  }

  private AslWalk() {}

  @SuppressWarnings("unchecked")
  static End run(String definition, Map<String, Object> input, Aws aws) {
    Map<String, Object> machine = Json.parseObject(definition);
    Map<String, Object> states = (Map<String, Object>) machine.get("States");
    Object data = Json.parse(Json.write(input));
    String at = (String) machine.get("StartAt");
    List<Call> calls = new ArrayList<>();
    for (int step = 0; step < 500; step++) {
      Map<String, Object> state = (Map<String, Object>) states.get(at);
      if (state == null) {
        throw new AssertionError("no state " + at);
      }
      String type = (String) state.get("Type");
      String next = (String) state.get("Next");
      try {
        switch (type) {
          case "Choice" -> {
            next = (String) state.get("Default");
            for (Object rule : (List<Object>) state.get("Choices")) {
              if (matches((Map<String, Object>) rule, data)) {
                next = (String) ((Map<String, Object>) rule).get("Next");
                break;
              }
            }
            if (next == null) {
              return new End(at, "Fail", null, "States.NoChoiceMatched", at, calls);
            }
          }
          case "Pass" -> {
            Object in = state.containsKey("InputPath")
                ? path(data, (String) state.get("InputPath")) : data;
            Object result = state.containsKey("Result") ? state.get("Result")
                : state.containsKey("Parameters") ? evaluate(state.get("Parameters"), in) : in;
            data = place(data, state, result);
          }
          case "Wait" -> { }
          case "Task" -> {
            String resource = (String) state.get("Resource");
            String action = resource.substring(resource.lastIndexOf(':') + 1);
            Map<String, Object> credentials = (Map<String, Object>) state.get("Credentials");
            String role = credentials == null ? null
                : (String) evaluate(credentials, data).get("RoleArn");
            Map<String, Object> params = (Map<String, Object>) evaluate(
                state.get("Parameters"), data);
            Call call = new Call(action, params, role);
            calls.add(call);
            Object result;
            try {
              result = Json.parse(Json.write(aws.call(call)));
            } catch (Failure f) {
              List<Object> catchers = (List<Object>) state.get("Catch");
              if (catchers == null || catchers.isEmpty()) {
                return new End(at, "Fail", null, f.error, f.getMessage(), calls);
              }
              Map<String, Object> catcher = (Map<String, Object>) catchers.get(0);
              data = set(data, (String) catcher.get("ResultPath"),
                  obj("Error", f.error, "Cause", f.getMessage()));
              at = (String) catcher.get("Next");
              continue;
            }
            if (state.get("ResultSelector") != null) {
              result = evaluate(state.get("ResultSelector"), result);
            }
            data = place(data, state, result);
          }
          case "Succeed" -> {
            return new End(at, type, data, null, null, calls);
          }
          case "Fail" -> {
            String error = state.containsKey("ErrorPath")
                ? (String) path(data, (String) state.get("ErrorPath"))
                : (String) state.get("Error");
            String cause = state.containsKey("CausePath")
                ? (String) path(data, (String) state.get("CausePath"))
                : (String) state.get("Cause");
            return new End(at, type, null, error, cause, calls);
          }
          default -> throw new AssertionError("state type not handled: " + type);
        }
      } catch (Absent e) {
        return new End(at, "Fail", null, "States.Runtime", e.getMessage(), calls);
      }
      if (Boolean.TRUE.equals(state.get("End"))) {
        return new End(at, type, data, null, null, calls);
      }
      at = next;
    }
    throw new AssertionError("more than 500 steps: a loop that never ends");
  }

  private static Object place(Object data, Map<String, Object> state, Object result) {
    if (state.containsKey("ResultPath")) {
      Object resultPath = state.get("ResultPath");
      return resultPath == null ? data : set(data, (String) resultPath, result);
    }
    return result;
  }

  @SuppressWarnings("unchecked")
  private static boolean matches(Map<String, Object> rule, Object data) {
    if (rule.containsKey("And")) {
      for (Object r : (List<Object>) rule.get("And")) {
        if (!matches((Map<String, Object>) r, data)) {
          return false;
        }
      }
      return true;
    }
    if (rule.containsKey("Or")) {
      for (Object r : (List<Object>) rule.get("Or")) {
        if (matches((Map<String, Object>) r, data)) {
          return true;
        }
      }
      return false;
    }
    if (rule.containsKey("Not")) {
      return !matches((Map<String, Object>) rule.get("Not"), data);
    }
    String variable = (String) rule.get("Variable");
    if (rule.containsKey("IsPresent")) {
      boolean present;
      try {
        path(data, variable);
        present = true;
      } catch (Absent e) {
        present = false;
      }
      return present == (Boolean) rule.get("IsPresent");
    }
    Object value = path(data, variable);
    if (rule.containsKey("IsString")) {
      return (value instanceof String) == (Boolean) rule.get("IsString");
    }
    if (rule.containsKey("StringEquals")) {
      return rule.get("StringEquals").equals(value);
    }
    throw new AssertionError("choice rule not handled: " + rule);
  }

  /** Parameters / ResultSelector: keys ending in {@code .$} take a path or an intrinsic. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> evaluate(Object template, Object data) {
    Map<String, Object> out = new LinkedHashMap<>();
    ((Map<String, Object>) template).forEach((k, v) -> {
      if (k.endsWith(".$")) {
        out.put(k.substring(0, k.length() - 2), value((String) v, data));
      } else if (v instanceof Map) {
        out.put(k, evaluate(v, data));
      } else {
        out.put(k, v);
      }
    });
    return out;
  }

  private static Object value(String expression, Object data) {
    Matcher format = FORMAT.matcher(expression);
    if (format.matches()) {
      return format.group(1).replace("{}", String.valueOf(value(format.group(2), data)));
    }
    if (expression.equals("$$.Execution.Name")) {
      return EXECUTION_NAME;
    }
    return path(data, expression);
  }

  @SuppressWarnings("unchecked")
  static Object path(Object data, String path) {
    if (!path.startsWith("$")) {
      throw new AssertionError("not a path: " + path);
    }
    Object at = data;
    for (String step : steps(path)) {
      if (step.matches("\\d+")) {
        int i = Integer.parseInt(step);
        if (!(at instanceof List<?> list) || i >= list.size()) {
          throw new Absent(path);
        }
        at = list.get(i);
      } else {
        if (!(at instanceof Map<?, ?> map) || !map.containsKey(step)) {
          throw new Absent(path);
        }
        at = ((Map<String, Object>) at).get(step);
      }
    }
    return at;
  }

  @SuppressWarnings("unchecked")
  private static Object set(Object data, String path, Object value) {
    List<String> steps = steps(path);
    if (steps.isEmpty()) {
      return value;
    }
    Map<String, Object> root = new LinkedHashMap<>((Map<String, Object>) data);
    Map<String, Object> at = root;
    for (int i = 0; i < steps.size() - 1; i++) {
      Object child = at.get(steps.get(i));
      Map<String, Object> copy = child instanceof Map
          ? new LinkedHashMap<>((Map<String, Object>) child) : new LinkedHashMap<>();
      at.put(steps.get(i), copy);
      at = copy;
    }
    at.put(steps.get(steps.size() - 1), value);
    return root;
  }

  private static List<String> steps(String path) {
    List<String> steps = new ArrayList<>();
    for (String part : path.substring(1).split("\\.")) {
      if (part.isEmpty()) {
        continue;
      }
      Matcher index = Pattern.compile("([^\\[]+)\\[(\\d+)]").matcher(part);
      if (index.matches()) {
        steps.add(index.group(1));
        steps.add(index.group(2));
      } else {
        steps.add(part);
      }
    }
    return steps;
  }

  private static final class Absent extends RuntimeException {
    Absent(String path) {
      super("The JSONPath " + path + " could not be found in the input");
    }
  }
}
