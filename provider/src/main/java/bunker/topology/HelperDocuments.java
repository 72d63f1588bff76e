package bunker.topology;

import static bunker.topology.Iam.allow;
import static bunker.topology.Iam.aws;
import static bunker.topology.json.Json.obj;

import bunker.topology.json.Json;
import java.util.List;

/**
 * Documents of the deployment helper (SNS topic + Lambda in the central account, shared by every
 * deployment with the same central prefix): who may publish custom-resource requests to the
 * topic, and what the Lambda's role may do. The helper works in workload accounts only through
 * the per-deployment {@code …-deployment-helper} roles the StackSet creates, which trust it.
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
   * The Lambda role's inline policy: write its own log group, and assume the workload accounts'
   * deployment-helper roles (any deployment's, inside this organisation).
   */
  public static String lambdaPolicy(Environment env, String logGroupName) {
    String p = env.partition();
    String logGroup = "arn:" + p + ":logs:" + env.region() + ":" + env.centralAccountId()
        + ":log-group:" + logGroupName;
    return Json.write(Iam.document(List.of(
        allow("WriteOwnLogs", null, List.of("logs:CreateLogStream", "logs:PutLogEvents"),
            List.of(logGroup, logGroup + ":log-stream:*"), null),
        allow("AssumeWorkloadHelperRoles", null, List.of("sts:AssumeRole"),
            List.of("arn:" + p + ":iam::*:role/*-deployment-helper",
                "arn:" + p + ":iam::*:role/*-deployment-helper-" + env.region()),
            obj("StringEquals", obj("aws:ResourceOrgID", env.organizationId()))))));
  }
}
