package bunker.resource.deployment.workload;

import bunker.aws.AwsClients;
import bunker.aws.Waiters;
import bunker.aws.iam.Roles;
import bunker.aws.lambda.LambdaFunctions;
import bunker.aws.logs.LogGroups;
import bunker.aws.sns.Topics;
import bunker.aws.ssm.Parameters;
import bunker.topology.Arns;
import bunker.topology.DeploymentSpec;
import bunker.topology.Environment;
import bunker.topology.HelperDocuments;
import bunker.topology.Names;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deployment helper in the central account: an SNS topic that the workload stacks'
 * {@code Custom::BunkerWorkloadVaults} resources publish to, and the Java Lambda subscribed to it
 * (with its role and log group). One helper per central prefix, shared by every deployment with
 * that prefix, created by the first deployment that needs it.
 *
 * <p>Who uses it is recorded in Systems Manager Parameter Store, one String parameter per
 * deployment, {@code /<helper topic name>/users/<deployment name>}: {@link #ensure} puts it and
 * {@link #release} deletes it; the release that deletes the last one deletes the helper. (It was
 * one tag per deployment on the topic, but SNS allows 50 tags per topic, TagLimitExceeded
 * beyond (SNS API reference, TagResource), so a central prefix could serve only about 48
 * deployments. Parameters have no such limit that matters here, and one per deployment needs
 * no read-modify-write. Tags left by an older provider still count as users, and
 * {@link #ensure} moves them to parameters.) The record lives in AWS, so it holds
 * across Terraform workspaces and state files; within one provider process ensure and release of
 * one helper are serialised, so the ten deployments of one apply cannot race. Two processes
 * (two concurrent Terraform runs on one central account) can still race a release against an
 * ensure; the loser's next apply recreates the helper.
 */
final class HelperDeployment {
  /** Tag key prefix by which an older provider recorded a deployment using the helper. */
  public static final String USER_TAG_PREFIX = "bunker:deployment:";
  /** A user's recorded role when an older provider recorded it: not known. */
  static final String UNKNOWN_ROLE = "in-use";
  private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();
  /** Lambda's longest run: large workload vaults take long to empty. */
  private static final int TIMEOUT_SECONDS = 900;
  private static final int MEMORY_MB = 1024;
  private static final int LOG_RETENTION_DAYS = 90;
  /** The Lambda role's inline policy shared by every deployment (logs). */
  private static final String SHARED_POLICY = "deployment-helper";
  private static final String DESCRIPTION =
      "Bunker deployment helper: workload vaults of the StackSets";

  private final AwsClients central;
  private final HelperCode code;
  private final Waiters waiters;

  public HelperDeployment(AwsClients central, HelperCode code) {
    this(central, code, Waiters.system());
  }

  HelperDeployment(AwsClients central, HelperCode code, Waiters waiters) {
    this.central = central;
    this.code = code;
    this.waiters = waiters;
  }

  /**
   * Creates what is missing (topic and its policy, role, log group, function, subscription),
   * updates the function's code when the package changed, and records {@code spec}'s deployment
   * as a user. Returns the topic ARN (the template's ServiceToken).
   */
  public String ensure(DeploymentSpec spec) {
    Names names = Names.of(spec);
    String topicArn = Arns.of(spec).helperTopic();
    synchronized (lock(topicArn)) {
      HelperCode.Package zip = code.read(); // first: a missing package fails before anything
      Environment env = spec.environment();
      Topics topics = topics();
      String arn = topics.create(names.helperTopic());
      topics.putPolicy(arn, HelperDocuments.topicPolicy(env, arn));
      topics.tag(arn, tags(spec));
      checkRoleQuota(spec, names);
      recordUser(spec, spec.name(), names.workloadHelperRole());
      moveTaggedUsers(spec, arn);
      String roleArn = ensureRole(spec, names);
      new LogGroups(central.logs()).ensure(names.helperLogGroup(), LOG_RETENTION_DAYS,
          tags(spec));
      String functionArn = ensureFunction(spec, names, roleArn, zip);
      subscribe(arn, functionArn);
      return arn;
    }
  }

  /**
   * Brings an existing helper function's code up to this provider's package, and puts {@code
   * spec}'s own assume policy on its role, changing nothing else (no topic or user tag): what a
   * destroy does before it asks the helper to count.
   * Nothing when the function is absent, already current, or not a Java function at all (the
   * seed module's: {@link #ensure} converts that one); a missing package is left to the
   * caller's request, which then says the helper did not answer.
   */
  public void refreshCode(DeploymentSpec spec) {
    Names names = Names.of(spec);
    synchronized (lock(Arns.of(spec).helperTopic())) {
      Optional<LambdaFunctions.Function> existing = functions().find(names.helperFunction());
      if (existing.isEmpty()) {
        return;
      }
      // A deployment made by an older provider is not named on the Lambda's role yet; its
      // destroy needs that, to count and delete its workload vaults.
      Roles roles = new Roles(central.iam(), waiters);
      if (roles.findByName(names.helperLambdaRole()).isPresent()) {
        recordUser(spec, spec.name(), names.workloadHelperRole());
        putRolePolicies(spec, names, roles);
      }
      HelperCode.Package zip;
      try {
        zip = code.read();
      } catch (RuntimeException e) {
        return;
      }
      if (HelperCode.RUNTIME.equals(existing.get().runtime())
          && !zip.sha256().equals(existing.get().codeSha256())) {
        updateCode(spec, names, zip);
      }
    }
  }

  /** The topic's ARN when the helper's topic exists. */
  public Optional<String> find(DeploymentSpec spec) {
    String topicArn = Arns.of(spec).helperTopic();
    return topics().exists(topicArn) ? Optional.of(topicArn) : Optional.empty();
  }

  /** Deployments recorded as users of the helper: parameters, and an older provider's tags. */
  public List<String> users(DeploymentSpec spec) {
    return List.copyOf(userRoles(spec).keySet());
  }

  /**
   * Each user of the helper → the name of its workload helper role, or {@link #UNKNOWN_ROLE}
   * for a user an older provider recorded (a topic tag, or a parameter without the role).
   */
  private Map<String, String> userRoles(DeploymentSpec spec) {
    Map<String, String> users = new TreeMap<>();
    taggedUsers(Arns.of(spec).helperTopic()).forEach(u -> users.put(u, UNKNOWN_ROLE));
    String path = usersPath(spec);
    parameters().valuesUnder(path)
        .forEach((name, value) -> users.put(name.substring(path.length()), value));
    return users;
  }

  /** {@code /<helper topic name>/users/}: the folder of the user parameters. */
  static String usersPath(DeploymentSpec spec) {
    return "/" + Names.of(spec).helperTopic() + "/users/";
  }

  /**
   * Records {@code deployment} as a user; the parameter's value is the name of its workload
   * helper role, which the Lambda's role then names ({@link #UNKNOWN_ROLE} when not known).
   */
  private void recordUser(DeploymentSpec spec, String deployment, String workloadHelperRole) {
    parameters().putString(usersPath(spec) + deployment, workloadHelperRole,
        "Bunker deployment " + deployment + " uses this deployment helper.");
  }

  /** An older provider's user tags on the topic become parameters, and the tags go. */
  private void moveTaggedUsers(DeploymentSpec spec, String topicArn) {
    List<String> tagged = taggedUsers(topicArn);
    if (tagged.isEmpty()) {
      return;
    }
    tagged.forEach(user -> recordUser(spec, user, UNKNOWN_ROLE));
    topics().untag(topicArn, tagged.stream().map(u -> USER_TAG_PREFIX + u).toList());
  }

  private List<String> taggedUsers(String topicArn) {
    return topics().tagKeys(topicArn).stream().filter(k -> k.startsWith(USER_TAG_PREFIX))
        .map(k -> k.substring(USER_TAG_PREFIX.length())).sorted().toList();
  }

  /**
   * Removes {@code spec}'s deployment from the users; when none is left, deletes the
   * subscription, function, log group, role and topic. Returns whether it deleted the helper.
   * Call only after the deployment's StackSet instances are gone (their deletes call the helper).
   */
  public boolean release(DeploymentSpec spec) {
    Names names = Names.of(spec);
    String topicArn = Arns.of(spec).helperTopic();
    synchronized (lock(topicArn)) {
      if (find(spec).isEmpty()) {
        deleteFunctionSide(names);
        return true;
      }
      topics().untag(topicArn, List.of(USER_TAG_PREFIX + spec.name()));
      parameters().delete(usersPath(spec) + spec.name());
      if (!users(spec).isEmpty()) {
        Roles roles = new Roles(central.iam(), waiters);
        if (roles.findByName(names.helperLambdaRole()).isPresent()) {
          putRolePolicies(spec, names, roles);
        }
        return false;
      }
      topics().delete(topicArn);
      deleteFunctionSide(names);
      return true;
    }
  }

  private void deleteFunctionSide(Names names) {
    functions().delete(names.helperFunction());
    new HelperBucket(central, names.helperFunction()).delete();
    new LogGroups(central.logs()).delete(names.helperLogGroup());
    new Roles(central.iam(), waiters).delete(names.helperLambdaRole());
  }

  /**
   * The Lambda's role, with its two inline policies: the shared one (logs) and the one naming
   * every user's workload helper role. The shared policy keeps the older providers' broad
   * assume statement while a user's role is not known yet (it becomes known on that
   * deployment's next apply or destroy).
   */
  private String ensureRole(DeploymentSpec spec, Names names) {
    Roles roles = new Roles(central.iam(), waiters);
    String role = names.helperLambdaRole();
    return roles.findByName(role).map(r -> {
      putRolePolicies(spec, names, roles);
      return r.arn();
    }).orElseGet(() -> roles.create(new Roles.Spec(role, "/",
        "The Bunker deployment helper Lambda runs with this role.",
        HelperDocuments.lambdaTrust(spec.environment()), List.of(),
        rolePolicies(spec, names, userRoles(spec)), tags(spec))).arn());
  }

  /**
   * Puts the role's policies for the users recorded now, then reads the users again and puts
   * them once more if another apply recorded or released one meanwhile (each rewrites the
   * policy naming every user, so the last writer must have seen the last user). Policies of
   * the one-per-deployment layout go.
   */
  private void putRolePolicies(DeploymentSpec spec, Names names, Roles roles) {
    String role = names.helperLambdaRole();
    Map<String, String> users = userRoles(spec);
    for (int attempt = 0; attempt < 3; attempt++) {
      Map<String, String> wanted = rolePolicies(spec, names, users);
      wanted.forEach((name, doc) -> roles.putInlinePolicy(role, name, doc));
      for (String name : roles.inlinePolicyNames(role)) {
        if (!wanted.containsKey(name) && (name.equals(HelperDocuments.ASSUME_POLICY)
            || name.startsWith(HelperDocuments.PER_DEPLOYMENT_POLICY_PREFIX))) {
          roles.deleteInlinePolicy(role, name);
        }
      }
      Map<String, String> now = userRoles(spec);
      if (now.equals(users)) {
        return;
      }
      users = now;
    }
  }

  /** The Lambda role's inline policies (name → document) for these users. */
  private static Map<String, String> rolePolicies(DeploymentSpec spec, Names names,
      Map<String, String> users) {
    Environment env = spec.environment();
    Set<String> known = new TreeSet<>(users.values());
    boolean legacy = known.remove(UNKNOWN_ROLE);
    Map<String, String> policies = new TreeMap<>();
    policies.put(SHARED_POLICY, HelperDocuments.lambdaPolicy(env, names.helperLogGroup(),
        legacy));
    if (!known.isEmpty()) {
      policies.put(HelperDocuments.ASSUME_POLICY, HelperDocuments.assumePolicy(env, known));
    }
    return policies;
  }

  /**
   * Fails, before {@code spec}'s deployment is recorded as a user, when naming its workload
   * helper role beside the other users' would take the Lambda role's inline policies past IAM's
   * quota; PutRolePolicy would refuse it half-way through the apply.
   */
  private void checkRoleQuota(DeploymentSpec spec, Names names) {
    Map<String, String> users = userRoles(spec);
    users.put(spec.name(), names.workloadHelperRole());
    int size = rolePolicies(spec, names, users).values().stream()
        .mapToInt(HelperDocuments::policySize).sum();
    if (size > HelperDocuments.ROLE_INLINE_POLICY_QUOTA) {
      throw new IllegalStateException("The deployment helper of central account prefix \""
          + spec.centralPrefix() + "\" serves " + (users.size() - 1) + " deployments; naming "
          + "this deployment's workload helper role (" + names.workloadHelperRole()
          + ") too would take the inline policies of IAM role " + names.helperLambdaRole()
          + " to " + size + " characters, past IAM's quota of "
          + HelperDocuments.ROLE_INLINE_POLICY_QUOTA + ". Deploy it through a provider "
          + "configuration with another central_account_resource_name_prefix.");
    }
  }

  private String ensureFunction(DeploymentSpec spec, Names names, String roleArn,
      HelperCode.Package zip) {
    LambdaFunctions functions = functions();
    Optional<LambdaFunctions.Function> existing = functions.find(names.helperFunction());
    if (existing.isPresent()) {
      LambdaFunctions.Function f = existing.get();
      if (!isBunkers(f, roleArn)) {
        // The seed module's helper has this name (Python, Terraform in a Lambda): it becomes
        // Bunker's before any member stack is moved, so the seed module's vault resources that
        // CloudFormation then removes reach Bunker's helper, which releases them.
        functions.updateConfiguration(names.helperFunction(), settings(roleArn));
      }
      if (!zip.sha256().equals(f.codeSha256())) {
        updateCode(spec, names, zip);
      }
      return f.arn();
    }
    HelperBucket bucket = new HelperBucket(central, names.helperFunction());
    String key = bucket.upload(zip, tags(spec));
    String arn = functions.create(names.helperFunction(), settings(roleArn),
        new LambdaFunctions.S3Code(bucket.name(), key), tags(spec));
    bucket.prune(key); // a package left by an earlier helper of this name
    return arn;
  }

  /** The function's code from the package, by way of the helper's bucket. */
  private void updateCode(DeploymentSpec spec, Names names, HelperCode.Package zip) {
    HelperBucket bucket = new HelperBucket(central, names.helperFunction());
    String key = bucket.upload(zip, tags(spec));
    functions().updateCode(names.helperFunction(), new LambdaFunctions.S3Code(bucket.name(), key));
    bucket.prune(key);
  }

  private static LambdaFunctions.Settings settings(String roleArn) {
    return new LambdaFunctions.Settings(HelperCode.RUNTIME, HelperCode.HANDLER, roleArn,
        TIMEOUT_SECONDS, MEMORY_MB, DESCRIPTION);
  }

  /** Whether {@code f} runs as Bunker's helper: its runtime, handler, role and limits. */
  private static boolean isBunkers(LambdaFunctions.Function f, String roleArn) {
    return HelperCode.RUNTIME.equals(f.runtime())
        && HelperCode.HANDLER.equals(f.handler()) && roleArn.equals(f.roleArn())
        && Integer.valueOf(TIMEOUT_SECONDS).equals(f.timeoutSeconds())
        && Integer.valueOf(MEMORY_MB).equals(f.memoryMb());
  }

  private void subscribe(String topicArn, String functionArn) {
    functions().permit(functionArn, "sns-deployment-helper", "sns.amazonaws.com", topicArn);
    // The topic is the member stacks' ServiceToken: every subscriber would answer their
    // requests, so the helper's function is the only one (the seed module's helper may have
    // subscribed something else, which deletes the workload vaults on a Delete).
    Topics topics = topics();
    boolean subscribed = false;
    for (var s : topics.subscriptions(topicArn)) {
      if (functionArn.equals(s.endpoint()) && "lambda".equals(s.protocol())) {
        subscribed = true;
      } else if (s.subscriptionArn().startsWith("arn:")) { // not "PendingConfirmation"
        topics.unsubscribe(s.subscriptionArn());
      }
    }
    if (!subscribed) {
      topics.subscribe(topicArn, "lambda", functionArn);
    }
  }

  private Map<String, String> tags(DeploymentSpec spec) {
    Map<String, String> tags = new TreeMap<>(central.settings().defaultTags());
    tags.put("bunker:component", "deployment-helper");
    return tags;
  }

  private Topics topics() {
    return new Topics(central.sns());
  }

  private Parameters parameters() {
    return new Parameters(central.ssm());
  }

  private LambdaFunctions functions() {
    return new LambdaFunctions(central.lambda(), waiters);
  }

  private static Object lock(String topicArn) {
    return LOCKS.computeIfAbsent(topicArn, k -> new Object());
  }
}
