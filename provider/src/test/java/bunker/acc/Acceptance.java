package bunker.acc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.framework.Provider;
import bunker.provider.BackupProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Drives the real {@code terraform} through the steps of one acceptance test, the way
 * terraform-plugin-testing does: for each config step {@code apply}, the step's checks on
 * {@code terraform show -json}, then an empty {@code plan -detailed-exitcode} with and without
 * refresh; import steps import into a fresh directory and compare the state; at the end
 * {@code destroy} and the check-destroy callback.
 *
 * <pre>{@code
 * Acceptance.steps().provider(AccTestProvider::new)
 *     .checkDestroy(state -> assertTrue(cloud.isEmpty()))
 *     .config(hcl).check(state -> assertEquals(1, state.number("backup_acc_thing.a", "size")))
 *     .importStep("backup_acc_thing.a")
 *     .run();
 * }</pre>
 *
 * <p>By default the provider is served inside the test JVM (plaintext, reached through
 * {@code TF_REATTACH_PROVIDERS}: no init, breakpoints work). {@link #viaLauncher()} installs
 * the launcher with {@code scripts/install-provider.sh} into {@code target/} instead, so
 * Terraform starts real provider processes with the go-plugin handshake and AutoMTLS.
 * Work directories stay under {@code target/acc/} with a Terraform trace log each.
 */
public final class Acceptance {
  /** The provider source address every config uses. */
  public static final String SOURCE = "terraform.local/bunker/backup";

  static final String REQUIRED_PROVIDERS =
      "terraform {\n  required_providers {\n    backup = { source = \"" + SOURCE + "\" }\n  }\n}\n";

  private enum Kind { CONFIG, IMPORT, COMMAND }

  private static final class Step {
    final Kind kind;
    String hcl;
    final List<Consumer<TfState>> checks = new ArrayList<>();
    Pattern expectError;
    boolean expectNonEmptyPlan;
    String address;
    String importId;
    List<String> ignore = List.of();
    List<String> args = List.of();
    Consumer<String> onOutput;

    Step(Kind kind) {
      this.kind = kind;
    }
  }

  private final List<Step> steps = new ArrayList<>();
  private Supplier<Provider> provider = BackupProvider::new;
  private boolean launcher;
  private Consumer<TfState> checkDestroy = state -> { };
  private String name = callerName();
  private final Map<String, String> extraEnv = new HashMap<>();
  private String cliConfig;
  private Path files;

  private Acceptance() {}

  /** Starts a test; the steps run in the order given. */
  public static Acceptance steps() {
    return new Acceptance();
  }

  /** The provider to serve in the test JVM (default: the real {@code backup} provider). */
  public Acceptance provider(Supplier<Provider> factory) {
    this.provider = Objects.requireNonNull(factory);
    return this;
  }

  /** Use the installed launcher (real process, handshake, mTLS) instead of reattach. */
  public Acceptance viaLauncher() {
    this.launcher = true;
    return this;
  }

  /**
   * An environment variable for every {@code terraform} command (and so for the providers
   * Terraform starts, e.g. hashicorp/aws; the reattached provider runs in this JVM).
   */
  public Acceptance env(String key, String value) {
    extraEnv.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
    return this;
  }

  /**
   * The CLI configuration ({@code TF_CLI_CONFIG_FILE}) instead of an empty one, e.g. a
   * filesystem mirror for other providers; {@code terraform init} then runs before the first
   * step.
   */
  public Acceptance cliConfig(String content) {
    this.cliConfig = Objects.requireNonNull(content);
    return this;
  }

  /**
   * Copies every file under {@code dir} except {@code main.tf} (local modules, for instance)
   * into the working directories; {@code terraform init} then runs before the first step.
   */
  public Acceptance files(Path dir) {
    this.files = Objects.requireNonNull(dir);
    return this;
  }

  /** Runs after the final destroy with the last state before it. */
  public Acceptance checkDestroy(Consumer<TfState> check) {
    this.checkDestroy = Objects.requireNonNull(check);
    return this;
  }

  /** A config step: this HCL (a required_providers block is added unless present) is applied. */
  public Acceptance config(String hcl) {
    Step s = new Step(Kind.CONFIG);
    s.hcl = hcl;
    steps.add(s);
    return this;
  }

  /** A check of the state after the current config step's apply. */
  public Acceptance check(Consumer<TfState> check) {
    current(Kind.CONFIG).checks.add(check);
    return this;
  }

  /**
   * The current config, import or command step must fail, with output matching {@code regex}
   * (a command step then still hands its output to its consumer).
   */
  public Acceptance expectError(String regex) {
    Step s = steps.isEmpty() ? null : steps.get(steps.size() - 1);
    if (s == null) {
      throw new IllegalStateException("expectError needs a step before it");
    }
    s.expectError = Pattern.compile(regex, Pattern.DOTALL);
    return this;
  }

  /** After the current step a refreshing plan must show changes (e.g. something vanished). */
  public Acceptance expectNonEmptyPlan() {
    current(Kind.CONFIG).expectNonEmptyPlan = true;
    return this;
  }

  /**
   * Imports {@code address} into a fresh directory with the last config, by its {@code id}
   * attribute, and compares every attribute with the current state except {@code ignore}
   * (attribute names or prefixes) and {@code timeouts}.
   */
  public Acceptance importStep(String address, String... ignore) {
    Step s = new Step(Kind.IMPORT);
    s.address = address;
    s.ignore = List.of(ignore);
    steps.add(s);
    return this;
  }

  /** The import ID of the current import step, when it is not the {@code id} attribute. */
  public Acceptance importId(String id) {
    current(Kind.IMPORT).importId = id;
    return this;
  }

  /** Runs {@code terraform args...} (must succeed) in the working directory. */
  public Acceptance command(List<String> args, Consumer<String> onOutput) {
    Step s = new Step(Kind.COMMAND);
    s.args = List.copyOf(args);
    s.onOutput = onOutput;
    steps.add(s);
    return this;
  }

  private Step current(Kind kind) {
    if (steps.isEmpty() || steps.get(steps.size() - 1).kind != kind) {
      throw new IllegalStateException("no " + kind + " step to attach this to");
    }
    return steps.get(steps.size() - 1);
  }

  /** Runs every step, then destroys and runs check-destroy, even after a failed step. */
  public void run() {
    // The CLI configuration is empty unless set: the user's own (mirrors, overrides) stays out.
    try (Terraform root = launcher ? Terraform.launcher(name)
        : Terraform.reattach(name, SOURCE, provider.get(), cliConfig == null ? "" : cliConfig)) {
      extraEnv.forEach(root::env);
      new Runner(root).run();
    }
  }

  /**
   * The state of one run: the run's directory (its provider and environment), the working
   * directory under it, last config, last state.
   */
  private final class Runner {
    private final Terraform root;
    private final Terraform work;
    private String lastHcl;
    private TfState state;
    private boolean applied;
    private boolean initialised;
    private int imports;

    Runner(Terraform root) {
      this.root = root;
      this.work = root.in("work");
      copyFiles(work.dir());
    }

    /** Modules or providers other than the reattached one need an init. */
    private boolean needsInit() {
      return launcher || files != null || cliConfig != null;
    }

    void run() {
      AssertionError failure = null;
      try {
        for (int i = 0; i < steps.size(); i++) {
          try {
            runStep(steps.get(i));
          } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("step " + (i + 1) + " (" + steps.get(i).kind + ") in "
                + work.dir() + ": " + e.getMessage(), e);
          }
        }
      } catch (AssertionError e) {
        failure = e;
      }
      if (applied) {
        TfState before = state;
        Terraform.Result d = work.run("destroy", "-auto-approve", "-no-color", "-input=false");
        AssertionError destroyFailure = d.exitCode() == 0 ? null : new AssertionError(
            "Error running post-test destroy, there may be dangling resources: " + d.describe());
        if (destroyFailure == null && failure == null) {
          try {
            checkDestroy.accept(before);
          } catch (AssertionError e) {
            destroyFailure = new AssertionError("check-destroy failed: " + e.getMessage(), e);
          }
        }
        if (failure == null) {
          failure = destroyFailure;
        } else if (destroyFailure != null) {
          failure.addSuppressed(destroyFailure);
        }
      }
      if (failure != null) {
        throw failure;
      }
    }

    private void runStep(Step step) {
      switch (step.kind) {
        case CONFIG:
          applyStep(step);
          break;
        case IMPORT:
          importStep(step);
          break;
        default:
          writeConfig(work.dir(), lastHcl == null ? "" : lastHcl);
          init(work);
          Terraform.Result r = work.run(step.args.toArray(new String[0]));
          if (!failedAsExpected(step, r)) {
            requireSuccess(r);
          }
          step.onOutput.accept(r.output());
      }
    }

    private void applyStep(Step step) {
      lastHcl = step.hcl;
      writeConfig(work.dir(), step.hcl);
      init(work);
      Terraform.Result r = work.run("apply", "-auto-approve", "-no-color", "-input=false");
      if (failedAsExpected(step, r)) {
        return;
      }
      applied = true;
      requireSuccess(r);
      state = show(work);
      for (Consumer<TfState> c : step.checks) {
        c.accept(state);
      }
      if (step.expectNonEmptyPlan) {
        Terraform.Result p = work.run("plan", "-detailed-exitcode", "-no-color", "-input=false");
        assertEquals(2, p.exitCode(), "expected a non-empty plan:\n" + p.output());
        return;
      }
      requireEmptyPlan("-refresh=false", "the non-refresh plan was not empty");
      requireEmptyPlan("-refresh=true", "the refresh plan was not empty");
    }

    private void requireEmptyPlan(String refresh, String message) {
      Terraform.Result p =
          work.run("plan", "-detailed-exitcode", refresh, "-no-color", "-input=false");
      if (p.exitCode() != 0) {
        throw new AssertionError("After applying this test step, " + message + ":\n"
            + p.describe());
      }
    }

    private void importStep(Step step) {
      if (state == null) {
        throw new AssertionError("an import step needs an applied config step before it");
      }
      Map<String, Object> expected = state.resource(step.address);
      String id = step.importId != null ? step.importId : (String) expected.get("id");
      Terraform imp = root.in("import-" + (++imports));
      writeConfig(imp.dir(), lastHcl);
      copyFiles(imp.dir());
      if (needsInit()) {
        imp.ok("init", "-no-color", "-input=false");
      }
      Terraform.Result r = imp.run("import", "-no-color", "-input=false", step.address, id);
      if (failedAsExpected(step, r)) {
        return;
      }
      requireSuccess(r);
      Map<String, Object> actual = show(imp).resource(step.address);
      List<String> diffs = new ArrayList<>();
      for (String key : union(expected, actual)) {
        if (key.equals("timeouts") || step.ignore.stream().anyMatch(key::startsWith)) {
          continue;
        }
        if (!Objects.equals(expected.get(key), actual.get(key))) {
          diffs.add(key + ": state " + expected.get(key) + ", imported " + actual.get(key));
        }
      }
      if (!diffs.isEmpty()) {
        throw new AssertionError("ImportStateVerify attributes not equivalent:\n  "
            + String.join("\n  ", diffs));
      }
    }

    /**
     * False when {@code step} expects no error; otherwise fails unless {@code r} failed with
     * output matching the step's pattern, and returns true.
     */
    private boolean failedAsExpected(Step step, Terraform.Result r) {
      if (step.expectError == null) {
        return false;
      }
      assertTrue(r.exitCode() != 0, "expected an error, `terraform "
          + String.join(" ", r.command()) + "` succeeded:\n" + r.output());
      assertTrue(step.expectError.matcher(r.output()).find(),
          "error output does not match /" + step.expectError + "/:\n" + r.output());
      return true;
    }

    private void requireSuccess(Terraform.Result r) {
      if (r.exitCode() != 0) {
        throw new AssertionError(r.describe());
      }
    }

    private void init(Terraform tf) {
      // Reattached providers need no init; the launcher is found through the CLI config.
      if (needsInit() && !initialised) {
        tf.ok("init", "-no-color", "-input=false");
        initialised = true;
      }
    }

    private TfState show(Terraform tf) {
      return new TfState(tf.ok("show", "-json", "-no-color").stdout());
    }
  }

  private void copyFiles(Path to) {
    if (files == null) {
      return;
    }
    try (java.util.stream.Stream<Path> all = Files.walk(files)) {
      for (Path from : (Iterable<Path>) all::iterator) {
        Path rel = files.relativize(from);
        if (rel.toString().isEmpty() || rel.toString().equals("main.tf")
            || rel.startsWith(".terraform") || rel.toString().startsWith("terraform.tfstate")) {
          continue;
        }
        if (Files.isDirectory(from)) {
          Files.createDirectories(to.resolve(rel.toString()));
        } else {
          Files.copy(from, to.resolve(rel.toString()),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot copy " + files + " to " + to, e);
    }
  }

  private static List<String> union(Map<String, Object> a, Map<String, Object> b) {
    List<String> keys = new ArrayList<>(a.keySet());
    b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(keys::add);
    return keys;
  }

  private static void writeConfig(Path dir, String hcl) {
    try {
      Files.writeString(dir.resolve("main.tf"), hcl);
      Path providers = dir.resolve("providers.tf");
      if (hcl.contains("required_providers")) {
        Files.deleteIfExists(providers);
      } else {
        Files.writeString(providers, REQUIRED_PROVIDERS);
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * {@code ClassName.method} of the test that built this, for the directory name: the outermost
   * of the calling class's frames next to each other, so a private helper that starts the steps
   * names the test that called it.
   */
  private static String callerName() {
    return StackWalker.getInstance().walk(frames -> {
      StackWalker.StackFrame caller = null;
      for (StackWalker.StackFrame f : (Iterable<StackWalker.StackFrame>) frames::iterator) {
        if (f.getClassName().equals(Acceptance.class.getName())) {
          continue;
        }
        if (caller != null && !f.getClassName().equals(caller.getClassName())) {
          break;
        }
        caller = f;
      }
      return caller == null ? "acceptance" : caller.getClassName().substring(
          caller.getClassName().lastIndexOf('.') + 1) + "." + caller.getMethodName();
    });
  }
}
