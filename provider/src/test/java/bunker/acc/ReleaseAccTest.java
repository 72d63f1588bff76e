package bunker.acc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import bunker.json.Json;
import bunker.plugin.ServerIdentity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The release as an organisation installs it (issue 15): {@code scripts/release.sh
 * --skip-build} builds {@code target/release-dist} from the jars {@code mvn package} built, and
 * the real terraform installs the zip from the static network mirror served over https by
 * Python's {@code http.server} on 127.0.0.1 (Terraform accepts only https mirrors; its Go TLS
 * trusts the test's certificate through {@code SSL_CERT_FILE}). Needs terraform, python3,
 * openssl and unzip on PATH and the emulator ({@code BUNKER_EMULATOR_URL}); fails naming
 * whichever is missing.
 */
class ReleaseAccTest {
  /** release.sh's default budget line: the one place the zip's size limit is written. */
  private static final Pattern BUDGET = Pattern.compile(
      "\nBUDGET=\\$\\{BUNKER_RELEASE_BUDGET:-([0-9]+)}\n");
  private static final Pattern ZH = Pattern.compile("\"(zh:[0-9a-f]{64})\"");
  private static final Pattern H1 = Pattern.compile("\"(h1:[A-Za-z0-9+/=]{44})\"");
  private static final String SERVER = String.join("\n",
      "import functools, http.server, ssl, sys",
      "handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])",
      "server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)",
      "tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)",
      "tls.load_cert_chain(sys.argv[2], sys.argv[3])",
      "server.socket = tls.wrap_socket(server.socket, server_side=True)",
      "print(server.server_address[1], flush=True)",
      "server.serve_forever()");

  private static Path root;
  private static Path dist;
  private static String version;
  private static Path work;

  @BeforeAll
  static void buildRelease() throws Exception {
    for (String tool : List.of("terraform", "python3", "openssl", "unzip")) {
      Tools.require(tool, "the release test needs it");
    }
    root = LauncherInstall.repositoryRoot();
    String pom = Files.readString(root.resolve("pom.xml"));
    Matcher m = Pattern.compile("\n  <version>([^<]+)</version>").matcher(pom);
    assertTrue(m.find(), "no <version> in pom.xml");
    version = m.group(1);
    dist = root.resolve("provider/target/release-dist");
    work = root.resolve("provider/target/release-acc");
    deleteTree(work);
    Files.createDirectories(work);
    Path log = root.resolve("provider/target/release-build.log");
    exec(List.of(root.resolve("scripts/release.sh").toString(), "--skip-build", "--dist",
        dist.toString()), Map.of(), log, 5);
  }

  @Test
  void artifacts_zipUnderBudget_sumsManifestAndMirrorsAgree() throws Exception {
    Path zip = dist.resolve(zipName());
    long size = Files.size(zip);
    Matcher budget = BUDGET.matcher(Files.readString(root.resolve("scripts/release.sh")));
    assertTrue(budget.find(), "no BUDGET=${BUNKER_RELEASE_BUDGET:-<bytes>} line in release.sh");
    long limit = Long.parseLong(budget.group(1));
    assertTrue(size <= limit, "the zip is " + size + " bytes, over release.sh's " + limit);
    String sha = sha256(zip);
    assertEquals(sha + "  " + zipName() + "\n",
        Files.readString(dist.resolve(prefix() + "_SHA256SUMS")));
    Map<?, ?> manifest = (Map<?, ?>) Json.parse(
        Files.readString(dist.resolve(prefix() + "_manifest.json")));
    assertEquals(1L, ((Number) manifest.get("version")).longValue());
    assertEquals(List.of("6.0"),
        ((Map<?, ?>) manifest.get("metadata")).get("protocol_versions"));
    Path mirror = dist.resolve("network-mirror/terraform.local/bunker/backup");
    assertEquals(Map.of("versions", Map.of(version, Map.of())),
        Json.parse(Files.readString(mirror.resolve("index.json"))));
    Map<?, ?> archive = archive(dist.resolve("network-mirror"));
    assertEquals(zipName(), archive.get("url"));
    assertTrue(((List<?>) archive.get("hashes")).contains("zh:" + sha), archive.toString());
    assertEquals(sha, sha256(mirror.resolve(zipName())));
    assertEquals(sha, sha256(dist.resolve("filesystem-mirror/terraform.local/bunker/backup/"
        + zipName())));

    // The executable at the zip's root, no path of this machine in it, and the runtime beside.
    Path unpacked = unzip("artifacts");
    Path launcher = unpacked.resolve("terraform-provider-backup_v" + version);
    assertTrue(Files.isExecutable(launcher), "no executable " + launcher.getFileName()
        + " at the zip's root");
    String text = Files.readString(launcher);
    for (String machinePath : List.of(root.toString(), "/usr/lib/jvm", "/root", "/home")) {
      assertFalse(text.contains(machinePath), "the launcher names " + machinePath);
    }
    assertTrue(Files.isExecutable(unpacked.resolve("runtime/bin/java")));
    assertTrue(Files.isRegularFile(unpacked.resolve("lib/bunker-provider-" + version + ".jar")));
    // the launcher names the class path: no jar's manifest may name a jar that is not there
    assertEquals(List.of(), LauncherInstall.unresolvedClassPath(unpacked.resolve("lib")));
    assertTrue(Files.isRegularFile(
        unpacked.resolve("lib/bunker-deployment-helper-" + version + ".zip")));
    // IAM Identity Center profiles: the SDK loads these by name (SsoProfileTest)
    try (var jars = Files.list(unpacked.resolve("lib"))) {
      List<String> names = jars.map(j -> j.getFileName().toString()).toList();
      for (String module : List.of("sso-", "ssooidc-")) {
        assertTrue(names.stream().anyMatch(n -> n.startsWith(module) && n.endsWith(".jar")),
            "no " + module + "*.jar in the zip's lib: " + names);
      }
    }
  }

  /**
   * init through the network mirror; {@code providers lock} writes the zh: hash of the
   * SHA256SUMS; a fresh directory with a fresh plugin cache installs against that lock file
   * (and one with a wrong hash is refused); then the installed provider, on a PATH with no
   * java and no JAVA_HOME, validates, plans, applies and destroys a vault on the emulator.
   */
  @Test
  void networkMirror_lockHashesVerify_andRunsWithoutJava() throws Exception {
    String emulator = System.getenv("BUNKER_EMULATOR_URL");
    assertTrue(emulator != null && !emulator.isBlank(),
        "BUNKER_EMULATOR_URL is not set: start the emulator (scripts/emulator.sh start)");
    String sha = Files.readString(dist.resolve(prefix() + "_SHA256SUMS")).split(" ")[0];
    Path certDir = Files.createDirectories(work.resolve("tls"));
    exec(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout", certDir.resolve("key.pem").toString(),
        "-out", certDir.resolve("cert.pem").toString()), Map.of(),
        certDir.resolve("openssl.log"), 1);
    Path serverLog = work.resolve("mirror-server.log");
    Process server = new ProcessBuilder("python3", "-c", SERVER,
        dist.resolve("network-mirror").toString(), certDir.resolve("cert.pem").toString(),
        certDir.resolve("key.pem").toString())
        .redirectError(serverLog.toFile()).start();
    try {
      String port = new BufferedReader(new InputStreamReader(server.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      assertTrue(port != null && port.matches("\\d+"), "mirror server did not start: "
          + Files.readString(serverLog));
      String url = "https://127.0.0.1:" + port + "/";
      Path cli = work.resolve("network-mirror.tfrc");
      Files.writeString(cli, "provider_installation {\n  network_mirror {\n    url = \"" + url
          + "\"\n  }\n}\n");
      String config = "terraform {\n  required_providers {\n    backup = { source = \""
          + Acceptance.SOURCE + "\", version = \"" + version + "\" }\n  }\n}\n";

      // 1. init from the mirror, then providers lock
      Path first = project("first", config);
      Terraform tf = new Terraform(first, Map.of("TF_CLI_CONFIG_FILE", cli.toString(),
          "SSL_CERT_FILE", certDir.resolve("cert.pem").toString(),
          "TF_PLUGIN_CACHE_DIR", Files.createDirectories(work.resolve("cache-1")).toString()));
      tf.ok("init", "-no-color");
      String served = Files.readString(serverLog);
      assertTrue(served.contains("GET /terraform.local/bunker/backup/index.json")
          && served.contains("GET /terraform.local/bunker/backup/" + zipName()),
          "terraform did not install from the network mirror:\n" + served);
      tf.ok("providers", "lock", "-no-color", "-net-mirror=" + url, "-platform=linux_amd64");
      // Terraform records a mirror's own hashes only for a signed package (registries sign;
      // mirrors cannot), so the lock holds the h1: it computed from the package, which must be
      // the one the release published beside the zh: of SHA256SUMS.
      String lock = Files.readString(first.resolve(".terraform.lock.hcl"));
      Set<String> published = new TreeSet<>(((List<?>) archive(dist.resolve("network-mirror"))
          .get("hashes")).stream().map(Object::toString).collect(Collectors.toSet()));
      Set<String> h1 = all(H1, lock);
      assertEquals(1, h1.size(), "one h1: hash in the lock file:\n" + lock);
      assertEquals(Set.of("zh:" + sha), published.stream().filter(h -> h.startsWith("zh:"))
          .collect(Collectors.toSet()), "zh: hashes the mirror publishes: " + published);
      assertTrue(published.containsAll(h1), "the lock's " + h1 + " is not among the hashes "
          + "the release published: " + published);

      // 2. fresh directories and plugin caches verify the package against a lock file: the
      // one providers lock wrote, and one holding only the zh: line of SHA256SUMS
      Path second = freshInit("second", config, lock, cli, certDir, 0);
      assertEquals(lock, Files.readString(second.resolve(".terraform.lock.hcl")),
          "the second init changed the lock file");
      String zhOnly = lockWith(version, List.of("zh:" + sha));
      Path third = freshInit("zh-only", config, zhOnly, cli, certDir, 0);
      assertEquals(Set.of("zh:" + sha), all(ZH, Files.readString(
          third.resolve(".terraform.lock.hcl"))));

      // ... and a lock file whose hashes the package does not match is refused, h1: or zh:
      freshInit("wrong-zh", config, lockWith(version, List.of("zh:" + "0".repeat(64))), cli,
          certDir, 1);
      freshInit("wrong-h1", config, lockWith(version, List.of("h1:" + "A".repeat(43) + "=")),
          cli, certDir, 1);

      // 3. no java on PATH, no JAVA_HOME: the bundled runtime runs the provider
      Path bin = pathWithoutJava();
      Map<String, String> noJava = new LinkedHashMap<>();
      noJava.put("PATH", bin.toString());
      noJava.put("TF_PLUGIN_CACHE_DIR", work.resolve("cache-second").toString());
      noJava.put("XDG_CACHE_HOME", Files.createDirectories(work.resolve("xdg")).toString());
      noJava.put("AWS_ENDPOINT_URL", emulator);
      noJava.put("AWS_ACCESS_KEY_ID", "test");
      noJava.put("AWS_SECRET_ACCESS_KEY", "test");
      noJava.put("AWS_REGION", "eu-west-2");
      Ran which = run(List.of("sh", "-c", "command -v java"), noJava, bin);
      assertNotEquals(0, which.exitCode(), "java is still on the test's PATH: " + which.stdout());
      String name = "release-acc-" + Long.toString(System.nanoTime(), 36);
      Files.writeString(second.resolve("main.tf"), config + "\nprovider \"backup\" {}\n\n"
          + "resource \"backup_vault\" \"this\" {\n  name = \"" + name + "\"\n}\n");
      Terraform plain = new Terraform(second, noJava,
          List.of("JAVA_HOME", "JDK_HOME", "JAVA_TOOL_OPTIONS", "TF_CLI_CONFIG_FILE"),
          Tools.require("terraform", "the release test runs it").toString());
      plain.ok("validate", "-no-color");
      Terraform.Result plan = plain.ok("plan", "-no-color", "-out=tfplan");
      assertTrue(plan.stdout().contains("backup_vault.this will be created"), plan.describe());
      plain.ok("apply", "-no-color", "tfplan");
      Terraform.Result again = plain.ok("plan", "-no-color", "-detailed-exitcode");
      assertTrue(again.stdout().contains("No changes."), again.describe());
      plain.ok("destroy", "-no-color", "-auto-approve");
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Four simultaneous first starts (Terraform starts several providers at once) with an empty
   * cache directory: each answers the go-plugin handshake; one background training run makes
   * the AppCDS archive, renamed into place, with no lock or temporary file left; and the next
   * start maps it ({@code -Xshare:on} makes the JVM refuse to start otherwise).
   */
  @Test
  void cds_fourSimultaneousFirstStarts_oneArchiveUsedByTheNext() throws Exception {
    Path unpacked = unzip("cds");
    Path launcher = unpacked.resolve("terraform-provider-backup_v" + version);
    Path xdg = Files.createDirectories(work.resolve("cds-cache"));
    Path cds = xdg.resolve("bunker/cds");
    Map<String, String> env = pluginEnv();
    env.put("XDG_CACHE_HOME", xdg.toString());
    List<Process> starts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ProcessBuilder pb = new ProcessBuilder(launcher.toString())
          .redirectError(work.resolve("cds-start-" + i + ".err").toFile());
      pb.environment().putAll(env);
      starts.add(pb.start());
    }
    try {
      for (Process p : starts) {
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(),
            StandardCharsets.US_ASCII)).readLine();
        assertTrue(line != null && line.startsWith("1|6|"), "handshake line: " + line);
      }
    } finally {
      for (Process p : starts) {
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    List<String> left = listing(cds);
    while (System.nanoTime() < deadline
        && (left.stream().noneMatch(n -> n.endsWith(".jsa"))
            || left.stream().anyMatch(n -> n.endsWith(".lock") || n.endsWith(".tmp")))) {
      Thread.sleep(500);
      left = listing(cds);
    }
    assertEquals(1, left.size(), "the cache directory should hold one archive: " + left);
    assertTrue(left.get(0).endsWith(".jsa"), left.toString());

    env.put("JAVA_TOOL_OPTIONS", "-Xshare:on");
    ProcessBuilder pb = new ProcessBuilder(launcher.toString())
        .redirectError(work.resolve("cds-start-next.err").toFile());
    pb.environment().putAll(env);
    Process next = pb.start();
    try {
      String line = new BufferedReader(new InputStreamReader(next.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      assertTrue(line != null && line.startsWith("1|6|"), "with -Xshare:on the start failed: "
          + line + "\n" + Files.readString(work.resolve("cds-start-next.err")));
    } finally {
      next.destroy();
      next.waitFor(30, TimeUnit.SECONDS);
    }
    assertEquals(left, listing(cds), "a start with the archive changed the cache directory");
  }

  /**
   * terraform init in a new directory with a new plugin cache and this lock file; {@code
   * refused} 1: it must fail on the package's checksum.
   */
  private static Path freshInit(String name, String config, String lock, Path cli,
      Path certDir, int refused) throws Exception {
    Path dir = project(name, config);
    Files.writeString(dir.resolve(".terraform.lock.hcl"), lock);
    Terraform.Result r = new Terraform(dir, Map.of("TF_CLI_CONFIG_FILE", cli.toString(),
        "SSL_CERT_FILE", certDir.resolve("cert.pem").toString(),
        "TF_PLUGIN_CACHE_DIR", Files.createDirectories(work.resolve("cache-" + name))
            .toString())).run("init", "-no-color");
    if (refused == 0) {
      assertEquals(0, r.exitCode(), r.describe());
    } else {
      assertNotEquals(0, r.exitCode(), r.describe());
      assertTrue(r.output().contains("checksum"), r.describe());
    }
    return dir;
  }

  private static String lockWith(String version, List<String> hashes) {
    return "provider \"" + Acceptance.SOURCE + "\" {\n  version     = \"" + version
        + "\"\n  constraints = \"" + version + "\"\n  hashes = [\n"
        + hashes.stream().map(h -> "    \"" + h + "\",\n").collect(Collectors.joining())
        + "  ]\n}\n";
  }

  private static Map<?, ?> archive(Path networkMirror) throws IOException {
    return (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) Json.parse(Files.readString(networkMirror
        .resolve("terraform.local/bunker/backup/" + version + ".json")))).get("archives"))
        .get("linux_amd64");
  }

  private static Map<String, String> pluginEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TF_PLUGIN_MAGIC_COOKIE",
        "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2");
    env.put("PLUGIN_PROTOCOL_VERSIONS", "6");
    env.put("PLUGIN_MIN_PORT", "10000");
    env.put("PLUGIN_MAX_PORT", "25000");
    env.put("PLUGIN_CLIENT_CERT", ServerIdentity.generate().certificatePem());
    return env;
  }

  private static String prefix() {
    return "terraform-provider-backup_" + version;
  }

  private static String zipName() {
    return prefix() + "_linux_amd64.zip";
  }

  private static Path project(String name, String config) throws IOException {
    Path dir = Files.createDirectories(work.resolve(name));
    Files.writeString(dir.resolve("main.tf"), config);
    return dir;
  }

  private static Path unzip(String name) throws Exception {
    Path dir = work.resolve("unzip-" + name);
    deleteTree(dir);
    Files.createDirectories(dir);
    exec(List.of("unzip", "-q", dist.resolve(zipName()).toString(), "-d", dir.toString()),
        Map.of(), work.resolve("unzip-" + name + ".log"), 2);
    return dir;
  }

  /** A directory of links to every program on PATH except the JDK's. */
  private static Path pathWithoutJava() throws IOException {
    Path bin = Files.createDirectories(work.resolve("bin-without-java"));
    Set<String> jdk = Set.of("java", "javac", "jar", "jshell", "jlink", "jdeps", "keytool",
        "jcmd", "jps", "jstack", "jmap", "jinfo", "jstat", "jrunscript", "rmiregistry",
        "jarsigner", "javadoc", "javap", "jdb", "jfr", "jhsdb", "jimage", "jpackage", "jstatd",
        "jconsole", "serialver", "jwebserver");
    for (String dir : System.getenv("PATH").split(":")) {
      Path d = Path.of(dir);
      if (dir.isEmpty() || !Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> files = Files.list(d)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String n = f.getFileName().toString();
          Path link = bin.resolve(n);
          if (!jdk.contains(n) && !n.startsWith("java") && Files.isExecutable(f)
              && !Files.isDirectory(f)
              && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, f.toAbsolutePath());
          }
        }
      }
    }
    return bin;
  }

  private static Set<String> all(Pattern p, String text) {
    Set<String> found = new TreeSet<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  private static List<String> listing(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  /** What a command other than terraform printed (stdout and stderr) and its exit code. */
  private record Ran(int exitCode, String stdout) {}

  private static Ran run(List<String> cmd, Map<String, String> env, Path dir)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().putAll(env);
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(1, TimeUnit.MINUTES);
    return new Ran(p.exitValue(), out);
  }

  private static void exec(List<String> cmd, Map<String, String> env, Path log, int minutes)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail(String.join(" ", cmd) + " took over " + minutes + " min:\n" + Files.readString(log));
    }
    if (p.exitValue() != 0) {
      fail(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + Files.readString(log));
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
