/**
 * The deployment helper: the Java Lambda in the central account that serves the
 * {@code Custom::BunkerWorkloadVaults} resource of every workload account's stack (the
 * deployment's StackSet). CloudFormation publishes each custom-resource request to the helper's
 * SNS topic; the Lambda assumes the stack's {@code HelperRoleArn} in the workload account, creates,
 * converges or empties and deletes the workload backup and restore vaults, and always PUTs a
 * response to the request's pre-signed {@code ResponseURL}.
 *
 * <p>Arrows: this package uses {@code bunker.aws.backup} (vaults and the shared force-destroy
 * emptier), {@code bunker.json}, {@code bunker.aws.AwsHttp} and the AWS SDK (backup, iam, sts;
 * CloudFormation's DescribeStacks is a request signed here, {@link CloudFormationStatus},
 * without the SDK's CloudFormation client); nothing of Terraform, the plugin protocol or the
 * framework. The Lambda zip carries only those packages.
 */
package bunker.helper;
