package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NamesTest {

  @Test
  void names_followTheDocumentedPattern() {
    Names n = Names.of(Fixtures.spec());
    // The seed module's names: retention bounds in the locked vaults' names.
    assertEquals("bunker-prod-lag-7-400", n.lagVault());
    assertEquals("bunker-prod-intermediate", n.intermediateVault());
    assertEquals("bunker-prod-standard-7-400", n.standardVault());
    assertEquals("bunker-prod-standard-30-90", n.standardVault(30, 90));
    assertEquals("alias/bunker-prod", n.keyAlias());
    assertEquals("bunker-prod", n.eventBus());
    assertEquals("bunker-prod", n.resourceShare());
    assertEquals("bunker-prod-backup-ingest", n.ingestStateMachine());
    assertEquals("bunker-prod-backup-restore", n.restoreStateMachine());
    assertEquals("/aws/vendedlogs/states/bunker-prod-backup-ingest", n.ingestLogGroup());
    assertEquals("bunker-prod-backup-ingest-sfn", n.ingestRole());
    assertEquals("bunker-prod-backup-restore-sfn", n.restoreRole());
    assertEquals("bunker-prod-backup-ingest-eventbridge", n.ingestEventsRole());
    assertEquals("default-to-bunker-prod-event-bus", n.forwardRole());
    assertEquals("backup-events-to-bunker-prod-event-bus", n.forwardRule());
    assertEquals("bunker-prod-backup-ingest", n.ingestRule());
    assertEquals("bunker-m-prod", n.stackSet());
    assertEquals("bunker-m-prod-cmk", n.workloadBackupVault());
    assertEquals("bunker-m-prod-default", n.workloadRestoreVault());
    assertEquals("bunker-prod-backup-service-restore-role", n.workloadRestoreRole());
    assertEquals("bunker-prod-daily-std-euw2", n.backupPlan("daily", false));
    assertEquals("bunker-prod", n.backupPolicy(0, 1));
    assertEquals("bunker-prod-2", n.backupPolicy(1, 3));
    assertEquals("bunker-deployment-helper", n.helperTopic());
  }

  @Test
  void workloadHelperRole_theSeedModulesRegionalNameWhereItFits() {
    Environment env = Fixtures.spec().environment();
    DeploymentSpec shortName = DeploymentSpec.builder("prod", env).build();
    assertEquals("orgdeploy-immutable-aws-backup-prod-deployment-helper-" + env.region(),
        Names.of(shortName).workloadHelperRole());
    // 31 + 11 + 18 + 10 characters: past IAM's 64 with the region, so without it.
    DeploymentSpec longName = DeploymentSpec.builder("quickstart1", env).build();
    assertEquals("orgdeploy-immutable-aws-backup-quickstart1-deployment-helper",
        Names.of(longName).workloadHelperRole());
    assertEquals("m-prod-deployment-helper",
        Names.of("c-", "m-", "prod").workloadHelperRole(), "no region: no suffix");
  }

  @Test
  void arns_useTheEnvironment() {
    Arns a = Arns.of(Fixtures.spec());
    assertEquals("arn:aws:backup:eu-west-2:111111111111:backup-vault:bunker-prod-lag-7-400",
        a.lagVault());
    assertEquals("arn:aws:events:eu-west-2:111111111111:event-bus/bunker-prod", a.eventBus());
    assertEquals(
        "arn:aws:events:eu-west-2:111111111111:rule/bunker-prod/bunker-prod-backup-ingest",
        a.eventRule("bunker-prod", "bunker-prod-backup-ingest"));
    assertEquals(
        "arn:aws:events:eu-west-2:111111111111:rule/backup-events-to-bunker-prod-event-bus",
        a.eventRule("default", "backup-events-to-bunker-prod-event-bus"));
    assertEquals("arn:aws:organizations::222222222222:ou/o-a1b2c3d4e5/ou-ab12-prod0001",
        a.organizationalUnit(Fixtures.PROD_OU));
    assertEquals(List.of("o-a1b2c3d4e5/*/ou-ab12-dev00002/*", "o-a1b2c3d4e5/*/ou-ab12-prod0001/*"),
        a.targetOrgPaths());
  }

  static Stream<Arguments> limits() {
    return Stream.of(
        Arguments.of(NameLimit.BACKUP_VAULT, "v".repeat(50), "v".repeat(51)),
        Arguments.of(NameLimit.BACKUP_VAULT, "ab", "a"),
        Arguments.of(NameLimit.BACKUP_VAULT, "a_b-c", "a.b"),
        Arguments.of(NameLimit.IAM_ROLE, "r".repeat(64), "r".repeat(65)),
        Arguments.of(NameLimit.EVENT_RULE, "r".repeat(64), "r".repeat(65)),
        Arguments.of(NameLimit.EVENT_BUS, "b/.".repeat(85), "b".repeat(257)),
        Arguments.of(NameLimit.STATE_MACHINE, "s".repeat(80), "s".repeat(81)),
        Arguments.of(NameLimit.KMS_ALIAS, "alias/" + "k".repeat(250), "alias/" + "k".repeat(251)),
        Arguments.of(NameLimit.KMS_ALIAS, "alias/x", "alias/aws/x"),
        Arguments.of(NameLimit.LOG_GROUP, "/" + "l".repeat(511), "/" + "l".repeat(512)),
        Arguments.of(NameLimit.STACK_SET, "a" + "-1".repeat(63), "a" + "-1".repeat(64)),
        Arguments.of(NameLimit.STACK_SET, "a-b", "1-b"),
        Arguments.of(NameLimit.STACK_SET, "ab", "a_b"),
        Arguments.of(NameLimit.ORGANIZATIONS_POLICY, "p".repeat(128), "p".repeat(129)),
        Arguments.of(NameLimit.BACKUP_PLAN, "p.".repeat(25), "p".repeat(51)));
  }

  @ParameterizedTest
  @MethodSource("limits")
  void nameLimit_acceptsAtTheLimit_rejectsPastIt(NameLimit limit, String ok, String bad) {
    assertEquals(Optional.empty(), limit.problem(ok));
    assertTrue(limit.problem(bad).isPresent(), bad);
  }

  static Stream<Arguments> regionCodes() {
    return Stream.of(Arguments.of("eu-west-2", "euw2"), Arguments.of("us-east-1", "use1"),
        Arguments.of("ap-southeast-2", "apse2"), Arguments.of("ap-northeast-1", "apne1"),
        Arguments.of("ap-south-1", "aps1"), Arguments.of("ca-central-1", "cac1"),
        Arguments.of("eu-central-1", "euc1"), Arguments.of("sa-east-1", "sae1"),
        Arguments.of("us-gov-west-1", "ugw1"), Arguments.of("cn-north-1", "cnn1"));
  }

  @ParameterizedTest
  @MethodSource("regionCodes")
  void regionCode_isTheBillingAbbreviation(String region, String code) {
    assertEquals(code, Names.regionCode(region));
  }

  @Test
  void generation_readsOnlyThisDeploymentsNumberedVaults() {
    Names n = Names.of(Fixtures.spec());
    assertEquals(List.of(7, 400), toList(Names.generation(n.standardVaultPrefix(),
        "bunker-prod-standard-7-400")));
    assertEquals(List.of(35, 35), toList(Names.generation(n.lagVaultPrefix(),
        "bunker-prod-lag-35-35")));
    // Another deployment whose name starts the same way, or no numbers: not a generation.
    assertTrue(Names.generation(n.standardVaultPrefix(), "bunker-prod-standard-x-7-400")
        .isEmpty());
    assertTrue(Names.generation(n.standardVaultPrefix(), "bunker-prod-standard-7").isEmpty());
    assertTrue(Names.generation(n.standardVaultPrefix(), "bunker-prod2-standard-7-400")
        .isEmpty());
  }

  private static List<Integer> toList(Optional<int[]> bounds) {
    int[] b = bounds.orElseThrow();
    return List.of(b[0], b[1]);
  }

  @Test
  void all_fixtureNamesAreValid() {
    for (DerivedName name : Names.of(Fixtures.spec()).all()) {
      assertEquals(Optional.empty(), name.limit().problem(name.value()), name.role());
    }
  }

  @Test
  void resourceShare_prefersAccountIds_elseOuArns() {
    ResourceShareSpec share = ResourceShareSpec.of(Fixtures.spec()).orElseThrow();
    assertEquals(List.of("333333333333", "444444444444"), share.principals());
    assertEquals(List.of(
            "arn:aws:backup:eu-west-2:111111111111:backup-vault:bunker-prod-lag-7-400"),
        share.resourceArns());
    Environment noAccounts = new Environment("aws", "eu-west-2", Fixtures.CENTRAL, Fixtures.ORG,
        Fixtures.MANAGEMENT, List.of(), List.of());
    DeploymentSpec spec = Fixtures.spec().toBuilder().build();
    DeploymentSpec withoutAccounts = new DeploymentSpec(spec.name(), spec.backupTargets(),
        spec.minRetentionDays(), spec.maxRetentionDays(), spec.backupTagKey(), spec.plans(),
        spec.vaultLock(), spec.intermediateRetentionDays(), true, spec.adminRoleNames(),
        spec.forceDestroy(), spec.tags(), spec.centralPrefix(), spec.memberPrefix(),
        spec.stackSetOperation(), null, noAccounts);
    assertEquals(List.of(
            "arn:aws:organizations::222222222222:ou/o-a1b2c3d4e5/ou-ab12-dev00002",
            "arn:aws:organizations::222222222222:ou/o-a1b2c3d4e5/ou-ab12-prod0001"),
        ResourceShareSpec.of(withoutAccounts).orElseThrow().principals());
    assertTrue(ResourceShareSpec.of(Fixtures.builder().allowBackupTargetsToRestore(false)
        .build()).isEmpty());
  }
}
