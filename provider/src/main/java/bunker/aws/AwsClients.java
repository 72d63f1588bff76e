package bunker.aws;

import bunker.aws.sts.CallerIdentity;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.endpoint.AwsClientEndpointProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ClientEndpointProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.ServiceMetadataAdvancedOption;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.InstanceProfileRegionProvider;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.ram.RamClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsCredentialsProvider;

/**
 * Every AWS SDK client the provider uses, built from one {@link AwsSettings}. The provider's
 * {@code ConfigureProvider} makes one; resources take their clients from it.
 *
 * <p>Nothing happens at construction: the HTTP client, credentials, region and each service
 * client are created on first use, because provider start-up time is measured and most runs
 * (plan of an unchanged deployment) touch only a few services. Thread-safe.
 *
 * <p>What the settings leave unset comes from the environment as hashicorp/aws takes it:
 * Region from {@code AWS_REGION} or {@code AWS_DEFAULT_REGION}, then the profile's; the profile
 * from {@code AWS_PROFILE} or {@code AWS_DEFAULT_PROFILE} (the SDK alone reads neither
 * {@code AWS_DEFAULT_*}).
 *
 * <p>Endpoints: the settings' {@code endpoint_url}/{@code endpoints} override; otherwise the
 * SDK itself honours {@code AWS_ENDPOINT_URL} and {@code AWS_ENDPOINT_URL_<SERVICE>}, so that is
 * not repeated here. Retries: {@link #maxAttempts} attempts, in the mode the SDK's settings name
 * ({@code aws.retryMode}, {@code AWS_RETRY_MODE}, the profile's {@code retry_mode}; standard
 * when none does), throttling backed off by the SDK.
 */
public final class AwsClients implements AutoCloseable {
  /** Enough connections for the vault emptier's highest concurrency plus other calls. */
  private static final int MAX_CONNECTIONS = 64;
  /**
   * Retries of a call when neither the provider block's {@code max_retries} nor the SDK's
   * settings ({@link #maxAttempts}) say. The SDK's own default (2 retries, 3 attempts) lost a
   * deployment's apply to 20% throttling in the reliability tests: one of its ~150 calls is
   * throttled three times in a row. hashicorp/aws uses 25; 10 keeps a persistently failing call
   * from hanging for minutes.
   */
  public static final int DEFAULT_MAX_RETRIES = 10;

  private final AwsSettings settings;
  private final Function<String, String> env;
  /** The shared files' profile these clients read ({@code resolveProfile}); "" = default. */
  private final String profile;
  private final Lazy<SdkHttpClient> http;
  private final boolean ownsHttp;
  private final Lazy<AwsCredentialsProvider> credentials;
  private final Lazy<Region> region;
  private final Lazy<Retries> retries;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private final Lazy<BackupClient> backup;
  private final Lazy<BackupClient> backupForBulk;
  private final Lazy<KmsClient> kms;
  private final Lazy<IamClient> iam;
  private final Lazy<StsClient> sts;
  private final Lazy<OrganizationsClient> organizations;
  private final Lazy<EventBridgeClient> eventBridge;
  private final Lazy<SfnClient> sfn;
  private final Lazy<RamClient> ram;
  private final Lazy<CloudFormationClient> cloudFormation;
  private final Lazy<CloudWatchLogsClient> logs;
  private final Lazy<SnsClient> sns;
  private final Lazy<SsmClient> ssm;
  private final Lazy<LambdaClient> lambda;
  private final Lazy<CallerIdentity> identity;

  /** Clients for the settings; nothing is created until a client is asked for. */
  public static AwsClients create(AwsSettings settings) {
    return create(settings, System::getenv);
  }

  /** As {@link #create(AwsSettings)}, reading environment variables from {@code env}. */
  static AwsClients create(AwsSettings settings, Function<String, String> env) {
    return new AwsClients(settings, env, null, null, null, null);
  }

  private AwsClients(AwsSettings settings, Function<String, String> env,
      Lazy<SdkHttpClient> sharedHttp, Lazy<Region> sharedRegion, Lazy<Retries> sharedRetries,
      Supplier<AwsCredentialsProvider> credentialsOverride) {
    this.settings = settings;
    this.env = env;
    this.profile = resolveProfile(settings, env);
    this.ownsHttp = sharedHttp == null;
    this.http = ownsHttp ? new Lazy<>(this::newHttpClient) : sharedHttp;
    this.region = sharedRegion != null ? sharedRegion : new Lazy<>(this::resolveRegion);
    this.retries = sharedRetries != null ? sharedRetries : new Lazy<>(this::resolveRetries);
    this.credentials = new Lazy<>(
        credentialsOverride != null ? credentialsOverride : this::resolveCredentials);
    this.backup = new Lazy<>(() -> build(BackupClient.builder(), "backup"));
    this.backupForBulk = new Lazy<>(() -> build(BackupClient.builder(), bulkOverrides(),
        "backup"));
    this.kms = new Lazy<>(() -> build(KmsClient.builder(), "kms"));
    this.iam = new Lazy<>(() -> build(IamClient.builder(), "iam"));
    this.sts = new Lazy<>(() -> build(StsClient.builder(), "sts"));
    this.organizations = new Lazy<>(() -> build(OrganizationsClient.builder(), "organizations"));
    this.eventBridge = new Lazy<>(
        () -> build(EventBridgeClient.builder(), "events", "eventbridge"));
    this.sfn = new Lazy<>(() -> build(SfnClient.builder(), "sfn", "stepfunctions"));
    this.ram = new Lazy<>(() -> build(RamClient.builder(), "ram"));
    this.cloudFormation = new Lazy<>(
        () -> build(CloudFormationClient.builder(), "cloudformation"));
    this.logs = new Lazy<>(
        () -> build(CloudWatchLogsClient.builder(), "logs", "cloudwatchlogs"));
    this.sns = new Lazy<>(() -> build(SnsClient.builder(), "sns"));
    this.ssm = new Lazy<>(() -> build(SsmClient.builder(), "ssm"));
    this.lambda = new Lazy<>(() -> build(LambdaClient.builder(), "lambda"));
    this.identity = new Lazy<>(() -> CallerIdentity.of(sts()));
  }

  public AwsSettings settings() {
    return settings;
  }

  /**
   * The region every client uses: the settings', else {@code aws.region}, {@code AWS_REGION},
   * {@code AWS_DEFAULT_REGION}, the profile's {@code region}, the EC2 instance metadata's.
   */
  public Region region() {
    return region.get();
  }

  /** The partition of {@link #region()}: {@code aws}, {@code aws-cn} or {@code aws-us-gov}. */
  public String partition() {
    String r = region().id();
    if (r.startsWith("cn-")) {
      return "aws-cn";
    }
    return r.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  }

  /** The HTTP client every client here shares (for the few calls made without an SDK client). */
  public SdkHttpClient httpClient() {
    return http.get();
  }

  /** The credentials these clients sign with. */
  public AwsCredentialsProvider credentialsProvider() {
    return credentials.get();
  }

  /** Who these clients act as (STS GetCallerIdentity, asked once). */
  public CallerIdentity identity() {
    return identity.get();
  }

  /** The account these clients act in ({@link #identity}). */
  public String accountId() {
    return identity().account();
  }

  public BackupClient backup() {
    return backup.get();
  }

  /**
   * A Backup client for bulk work (emptying vaults) whose own congestion control lowers its
   * concurrency on throttling: the SDK still retries throttled calls, but from a short base
   * delay (50 ms, capped at 2 s) and without the retry-quota circuit breaker, which would
   * otherwise fail hundreds of calls at once during one burst of throttling.
   */
  public BackupClient backupForBulk() {
    return backupForBulk.get();
  }

  public KmsClient kms() {
    return kms.get();
  }

  public IamClient iam() {
    return iam.get();
  }

  public StsClient sts() {
    return sts.get();
  }

  public OrganizationsClient organizations() {
    return organizations.get();
  }

  public EventBridgeClient eventBridge() {
    return eventBridge.get();
  }

  public SfnClient sfn() {
    return sfn.get();
  }

  public RamClient ram() {
    return ram.get();
  }

  public CloudFormationClient cloudFormation() {
    return cloudFormation.get();
  }

  public CloudWatchLogsClient logs() {
    return logs.get();
  }

  public SnsClient sns() {
    return sns.get();
  }

  public SsmClient ssm() {
    return ssm.get();
  }

  public LambdaClient lambda() {
    return lambda.get();
  }

  /**
   * Where S3 calls go, resolved by the SDK's own endpoint code with the same rules as every
   * client here: the settings' {@code endpoints}/{@code endpoint_url}; else
   * {@code AWS_ENDPOINT_URL_S3}, {@code AWS_ENDPOINT_URL} (and their system properties) and the
   * shared config file's {@code endpoint_url} (of the profile, as the other clients);
   * else S3's regional endpoint (then {@link ClientEndpointProvider#isEndpointOverridden} is
   * false). S3 has no SDK client here ({@code s3/Buckets} signs its few calls itself), so it
   * asks for the endpoint directly.
   */
  public ClientEndpointProvider s3Endpoint() {
    AwsClientEndpointProvider.Builder endpoint = AwsClientEndpointProvider.builder()
        .serviceEndpointOverrideEnvironmentVariable("AWS_ENDPOINT_URL_S3")
        .serviceEndpointOverrideSystemProperty("aws.endpointUrlS3")
        .serviceProfileProperty("s3")
        .serviceEndpointPrefix("s3")
        .defaultProtocol("https")
        .region(region())
        .putAdvancedOption(ServiceMetadataAdvancedOption.DEFAULT_S3_US_EAST_1_REGIONAL_ENDPOINT,
            "regional");
    if (!profile.isEmpty()) {
      endpoint.profileName(profile);
    }
    settings.endpointFor("s3").ifPresent(url -> endpoint.clientEndpointOverride(URI.create(url)));
    return endpoint.build();
  }

  /**
   * Attempts per call: {@code max_retries} + 1; unset, what the AWS SDKs' settings say
   * ({@code aws.maxAttempts}, {@code AWS_MAX_ATTEMPTS}, then the profile's
   * {@code max_attempts}, which hashicorp/aws reads too and the Java SDK does not); else
   * {@link #DEFAULT_MAX_RETRIES} + 1.
   */
  public int maxAttempts() {
    return retries.get().maxAttempts();
  }

  /**
   * New clients acting in a member account, by assuming {@code roleName} there (e.g.
   * {@code OrganizationAccountAccessRole}) with these clients' credentials; the credentials
   * refresh themselves before they expire. They are the caller's own: it closes them when it is
   * done there (a run over a thousand accounts keeps only the accounts in progress), and closing
   * them touches no other caller's clients for the same account (two deployments of one apply
   * working in one account at once). Shares the HTTP client, which stays open.
   */
  public AwsClients openAccount(String accountId, String roleName) {
    String roleArn = "arn:" + partition() + ":iam::" + accountId + ":role/" + roleName;
    // A new account's role may not be usable yet: AccessDenied is retried a while.
    Supplier<AwsCredentialsProvider> assumed = () -> new PropagatingCredentials(
        StsAssumeRoleCredentialsProvider.builder()
            .stsClient(sts())
            .refreshRequest(r -> r.roleArn(roleArn).roleSessionName("bunker-" + accountId))
            .build());
    return new AwsClients(settings.withAssumeRole(AwsSettings.AssumeRole.NONE), env, http,
        region, retries, assumed);
  }

  /**
   * Closes every client created so far, then the HTTP client if these clients made it (member
   * clients from {@link #openAccount} share it and leave it open).
   */
  @Override
  public void close() {
    List<AutoCloseable> toClose;
    synchronized (closeables) {
      toClose = new ArrayList<>(closeables);
      closeables.clear();
    }
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        // Closing is best effort: a client that fails to close leaks nothing we can recover.
      }
    }
    if (credentials.isCreated() && credentials.get() instanceof StsCredentialsProvider p) {
      p.close();
    }
    if (ownsHttp && http.isCreated()) {
      http.get().close();
    }
  }

  private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends AutoCloseable>
      C build(B builder, String... serviceNames) {
    return build(builder, overrides(), serviceNames);
  }

  private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends AutoCloseable>
      C build(B builder, ClientOverrideConfiguration overrides, String... serviceNames) {
    builder.httpClient(http.get())
        .region(region())
        .credentialsProvider(credentials.get())
        .overrideConfiguration(overrides);
    settings.endpointFor(serviceNames).ifPresent(url -> builder.endpointOverride(URI.create(url)));
    C client = builder.build();
    track(client);
    return client;
  }

  private ClientOverrideConfiguration overrides() {
    RetryStrategy.Builder<?, ?> strategy = switch (retries.get().mode()) {
      case LEGACY -> AwsRetryStrategy.legacyRetryStrategy().toBuilder();
      // the SDK's ADAPTIVE is its older RetryPolicy, which takes no attempts; ADAPTIVE_V2 is
      // the same client-side rate limiting as a RetryStrategy
      case ADAPTIVE, ADAPTIVE_V2 -> AwsRetryStrategy.adaptiveRetryStrategy().toBuilder();
      default -> AwsRetryStrategy.standardRetryStrategy().toBuilder();
    };
    strategy.maxAttempts(maxAttempts());
    return ClientOverrideConfiguration.builder().retryStrategy(strategy.build())
        .addMetricPublisher(ThrottleSignal.PUBLISHER).applyMutation(this::useProfile).build();
  }

  /** Standard mode whatever the retry mode: its own back-off is the point of this client. */
  private ClientOverrideConfiguration bulkOverrides() {
    StandardRetryStrategy.Builder strategy = AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .throttlingBackoffStrategy(
            BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofSeconds(2)))
        .circuitBreakerEnabled(false)
        .maxAttempts(maxAttempts());
    return ClientOverrideConfiguration.builder().retryStrategy(strategy.build())
        .applyMutation(this::useProfile).build();
  }

  /**
   * The profile ({@code resolveProfile}) is the one every client reads from the shared files
   * (its {@code endpoint_url} and {@code services} section too); without this, the SDK reads
   * AWS_PROFILE's profile for those.
   */
  private void useProfile(ClientOverrideConfiguration.Builder b) {
    if (!profile.isEmpty()) {
      b.defaultProfileName(profile);
    }
  }

  private SdkHttpClient newHttpClient() {
    return ApacheHttpClient.builder()
        .maxConnections(MAX_CONNECTIONS)
        .connectionTimeout(Duration.ofSeconds(10))
        .socketTimeout(Duration.ofSeconds(60))
        .build();
  }

  /**
   * The profile of the shared files: the provider block's {@code profile}, else (as the SDK)
   * {@code aws.profile} or {@code AWS_PROFILE}, else {@code AWS_DEFAULT_PROFILE}, as
   * hashicorp/aws and the AWS CLI take it; "" when none is set (the SDK's {@code default}).
   */
  private static String resolveProfile(AwsSettings settings, Function<String, String> env) {
    return firstSet(settings.profile(), System.getProperty("aws.profile"),
        env.apply("AWS_PROFILE"), env.apply("AWS_DEFAULT_PROFILE"));
  }

  /**
   * The provider block's {@code region}, else (as the SDK) {@code aws.region} or
   * {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}, else the profile's {@code region},
   * else the EC2 instance metadata's.
   */
  private Region resolveRegion() {
    String named = firstSet(settings.region(), System.getProperty("aws.region"),
        env.apply("AWS_REGION"), env.apply("AWS_DEFAULT_REGION"));
    if (!named.isEmpty()) {
      return Region.of(named);
    }
    try {
      return new AwsRegionProviderChain(
          new AwsProfileRegionProvider(null, profile.isEmpty() ? null : profile),
          new InstanceProfileRegionProvider()).getRegion();
    } catch (SdkClientException e) {
      throw SdkClientException.create("No AWS Region: the provider block's region, AWS_REGION "
          + "and AWS_DEFAULT_REGION are unset, and " + e.getMessage(), e);
    }
  }

  /** How calls are retried: {@link #maxAttempts}, and the mode ({@code retryMode}). */
  private record Retries(int maxAttempts, RetryMode mode) {}

  private Retries resolveRetries() {
    ProfileFile files = ProfileFile.defaultProfileFile();
    Optional<Profile> named = files.profile(profile.isEmpty() ? "default" : profile);
    return new Retries(resolveMaxAttempts(named), retryMode(files));
  }

  private int resolveMaxAttempts(Optional<Profile> named) {
    if (settings.maxRetries() >= 0) {
      return settings.maxRetries() + 1;
    }
    String[][] sources = {
        {"aws.maxAttempts", System.getProperty("aws.maxAttempts")},
        {"AWS_MAX_ATTEMPTS", env.apply("AWS_MAX_ATTEMPTS")},
        {"max_attempts of profile " + (profile.isEmpty() ? "default" : profile),
            named.flatMap(p -> p.property("max_attempts")).orElse(null)}};
    for (String[] source : sources) {
      String v = source[1];
      if (v != null && !v.isEmpty()) {
        try {
          int n = Integer.parseInt(v.trim());
          if (n > 0) {
            return n;
          }
        } catch (NumberFormatException e) {
          // said below
        }
        throw new IllegalArgumentException(source[0] + " must be a whole number greater than 0, "
            + "not \"" + v + "\"");
      }
    }
    return DEFAULT_MAX_RETRIES + 1;
  }

  /**
   * The retry mode, as the SDK resolves it ({@code aws.retryMode}, {@code AWS_RETRY_MODE}, the
   * profile's {@code retry_mode}; its resolver reads the process environment itself), else
   * standard, the mode the AWS SDKs' reference guide recommends (the Java SDK's own default is
   * legacy).
   */
  private RetryMode retryMode(ProfileFile files) {
    return RetryMode.resolver().profileFile(() -> files)
        .profileName(profile.isEmpty() ? null : profile)
        .defaultRetryMode(RetryMode.STANDARD).resolve();
  }

  private static String firstSet(String... values) {
    for (String v : values) {
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return "";
  }

  private AwsCredentialsProvider resolveCredentials() {
    // A profile from the block replaces the chain; one from the environment (AWS_PROFILE,
    // AWS_DEFAULT_PROFILE) is the chain's profile step, after the environment's own keys.
    AwsCredentialsProvider base;
    if (!settings.profile().isEmpty()) {
      base = ProfileCredentialsProvider.create(profile);
    } else if (profile.isEmpty()) {
      base = DefaultCredentialsProvider.create();
    } else {
      DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder()
          .profileName(profile).build();
      track(chain);
      base = chain;
    }
    AwsSettings.AssumeRole role = settings.assumeRole();
    if (!role.isSet()) {
      return base;
    }
    // STS for the assume-role call itself uses the base credentials, not the assumed ones.
    StsClient stsForRole = StsClient.builder()
        .httpClient(http.get())
        .region(region())
        .credentialsProvider(base)
        .overrideConfiguration(overrides())
        .applyMutation(b -> settings.endpointFor("sts")
            .ifPresent(url -> b.endpointOverride(URI.create(url))))
        .build();
    track(stsForRole);
    String session = role.sessionName().isEmpty() ? "bunker" : role.sessionName();
    StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder()
        .stsClient(stsForRole)
        .refreshRequest(r -> {
          r.roleArn(role.roleArn()).roleSessionName(session);
          if (!role.externalId().isEmpty()) {
            r.externalId(role.externalId());
          }
        })
        .build();
    return provider;
  }

  private void track(AutoCloseable c) {
    synchronized (closeables) {
      closeables.add(c);
    }
  }

  /** A value computed once, on first use; thread-safe. */
  private static final class Lazy<T> {
    private final Supplier<T> supplier;
    private volatile T value;

    Lazy(Supplier<T> supplier) {
      this.supplier = supplier;
    }

    T get() {
      T v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            v = supplier.get();
            value = v;
          }
        }
      }
      return v;
    }

    boolean isCreated() {
      return value != null;
    }
  }
}
