package bunker.aws.sfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import bunker.aws.Waiters;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeStateMachineRequest;
import software.amazon.awssdk.services.sfn.model.DescribeStateMachineResponse;

/**
 * A state machine that is not there reads the same whichever finder asks: {@code findByArn},
 * {@code findDefinition} and the delete wait share one list of not-found codes
 * (StateMachineDoesNotExist, DescribeStateMachine in the Step Functions API reference; and
 * ResourceNotFound).
 */
class StateMachinesTest {
  private static final String ARN = "arn:aws:states:eu-west-2:111111111111:stateMachine:m";

  /** DescribeStateMachine fails with {@code code}, or answers a definition when code is "". */
  private record FakeSfn(String code) implements SfnClient {
    @Override
    public DescribeStateMachineResponse describeStateMachine(DescribeStateMachineRequest r) {
      if (code.isEmpty()) {
        return DescribeStateMachineResponse.builder().stateMachineArn(r.stateMachineArn())
            .status("ACTIVE").definition("{\"StartAt\":\"A\"}").build();
      }
      throw AwsServiceException.builder().statusCode(400).awsErrorDetails(
          AwsErrorDetails.builder().errorCode(code).errorMessage(code + ": " + ARN).build())
          .build();
    }

    @Override
    public String serviceName() {
      return "states";
    }

    @Override
    public void close() {}
  }

  private static StateMachines machines(String code) {
    return new StateMachines(new FakeSfn(code), Waiters.system());
  }

  @Test
  void everyNotFoundCode_isEmpty_forBothFinders() {
    for (String code : new String[] {"StateMachineDoesNotExist", "ResourceNotFound"}) {
      StateMachines machines = machines(code);
      assertEquals(Optional.empty(), machines.findByArn(ARN), code);
      assertEquals(Optional.empty(), machines.findDefinition(ARN), code);
    }
  }

  @Test
  void otherErrors_areNotNotFound() {
    StateMachines machines = machines("AccessDeniedException");
    assertThrows(AwsServiceException.class, () -> machines.findDefinition(ARN));
    assertThrows(AwsServiceException.class, () -> machines.findByArn(ARN));
  }

  @Test
  void anExistingMachine_givesItsDefinition() {
    assertEquals(Optional.of("{\"StartAt\":\"A\"}"),
        machines("").findDefinition(ARN));
  }
}
