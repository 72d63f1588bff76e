package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

class AwsErrorsTest {
  static AwsServiceException error(int status, String code, String message) {
    return AwsServiceException.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
        .build();
  }

  @Test
  void isThrottling_throttlingExceptionCode_true() {
    assertTrue(AwsErrors.isThrottling(error(400, "ThrottlingException", "Rate exceeded")));
  }

  @Test
  void isThrottling_tooManyRequestsCode_true() {
    assertTrue(AwsErrors.isThrottling(error(400, "TooManyRequestsException", "slow down")));
  }

  @Test
  void isThrottling_http429WithUnknownCode_true() {
    assertTrue(AwsErrors.isThrottling(error(429, "Whatever", "")));
  }

  @Test
  void isThrottling_notFound_false() {
    assertFalse(AwsErrors.isThrottling(error(400, "ResourceNotFoundException", "gone")));
  }

  @Test
  void isThrottling_clientOrPlainException_false() {
    assertFalse(AwsErrors.isThrottling(SdkClientException.create("no connection")));
    assertFalse(AwsErrors.isThrottling(new IllegalStateException("x")));
  }

  @Test
  void errorCodeAndMessage_serviceError_readFromDetails() {
    AwsServiceException e = error(400, "InvalidRequestException", "contains recovery points");
    assertEquals("InvalidRequestException", AwsErrors.errorCode(e));
    assertEquals("contains recovery points", AwsErrors.message(e));
    assertTrue(AwsErrors.messageContains(e, "RECOVERY POINTS"));
    assertEquals("", AwsErrors.errorCode(new IllegalStateException()));
  }

  @Test
  void isTransient_serverError_true_clientError_false() {
    assertTrue(AwsErrors.isTransient(error(500, "ServiceUnavailableException", "")));
    assertFalse(AwsErrors.isTransient(error(400, "InvalidParameterValueException", "")));
  }
}
