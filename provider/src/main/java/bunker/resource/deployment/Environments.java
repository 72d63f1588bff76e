package bunker.resource.deployment;

import bunker.aws.AwsClients;
import bunker.aws.organizations.OrganizationUnits;
import bunker.topology.Environment;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.organizations.model.Account;
import software.amazon.awssdk.services.organizations.model.AccountStatus;
import software.amazon.awssdk.services.organizations.model.Organization;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * Learns the {@link Environment} of a deployment from AWS at apply time: who we are (STS), which
 * organisation (Organizations), and, only when the RAM share needs them, the target accounts.
 */
final class Environments {
  private Environments() {}

  static Environment lookup(AwsClients aws, List<String> targets, boolean needAccounts) {
    GetCallerIdentityResponse me = aws.sts().getCallerIdentity();
    Organization org = aws.organizations().describeOrganization().organization();
    List<String> accounts = new ArrayList<>();
    if (needAccounts) {
      OrganizationUnits ous = new OrganizationUnits(aws.organizations());
      for (String ou : targets) {
        for (Account a : ous.accountsUnder(ou)) {
          if (a.status() == null || a.status() == AccountStatus.ACTIVE) {
            accounts.add(a.id());
          }
        }
      }
    }
    String partition = me.arn().split(":")[1];
    return new Environment(partition, aws.region().id(), me.account(), org.id(),
        org.masterAccountId(), accounts.stream().distinct().sorted().toList(),
        List.of(principalArn(me.arn())));
  }

  /**
   * The IAM ARN that policies can name for the caller: an assumed-role session
   * ({@code arn:aws:sts::1:assumed-role/Role/session}) stands for its role.
   */
  static String principalArn(String callerArn) {
    String[] parts = callerArn.split(":", 6);
    if (parts.length == 6 && parts[2].equals("sts") && parts[5].startsWith("assumed-role/")) {
      String role = parts[5].substring("assumed-role/".length()).split("/")[0];
      return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + role;
    }
    return callerArn;
  }
}
