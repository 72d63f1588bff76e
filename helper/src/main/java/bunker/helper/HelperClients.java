package bunker.helper;

import bunker.aws.PropagatingCredentials;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The helper's AWS clients. The Lambda's own credentials (its execution role in the central
 * account) only call STS AssumeRole; every Backup and IAM call is made as the workload account's
 * {@code HelperRoleArn}. Clients are cached per role and region, so warm invocations reuse
 * connections and unexpired credentials. One HTTP client (the JDK's HttpURLConnection) for all.
 *
 * <p>The role is new when the workload stack has just made it: AssumeRole is retried on
 * AccessDenied while IAM propagates it ({@link PropagatingCredentials}), and so are the first
 * calls made with it, until one has succeeded (its inline policy may lag the role), within the
 * SDK's attempts.
 */
public final class HelperClients implements AutoCloseable {
  /**
   * Attempts per call, as the provider's default (10 retries): the helper answers one
   * CloudFormation request with some twenty calls, and the SDK's default three attempts let a
   * throttling burst fail the whole stack operation.
   */
  private static final int MAX_ATTEMPTS = 11;

  /**
   * Backup and IAM clients acting in one workload account, and its stacks' status
   * (CloudFormation DescribeStacks, {@link CloudFormationStatus}).
   */
  public record Account(BackupClient backup, BackupClient bulkBackup, IamClient iam,
      StackStatus stackStatus) {}

  private final String endpointUrl;
  private final AwsCredentialsProvider base;
  private final SdkHttpClient http;
  private final Map<String, StsClient> sts = new ConcurrentHashMap<>();
  private final Map<String, Account> accounts = new ConcurrentHashMap<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /**
   * Clients with the default credential chain (the Lambda's environment).
   *
   * @param endpointUrl one endpoint for every service (an emulator); empty = AWS (the SDK still
   *     honours {@code AWS_ENDPOINT_URL} by itself)
   */
  public static HelperClients create(String endpointUrl) {
    return new HelperClients(endpointUrl, DefaultCredentialsProvider.create());
  }

  HelperClients(String endpointUrl, AwsCredentialsProvider base) {
    this.endpointUrl = endpointUrl == null ? "" : endpointUrl;
    this.base = base;
    this.http = UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(10))
        .socketTimeout(Duration.ofSeconds(60))
        .build();
  }

  /** Clients acting as {@code roleArn} (in its account) in {@code region}. */
  public Account forRole(String roleArn, String region, String partition) {
    return accounts.computeIfAbsent(roleArn + "|" + region, key -> {
      StsAssumeRoleCredentialsProvider assumed = StsAssumeRoleCredentialsProvider.builder()
          .stsClient(sts(region))
          .refreshRequest(r -> r.roleArn(roleArn).roleSessionName("bunker-deployment-helper"))
          .build();
      track(assumed);
      AwsCredentialsProvider credentials = new PropagatingCredentials(assumed);
      FirstCalls first = new FirstCalls();
      Region r = Region.of(region);
      BackupClient backup = track(configure(BackupClient.builder(), r, credentials)
          .overrideConfiguration(first.wrap(standardRetries())).build());
      BackupClient bulk = track(configure(BackupClient.builder(), r, credentials)
          .overrideConfiguration(first.wrap(bulkRetries())).build());
      IamClient iam = track(configure(IamClient.builder(), globalRegion(partition), credentials)
          .overrideConfiguration(first.wrap(standardRetries())).build());
      return new Account(backup, bulk, iam,
          CloudFormationStatus.of(http, credentials, r, endpointUrl));
    });
  }

  private StsClient sts(String region) {
    return sts.computeIfAbsent(region, r -> track(configure(StsClient.builder(), Region.of(r),
        base).overrideConfiguration(standardRetries()).build()));
  }

  private <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>
      & software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<B, ?>> B configure(
      B builder, Region region, AwsCredentialsProvider credentials) {
    builder.httpClient(http).region(region).credentialsProvider(credentials);
    if (!endpointUrl.isEmpty()) {
      builder.endpointOverride(URI.create(endpointUrl));
    }
    return builder;
  }

  private static ClientOverrideConfiguration standardRetries() {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(MAX_ATTEMPTS).build()).build();
  }

  /**
   * For the vault emptier, as the provider's bulk client: throttled calls retried from a short
   * base delay and without the retry-quota circuit breaker, so one burst of throttling slows
   * the emptier (which adapts its concurrency) instead of failing hundreds of deletes at once.
   */
  private static ClientOverrideConfiguration bulkRetries() {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .throttlingBackoffStrategy(
                BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofSeconds(2)))
            .circuitBreakerEnabled(false)
            .maxAttempts(MAX_ATTEMPTS)
            .build())
        .build();
  }

  /**
   * Until a call made with a role's credentials has succeeded, AccessDenied is retried like a
   * throttle (the SDK's attempts and back-off): the role's inline policy may not have
   * propagated yet. After the first success an AccessDenied is a real denial and fails at once.
   */
  static final class FirstCalls implements ExecutionInterceptor {
    private final AtomicBoolean succeeded = new AtomicBoolean();

    @Override
    public void afterExecution(Context.AfterExecution context,
        ExecutionAttributes executionAttributes) {
      succeeded.set(true);
    }

    boolean retries(Throwable t) {
      return !succeeded.get() && PropagatingCredentials.isAccessDenied(t);
    }

    ClientOverrideConfiguration wrap(ClientOverrideConfiguration base) {
      RetryStrategy strategy = base.retryStrategy().orElseThrow().toBuilder()
          .retryOnException(this::retries).build();
      return base.toBuilder().retryStrategy(strategy).addExecutionInterceptor(this).build();
    }
  }

  /** IAM is global: its signing region is the partition's global one. */
  static Region globalRegion(String partition) {
    return switch (partition) {
      case "aws-cn" -> Region.AWS_CN_GLOBAL;
      case "aws-us-gov" -> Region.AWS_US_GOV_GLOBAL;
      default -> Region.AWS_GLOBAL;
    };
  }

  private <T extends AutoCloseable> T track(T c) {
    synchronized (closeables) {
      closeables.add(c);
    }
    return c;
  }

  @Override
  public void close() {
    List<AutoCloseable> all;
    synchronized (closeables) {
      all = new ArrayList<>(closeables);
      closeables.clear();
    }
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        // best effort: nothing to recover from a client that fails to close
      }
    }
    accounts.clear();
    sts.clear();
    http.close();
  }
}
