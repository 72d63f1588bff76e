package bunker.resource.deployment.workload;

import bunker.aws.AwsClients;
import bunker.aws.AwsErrors;
import bunker.aws.Waiters;
import bunker.aws.iam.Roles;
import bunker.aws.logs.LogGroups;
import bunker.topology.Arns;
import bunker.topology.DeploymentSpec;
import bunker.topology.Environment;
import bunker.topology.HelperDocuments;
import bunker.topology.Names;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Tag;
import software.amazon.awssdk.services.ssm.model.ParameterType;

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
public final class HelperDeployment {
  /** Tag key prefix by which an older provider recorded a deployment using the helper. */
  public static final String USER_TAG_PREFIX = "bunker:deployment:";
  /** A user's recorded role when an older provider recorded it: not known. */
  static final String UNKNOWN_ROLE = "in-use";
  private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();
  private static final Duration IAM_PROPAGATION = Duration.ofMinutes(2);
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
      SnsClient sns = central.sns();
      String arn = sns.createTopic(r -> r.name(names.helperTopic())).topicArn();
      sns.setTopicAttributes(r -> r.topicArn(arn).attributeName("Policy")
          .attributeValue(HelperDocuments.topicPolicy(env, arn)));
      sns.tagResource(r -> r.resourceArn(arn).tags(tags(spec).entrySet().stream()
          .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
      checkRoleQuota(spec, names);
      recordUser(spec, spec.name(), names.workloadHelperRole());
      moveTaggedUsers(spec, arn);
      String roleArn = ensureRole(spec, names);
      LogGroups logs = new LogGroups(central.logs());
      if (logs.findByName(names.helperLogGroup()).isEmpty()) {
        logs.create(names.helperLogGroup(), LOG_RETENTION_DAYS, tags(spec));
      }
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
      Optional<FunctionConfiguration> existing = findFunction(names.helperFunction());
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
      if (HelperCode.RUNTIME.equals(existing.get().runtimeAsString())
          && !zip.sha256().equals(existing.get().codeSha256())) {
        updateCode(spec, names, zip);
      }
    }
  }

  /** The topic's ARN when the helper's topic exists. */
  public Optional<String> find(DeploymentSpec spec) {
    String topicArn = Arns.of(spec).helperTopic();
    try {
      central.sns().getTopicAttributes(r -> r.topicArn(topicArn));
      return Optional.of(topicArn);
    } catch (RuntimeException e) {
      if (AwsErrors.hasCode(e, "NotFound", "NotFoundException")) {
        return Optional.empty();
      }
      throw e;
    }
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
    central.ssm().getParametersByPathPaginator(r -> r.path(path)).stream()
        .flatMap(page -> page.parameters().stream())
        .forEach(p -> users.put(p.name().substring(path.length()), p.value()));
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
    central.ssm().putParameter(r -> r.name(usersPath(spec) + deployment)
        .type(ParameterType.STRING).value(workloadHelperRole).overwrite(true)
        .description("Bunker deployment " + deployment + " uses this deployment helper."));
  }

  /** An older provider's user tags on the topic become parameters, and the tags go. */
  private void moveTaggedUsers(DeploymentSpec spec, String topicArn) {
    List<String> tagged = taggedUsers(topicArn);
    if (tagged.isEmpty()) {
      return;
    }
    tagged.forEach(user -> recordUser(spec, user, UNKNOWN_ROLE));
    central.sns().untagResource(r -> r.resourceArn(topicArn)
        .tagKeys(tagged.stream().map(u -> USER_TAG_PREFIX + u).toList()));
  }

  private List<String> taggedUsers(String topicArn) {
    return central.sns().listTagsForResource(r -> r.resourceArn(topicArn)).tags().stream()
        .map(Tag::key).filter(k -> k.startsWith(USER_TAG_PREFIX))
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
      central.sns().untagResource(r -> r.resourceArn(topicArn)
          .tagKeys(USER_TAG_PREFIX + spec.name()));
      try {
        central.ssm().deleteParameter(r -> r.name(usersPath(spec) + spec.name()));
      } catch (RuntimeException e) {
        if (!AwsErrors.hasCode(e, "ParameterNotFound")) {
          throw e;
        }
      }
      if (!users(spec).isEmpty()) {
        Roles roles = new Roles(central.iam(), waiters);
        if (roles.findByName(names.helperLambdaRole()).isPresent()) {
          putRolePolicies(spec, names, roles);
        }
        return false;
      }
      central.sns().listSubscriptionsByTopicPaginator(r -> r.topicArn(topicArn)).subscriptions()
          .forEach(s -> central.sns().unsubscribe(r -> r.subscriptionArn(s.subscriptionArn())));
      central.sns().deleteTopic(r -> r.topicArn(topicArn));
      deleteFunctionSide(names);
      return true;
    }
  }

  private void deleteFunctionSide(Names names) {
    try {
      central.lambda().deleteFunction(r -> r.functionName(names.helperFunction()));
    } catch (RuntimeException e) {
      if (!AwsErrors.hasCode(e, "ResourceNotFoundException")) {
        throw e;
      }
    }
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
    LambdaClient lambda = central.lambda();
    Optional<FunctionConfiguration> existing = findFunction(names.helperFunction());
    if (existing.isPresent()) {
      FunctionConfiguration f = existing.get();
      if (!isBunkers(f, roleArn)) {
        // The seed module's helper has this name (Python, Terraform in a Lambda): it becomes
        // Bunker's before any member stack is moved, so the seed module's vault resources that
        // CloudFormation then removes reach Bunker's helper, which releases them.
        lambda.updateFunctionConfiguration(r -> r.functionName(names.helperFunction())
            .runtime(HelperCode.RUNTIME).handler(HelperCode.HANDLER).role(roleArn)
            .timeout(TIMEOUT_SECONDS).memorySize(MEMORY_MB)
            .environment(e -> e.variables(Map.of())).description(DESCRIPTION));
        awaitUpdate(names.helperFunction(), "configuration");
      }
      if (!zip.sha256().equals(f.codeSha256())) {
        updateCode(spec, names, zip);
      }
      return f.functionArn();
    }
    HelperBucket bucket = new HelperBucket(central, names.helperFunction());
    String key = bucket.upload(zip, tags(spec));
    // A role Lambda has not seen yet: "The role defined for the function cannot be assumed".
    String arn = waiters.retry("creating Lambda Function (" + names.helperFunction() + ")",
        IAM_PROPAGATION, Duration.ofSeconds(2),
        e -> AwsErrors.hasCode(e, "InvalidParameterValueException")
            && AwsErrors.messageContains(e, "cannot be assumed"),
        () -> lambda.createFunction(r -> r.functionName(names.helperFunction())
            .runtime(HelperCode.RUNTIME).handler(HelperCode.HANDLER).role(roleArn)
            .code(c -> c.s3Bucket(bucket.name()).s3Key(key))
            .timeout(TIMEOUT_SECONDS).memorySize(MEMORY_MB)
            .description(DESCRIPTION)
            .tags(tags(spec))).functionArn());
    bucket.prune(key); // a package left by an earlier helper of this name
    return arn;
  }

  /** The function's code from the package, by way of the helper's bucket. */
  private void updateCode(DeploymentSpec spec, Names names, HelperCode.Package zip) {
    HelperBucket bucket = new HelperBucket(central, names.helperFunction());
    String key = bucket.upload(zip, tags(spec));
    central.lambda().updateFunctionCode(r -> r.functionName(names.helperFunction())
        .s3Bucket(bucket.name()).s3Key(key));
    awaitUpdate(names.helperFunction(), "code");
    bucket.prune(key);
  }

  /** Whether {@code f} runs as Bunker's helper: its runtime, handler, role and limits. */
  private static boolean isBunkers(FunctionConfiguration f, String roleArn) {
    return HelperCode.RUNTIME.equals(f.runtimeAsString())
        && HelperCode.HANDLER.equals(f.handler()) && roleArn.equals(f.role())
        && Integer.valueOf(TIMEOUT_SECONDS).equals(f.timeout())
        && Integer.valueOf(MEMORY_MB).equals(f.memorySize());
  }

  /** Lambda refuses the next change while one is in progress ("ResourceConflictException"). */
  private void awaitUpdate(String function, String what) {
    waiters.retry("updating Lambda Function (" + function + ") " + what,
        Duration.ofMinutes(2), Duration.ofSeconds(1), e -> e instanceof IllegalStateException,
        () -> {
          String status = String.valueOf(findFunction(function)
              .map(FunctionConfiguration::lastUpdateStatusAsString).orElse(""));
          if (status.equals("InProgress")) {
            throw new IllegalStateException("still updating");
          }
          return status;
        });
  }

  private Optional<FunctionConfiguration> findFunction(String name) {
    try {
      return Optional.of(central.lambda().getFunction(r -> r.functionName(name)).configuration());
    } catch (RuntimeException e) {
      if (AwsErrors.hasCode(e, "ResourceNotFoundException")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private void subscribe(String topicArn, String functionArn) {
    try {
      central.lambda().addPermission(r -> r.functionName(functionArn)
          .statementId("sns-deployment-helper").action("lambda:InvokeFunction")
          .principal("sns.amazonaws.com").sourceArn(topicArn));
    } catch (RuntimeException e) {
      if (!AwsErrors.hasCode(e, "ResourceConflictException")) {
        throw e;
      }
    }
    // The topic is the member stacks' ServiceToken: every subscriber would answer their
    // requests, so the helper's function is the only one (the seed module's helper may have
    // subscribed something else, which deletes the workload vaults on a Delete).
    boolean subscribed = false;
    for (var s : central.sns().listSubscriptionsByTopicPaginator(r -> r.topicArn(topicArn))
        .subscriptions()) {
      if (functionArn.equals(s.endpoint()) && "lambda".equals(s.protocol())) {
        subscribed = true;
      } else if (s.subscriptionArn().startsWith("arn:")) { // not "PendingConfirmation"
        central.sns().unsubscribe(r -> r.subscriptionArn(s.subscriptionArn()));
      }
    }
    if (!subscribed) {
      central.sns().subscribe(r -> r.topicArn(topicArn).protocol("lambda")
          .endpoint(functionArn));
    }
  }

  private Map<String, String> tags(DeploymentSpec spec) {
    Map<String, String> tags = new TreeMap<>(central.settings().defaultTags());
    tags.put("bunker:component", "deployment-helper");
    return tags;
  }

  private static Object lock(String topicArn) {
    return LOCKS.computeIfAbsent(topicArn, k -> new Object());
  }
}
