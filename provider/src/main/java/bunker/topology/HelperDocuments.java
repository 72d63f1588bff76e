package bunker.topology;

import static bunker.topology.Iam.allow;
import static bunker.topology.Iam.aws;
import static bunker.json.Json.obj;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Documents of the deployment helper (SNS topic + Lambda in the central account, shared by every
 * deployment with the same central prefix): who may publish custom-resource requests to the
 * topic, and what the Lambda's role may do. The helper works in workload accounts only through
 * the per-deployment {@code …-deployment-helper} roles the StackSet creates, which trust it;
 * each deployment adds the name of its own role to the Lambda's role.
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
   * log group. What it may assume is each deployment's own policy ({@link #assumePolicy}).
   * {@code legacyAssume} keeps the statement older providers wrote (any
   * {@code *-deployment-helper} role of the organisation) for as long as a deployment using the
   * helper has not yet put its own policy: without it, such a deployment's helper could not
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
   * Name of a deployment's inline policy on the shared Lambda role: one per deployment, put by
   * the deployment and deleted when it stops using the helper.
   */
  public static String assumePolicyName(String deploymentName) {
    return "assume-helper-roles-" + deploymentName;
  }

  /**
   * What the Lambda may assume for one deployment: the deployment-helper role the StackSet
   * template creates in each workload account ({@link Names#workloadHelperRole()}, the exact
   * name: {@code M-deployment-helper-<region>} where it fits IAM's limit, else
   * {@code M-deployment-helper}), in any account of this organisation ({@code
   * aws:ResourceOrgID}), as the seed module lists its roles by name. The account stays a
   * wildcard: accounts join the target OUs without an apply (StackSet auto-deployment).
   */
  public static String assumePolicy(DeploymentSpec spec) {
    Environment env = spec.environment();
    return Json.write(Iam.document(List.of(allow("AssumeWorkloadHelperRoles", null,
        List.of("sts:AssumeRole"),
        Arns.of(spec).role("*", Names.of(spec).workloadHelperRole()),
        obj("StringEquals", obj("aws:ResourceOrgID", env.organizationId()))))));
  }
}
