package bunker.resource.deployment;

import bunker.aws.AwsClients;
import bunker.aws.organizations.OrganizationSettings;
import bunker.aws.organizations.OrganizationUnits;
import bunker.aws.sts.CallerIdentity;
import bunker.topology.Environment;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.organizations.model.Account;
import software.amazon.awssdk.services.organizations.model.AccountStatus;
import software.amazon.awssdk.services.organizations.model.Organization;

/**
 * Learns the {@link Environment} of a deployment from AWS at apply time: who we are (STS), which
 * organisation (Organizations), and, only when the RAM share needs them, the target accounts.
 */
final class Environments {
  private Environments() {}

  static Environment lookup(AwsClients aws, List<String> targets, boolean needAccounts) {
    CallerIdentity me = aws.identity();
    Organization org = new OrganizationSettings(aws.organizations()).describe();
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
    return new Environment(me.partition(), aws.region().id(), me.account(), org.id(),
        org.masterAccountId(), accounts.stream().distinct().sorted().toList(),
        principalArns(me.arn()));
  }

  /**
   * The {@code aws:PrincipalArn} patterns that policies can name for the caller. An
   * assumed-role session ({@code arn:aws:sts::1:assumed-role/Role/session}) stands for its role,
   * whose ARN carries the role's path; GetCallerIdentity leaves the path out, so the role is
   * named with and without a path ({@code role/Role}, {@code role/*}{@code /Role}): an IAM
   * Identity Center role lives under {@code /aws-reserved/sso.amazonaws.com/<region>/}. A
   * role name is unique in its account, so the pattern matches that role only, with no
   * {@code iam:GetRole} call (and no permission for it) needed. Any other caller (an IAM user:
   * its ARN already has its path) is named as it is.
   */
  static List<String> principalArns(String callerArn) {
    String[] parts = callerArn.split(":", 6);
    if (parts.length == 6 && parts[2].equals("sts") && parts[5].startsWith("assumed-role/")) {
      String role = parts[5].substring("assumed-role/".length()).split("/")[0];
      String prefix = "arn:" + parts[1] + ":iam::" + parts[4] + ":role/";
      return List.of(prefix + role, prefix + "*/" + role);
    }
    return List.of(callerArn);
  }
}
