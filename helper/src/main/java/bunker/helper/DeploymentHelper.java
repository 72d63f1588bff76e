package bunker.helper;

import bunker.aws.AwsErrors;
import bunker.topology.WorkloadTemplate;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns one custom-resource request into the response to send: picks the PhysicalResourceId,
 * dispatches Create / Update / Delete to {@link WorkloadVaults} in the stack's account, and turns
 * every exception into FAILED with a reason CloudFormation shows in the stack's events. Never
 * throws for a well-formed request.
 */
public final class DeploymentHelper {

  /** Opens clients acting as a role in a workload account; {@link HelperClients} in Lambda. */
  @FunctionalInterface
  public interface AccountOpener {
    HelperClients.Account open(String roleArn, String region, String partition);
  }

  private final AccountOpener opener;
  private final Consumer<String> log;

  public DeploymentHelper(AccountOpener opener, Consumer<String> log) {
    this.opener = opener;
    this.log = log;
  }

  /** Handles {@code request}, finishing its AWS work before {@code deadline} where it can. */
  public CustomResourceResponse handle(CustomResourceRequest request, Deadline deadline) {
    log.accept(request.requestType().wire() + " " + request.resourceType() + " "
        + request.logicalResourceId() + " in " + request.stackId() + " (request "
        + request.requestId() + ", physical id \"" + request.physicalResourceId() + "\")");
    try {
      return switch (request.requestType()) {
        case CREATE -> create(request, deadline);
        case UPDATE -> update(request, deadline);
        case DELETE -> delete(request, deadline);
      };
    } catch (RuntimeException e) {
      log.accept("FAILED: " + describe(e));
      return CustomResourceResponse.failed(request, failedId(request), describe(e));
    }
  }

  /** The id a FAILED answer carries when the work itself threw or ran out of time. */
  static String failedId(CustomResourceRequest request) {
    return request.requestType() == RequestType.CREATE ? PhysicalIds.failed(request)
        : request.physicalResourceId();
  }

  /** The reason text for an exception: our refusals verbatim, others with their error code. */
  static String describe(Throwable e) {
    if (e instanceof HelperFailure) {
      return e.getMessage();
    }
    String code = AwsErrors.errorCode(e);
    String kind = code.isEmpty() ? e.getClass().getSimpleName() : code;
    return kind + ": " + AwsErrors.message(e);
  }

  private CustomResourceResponse create(CustomResourceRequest request, Deadline deadline) {
    checkType(request);
    VaultsProperties p = VaultsProperties.from(request.properties());
    String id = p.physicalId(request.accountId());
    Map<String, String> data = vaults(request, p, deadline).create(p, id);
    return CustomResourceResponse.success(request, id, data);
  }

  private CustomResourceResponse update(CustomResourceRequest request, Deadline deadline) {
    checkType(request);
    VaultsProperties now = VaultsProperties.from(request.properties());
    VaultsProperties old = request.oldProperties().isEmpty() ? now
        : VaultsProperties.from(request.oldProperties());
    // A renamed helper role (the stack replaces it) is new to the vaults' current policy, which
    // exempts only the old one; the old role exists until the stack's clean-up, so the update
    // acts as the old role and its new policy then exempts the new one.
    String id = now.physicalId(request.accountId());
    Map<String, String> data = vaults(request, old, deadline)
        .update(old, now, request.physicalResourceId(), id);
    return CustomResourceResponse.success(request, id, data);
  }

  private CustomResourceResponse delete(CustomResourceRequest request, Deadline deadline) {
    String id = request.physicalResourceId();
    String answerId = id.isEmpty() ? failedId(request) : id;
    if (!WorkloadTemplate.VAULTS_RESOURCE_TYPE.equals(request.resourceType())) {
      // Another template's custom resource whose service token is now ours: the seed module's
      // vaults and service-linked role, removed from the stack when Bunker's template replaces
      // the seed's. Deleting here would destroy the vaults Bunker goes on using.
      log.accept("released " + request.resourceType() + " " + request.logicalResourceId()
          + " (physical id \"" + id + "\"): not a " + WorkloadTemplate.VAULTS_RESOURCE_TYPE
          + ", so it leaves the stack without being deleted; its vaults and roles, if any, are"
          + " left in place");
      return CustomResourceResponse.success(request, answerId, Map.of());
    }
    if (!PhysicalIds.ownsVaults(id)) {
      // The rollback of a Create that failed: that Create removed what it made.
      log.accept("nothing to delete for physical id \"" + id + "\"");
      return CustomResourceResponse.success(request, answerId, Map.of());
    }
    VaultsProperties p = VaultsProperties.from(request.properties());
    vaults(request, p, deadline).delete(p, id, request.stackId());
    return CustomResourceResponse.success(request, id, Map.of());
  }

  private WorkloadVaults vaults(CustomResourceRequest request, VaultsProperties p,
      Deadline deadline) {
    HelperClients.Account account = opener.open(p.helperRoleArn(), request.region(),
        request.partition());
    return new WorkloadVaults(account, deadline, log);
  }

  private static void checkType(CustomResourceRequest request) {
    if (!WorkloadTemplate.VAULTS_RESOURCE_TYPE.equals(request.resourceType())) {
      throw new HelperFailure("the deployment helper serves "
          + WorkloadTemplate.VAULTS_RESOURCE_TYPE + ", not \"" + request.resourceType() + "\" ("
          + request.logicalResourceId() + "): it cannot " + request.requestType().wire()
          + " one. Only a Delete of another type is answered, releasing the resource and leaving"
          + " its objects in place; deploy Bunker's own template to the stack.");
    }
  }
}
