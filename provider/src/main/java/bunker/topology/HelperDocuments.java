package bunker.topology;

import static bunker.topology.Iam.allow;
import static bunker.topology.Iam.aws;
import static bunker.json.Json.obj;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Documents of the deployment helper (SNS topic + Lambda in the central account, shared by every
 * deployment with the same central prefix): who may publish custom-resource requests to the
 * topic, and what the Lambda's role may do. The helper works in workload accounts only through
 * the per-deployment {@code …-deployment-helper} roles the StackSet creates, which trust it;
 * the Lambda's role names the role of each deployment that uses it.
 */
public final class HelperDocuments {

  private HelperDocuments() {}

  /**
   * Topic policy: {@code SNS:Publish} from principals of this organisation only. In a
   * service-managed StackSet CloudFormation publishes as the target account's
   * {@code stacksets-exec-*} role, so the statement also requires that role name.
   */
  public static String topicPolicy(Environment env, String topicArn) {
    return Json.write(Iam.document(List.of(allow("AllowStackSetCustomResources", aws("*"),
        List.of("SNS:Publish"), topicArn, obj(
            "StringEquals", obj("aws:PrincipalOrgID", env.organizationId()),
            "ArnLike", obj("aws:PrincipalArn",
                "arn:" + env.partition() + ":iam::*:role/stacksets-exec-*"))))));
  }

  /** Trust of the Lambda's role: the Lambda service, for the central account. */
  public static String lambdaTrust(Environment env) {
    return Json.write(Iam.serviceTrust("lambda.amazonaws.com", env.centralAccountId(), null));
  }

  /**
   * The Lambda role's inline policy shared by every deployment of the prefix: write its own
   * log group. What it may assume is {@link #assumePolicy}.
   * {@code legacyAssume} keeps the statement older providers wrote (any
   * {@code *-deployment-helper} role of the organisation) for as long as a deployment using the
   * helper is not yet named there: without it, such a deployment's helper could not
   * serve an account joining its OUs before its next apply.
   */
  public static String lambdaPolicy(Environment env, String logGroupName, boolean legacyAssume) {
    String p = env.partition();
    String logGroup = "arn:" + p + ":logs:" + env.region() + ":" + env.centralAccountId()
        + ":log-group:" + logGroupName;
    List<Map<String, Object>> statements = new ArrayList<>(List.of(
        allow("WriteOwnLogs", null, List.of("logs:CreateLogStream", "logs:PutLogEvents"),
            List.of(logGroup, logGroup + ":log-stream:*"), null)));
    if (legacyAssume) {
      statements.add(allow("AssumeWorkloadHelperRoles", null, List.of("sts:AssumeRole"),
          List.of("arn:" + p + ":iam::*:role/*-deployment-helper",
              "arn:" + p + ":iam::*:role/*-deployment-helper-" + env.region()),
          obj("StringEquals", obj("aws:ResourceOrgID", env.organizationId()))));
    }
    return Json.write(Iam.document(statements));
  }

  /**
   * Name of the Lambda role's inline policy that names every user's workload helper role
   * ({@link #assumePolicy}).
   */
  public static final String ASSUME_POLICY = "assume-workload-helper-roles";

  /**
   * Prefix of the one-policy-per-deployment layout that development builds of 0.2.0 wrote;
   * {@link #ASSUME_POLICY} replaces those policies on the next apply or destroy.
   */
  public static final String PER_DEPLOYMENT_POLICY_PREFIX = "assume-helper-roles-";

  /**
   * IAM's quota on the inline policies of one role, all together, in characters without white
   * space (IAM user guide, "IAM and AWS STS quotas": role policy size 10,240 characters; past it
   * PutRolePolicy answers LimitExceeded).
   */
  public static final int ROLE_INLINE_POLICY_QUOTA = 10_240;

  /**
   * What the Lambda may assume: the deployment-helper role the StackSet template creates in each
   * workload account, by its exact name ({@link Names#workloadHelperRole()}: {@code
   * M-deployment-helper-<region>} where it fits IAM's limit, else {@code M-deployment-helper}),
   * for each deployment that uses the helper, in any account of this organisation ({@code
   * aws:ResourceOrgID}), as the seed module lists its roles by name. The account stays a
   * wildcard: accounts join the target OUs without an apply (StackSet auto-deployment). One
   * policy for all users, one ARN each (about 60 characters), so that a central prefix's helper
   * serves over a hundred deployments within {@link #ROLE_INLINE_POLICY_QUOTA}; a policy per
   * deployment, each with its own statement, stopped at about 40.
   */
  public static String assumePolicy(Environment env, Collection<String> workloadHelperRoles) {
    List<String> arns = new TreeSet<>(workloadHelperRoles).stream()
        .map(role -> "arn:" + env.partition() + ":iam::*:role/" + role).toList();
    return Json.write(Iam.document(List.of(allow("AssumeWorkloadHelperRoles", null,
        List.of("sts:AssumeRole"), arns,
        obj("StringEquals", obj("aws:ResourceOrgID", env.organizationId()))))));
  }

  /** A policy's size as IAM counts it against its quotas: characters, white space left out. */
  public static int policySize(String document) {
    return (int) document.chars().filter(c -> !Character.isWhitespace(c)).count();
  }
}
