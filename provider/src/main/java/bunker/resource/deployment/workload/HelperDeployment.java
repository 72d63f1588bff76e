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
import software.amazon.awssdk.core.SdkBytes;
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
final class HelperDeployment {
  /** Tag key prefix by which an older provider recorded a deployment using the helper. */
  public static final String USER_TAG_PREFIX = "bunker:deployment:";
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
      byte[] zip = code.bytes(); // first: a missing package fails before anything is created
      Environment env = spec.environment();
      SnsClient sns = central.sns();
      String arn = sns.createTopic(r -> r.name(names.helperTopic())).topicArn();
      sns.setTopicAttributes(r -> r.topicArn(arn).attributeName("Policy")
          .attributeValue(HelperDocuments.topicPolicy(env, arn)));
      sns.tagResource(r -> r.resourceArn(arn).tags(tags(spec).entrySet().stream()
          .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
      recordUser(spec, spec.name());
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
      // A deployment made by an older provider has no policy of its own on the Lambda's role
      // yet; its destroy needs one, to count and delete its workload vaults.
      Roles roles = new Roles(central.iam(), waiters);
      if (roles.findByName(names.helperLambdaRole()).isPresent()) {
        roles.putInlinePolicy(names.helperLambdaRole(),
            HelperDocuments.assumePolicyName(spec.name()), HelperDocuments.assumePolicy(spec));
      }
      byte[] zip;
      try {
        zip = code.bytes();
      } catch (RuntimeException e) {
        return;
      }
      if (HelperCode.RUNTIME.equals(existing.get().runtimeAsString())
          && !HelperCode.sha256(zip).equals(existing.get().codeSha256())) {
        central.lambda().updateFunctionCode(r -> r.functionName(names.helperFunction())
            .zipFile(SdkBytes.fromByteArray(zip)));
        awaitUpdate(names.helperFunction(), "code");
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
    Set<String> users = new TreeSet<>(taggedUsers(Arns.of(spec).helperTopic()));
    String path = usersPath(spec);
    central.ssm().getParametersByPathPaginator(r -> r.path(path)).stream()
        .flatMap(page -> page.parameters().stream())
        .forEach(p -> users.add(p.name().substring(path.length())));
    return List.copyOf(users);
  }

  /** {@code /<helper topic name>/users/}: the folder of the user parameters. */
  static String usersPath(DeploymentSpec spec) {
    return "/" + Names.of(spec).helperTopic() + "/users/";
  }

  private void recordUser(DeploymentSpec spec, String deployment) {
    central.ssm().putParameter(r -> r.name(usersPath(spec) + deployment)
        .type(ParameterType.STRING).value("in-use").overwrite(true)
        .description("Bunker deployment " + deployment + " uses this deployment helper."));
  }

  /** An older provider's user tags on the topic become parameters, and the tags go. */
  private void moveTaggedUsers(DeploymentSpec spec, String topicArn) {
    List<String> tagged = taggedUsers(topicArn);
    if (tagged.isEmpty()) {
      return;
    }
    tagged.forEach(user -> recordUser(spec, user));
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
        new Roles(central.iam(), waiters).deleteInlinePolicy(names.helperLambdaRole(),
            HelperDocuments.assumePolicyName(spec.name()));
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
    new LogGroups(central.logs()).delete(names.helperLogGroup());
    new Roles(central.iam(), waiters).delete(names.helperLambdaRole());
  }

  /**
   * The Lambda's role: its shared policy (logs) and {@code spec}'s deployment's own policy
   * naming its workload helper role. The shared policy keeps the older providers' broad assume
   * statement while another user of the helper has no policy of its own yet (it gets one on
   * its next apply or destroy).
   */
  private String ensureRole(DeploymentSpec spec, Names names) {
    Environment env = spec.environment();
    Roles roles = new Roles(central.iam(), waiters);
    String role = names.helperLambdaRole();
    Map<String, String> own = Map.of(HelperDocuments.assumePolicyName(spec.name()),
        HelperDocuments.assumePolicy(spec));
    return roles.findByName(role).map(r -> {
      own.forEach((name, doc) -> roles.putInlinePolicy(role, name, doc));
      List<String> present = roles.inlinePolicyNames(role);
      boolean legacy = users(spec).stream().anyMatch(u -> !present.contains(
          HelperDocuments.assumePolicyName(u)));
      roles.putInlinePolicy(role, SHARED_POLICY,
          HelperDocuments.lambdaPolicy(env, names.helperLogGroup(), legacy));
      return r.arn();
    }).orElseGet(() -> {
      Map<String, String> inline = new TreeMap<>(own);
      inline.put(SHARED_POLICY, HelperDocuments.lambdaPolicy(env, names.helperLogGroup(),
          false));
      return roles.create(new Roles.Spec(role, "/",
          "The Bunker deployment helper Lambda runs with this role.",
          HelperDocuments.lambdaTrust(env), List.of(), inline, tags(spec))).arn();
    });
  }

  private String ensureFunction(DeploymentSpec spec, Names names, String roleArn, byte[] zip) {
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
      if (!HelperCode.sha256(zip).equals(f.codeSha256())) {
        lambda.updateFunctionCode(r -> r.functionName(names.helperFunction())
            .zipFile(SdkBytes.fromByteArray(zip)));
        awaitUpdate(names.helperFunction(), "code");
      }
      return f.functionArn();
    }
    // A role Lambda has not seen yet: "The role defined for the function cannot be assumed".
    return waiters.retry("creating Lambda Function (" + names.helperFunction() + ")",
        IAM_PROPAGATION, Duration.ofSeconds(2),
        e -> AwsErrors.hasCode(e, "InvalidParameterValueException")
            && AwsErrors.messageContains(e, "cannot be assumed"),
        () -> lambda.createFunction(r -> r.functionName(names.helperFunction())
            .runtime(HelperCode.RUNTIME).handler(HelperCode.HANDLER).role(roleArn)
            .code(c -> c.zipFile(SdkBytes.fromByteArray(zip)))
            .timeout(TIMEOUT_SECONDS).memorySize(MEMORY_MB)
            .description(DESCRIPTION)
            .tags(tags(spec))).functionArn());
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
