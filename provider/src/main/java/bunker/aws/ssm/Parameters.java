package bunker.aws.ssm;

import bunker.aws.AwsErrors;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/** Systems Manager Parameter Store parameters: the deployment helper's record of its users. */
public final class Parameters {
  private final SsmClient ssm;

  public Parameters(SsmClient ssm) {
    this.ssm = ssm;
  }

  /** PutParameter, a String, overwriting. */
  public void putString(String name, String value, String description) {
    ssm.putParameter(r -> r.name(name).type(ParameterType.STRING).value(value).overwrite(true)
        .description(description));
  }

  /** Name → value of the parameters directly under {@code path} (GetParametersByPath). */
  public Map<String, String> valuesUnder(String path) {
    Map<String, String> out = new TreeMap<>();
    ssm.getParametersByPathPaginator(r -> r.path(path)).stream()
        .flatMap(page -> page.parameters().stream()).forEach(p -> out.put(p.name(), p.value()));
    return out;
  }

  /** DeleteParameter; a missing parameter is success. */
  public void delete(String name) {
    AwsErrors.doneOn(() -> ssm.deleteParameter(r -> r.name(name)), "ParameterNotFound");
  }
}
