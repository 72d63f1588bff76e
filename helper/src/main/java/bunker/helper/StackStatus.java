package bunker.helper;

/** What CloudFormation says a stack is doing: its DescribeStacks {@code StackStatus}. */
@FunctionalInterface
public interface StackStatus {
  /**
   * The status of {@code stackName} (a name or a stack id), e.g. {@code DELETE_IN_PROGRESS};
   * "" when DescribeStacks answers no stack. Throws when DescribeStacks fails.
   */
  String of(String stackName);
}
