package bunker.aws.sts;

import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** Who the credentials are (STS GetCallerIdentity): account and ARN. */
public record CallerIdentity(String account, String arn) {
  /** Asks STS. */
  public static CallerIdentity of(StsClient sts) {
    GetCallerIdentityResponse me = sts.getCallerIdentity();
    return new CallerIdentity(me.account(), me.arn());
  }

  /** The partition the caller's ARN names ({@code aws}, {@code aws-cn}, ...). */
  public String partition() {
    return arn.split(":")[1];
  }
}
