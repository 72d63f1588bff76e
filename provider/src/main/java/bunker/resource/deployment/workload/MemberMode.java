package bunker.resource.deployment.workload;

/** How workload accounts get their objects: the value of {@code member_deployment_mode}. */
public enum MemberMode {
  /** A service-managed StackSet with auto-deployment (the default). */
  STACKSET("stackset"),
  /** The provider assumes {@code member_role_name} in every account and manages objects itself. */
  ASSUME_ROLE("assume_role");

  private final String value;

  MemberMode(String value) {
    this.value = value;
  }

  /** The Terraform attribute value. */
  public String value() {
    return value;
  }

  /** The mode for an attribute value; {@link IllegalArgumentException} for anything else. */
  public static MemberMode of(String value) {
    for (MemberMode m : values()) {
      if (m.value.equals(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException("member_deployment_mode must be \"stackset\" or "
        + "\"assume_role\", not \"" + value + "\"");
  }
}
