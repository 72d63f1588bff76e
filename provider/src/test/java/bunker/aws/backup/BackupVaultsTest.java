package bunker.aws.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.AwsErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.backup.model.BackupVaultListMember;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultRequest;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;
import software.amazon.awssdk.services.backup.model.ListBackupVaultsRequest;
import software.amazon.awssdk.services.backup.model.ListBackupVaultsResponse;
import software.amazon.awssdk.services.backup.model.VaultType;

/**
 * {@link BackupVaults#findByName} when DescribeBackupVault answers AccessDeniedException: AWS
 * gives that answer for a vault that does not exist (terraform-provider-aws#11840,
 * aws/aws-sdk-js#2625) and for a vault whose access policy denies the caller. The listings
 * (ListBackupVaults, standard and logically air-gapped) tell the two apart.
 */
class BackupVaultsTest {
  private static AwsServiceException error(int status, String code) {
    return (AwsServiceException) AwsServiceException.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code)
            .errorMessage("Insufficient privileges to perform this action.").build())
        .build();
  }

  /**
   * Describe fails with {@code describeError} (or answers when null); the listings hold
   * {@code listed} by vault type, or fail with {@code listError}. Records the listings asked.
   */
  private static final class FakeBackup implements BackupClient {
    final RuntimeException describeError;
    final Map<VaultType, List<String>> listed;
    final RuntimeException listError;
    final List<String> listings = new ArrayList<>();

    FakeBackup(RuntimeException describeError, Map<VaultType, List<String>> listed,
        RuntimeException listError) {
      this.describeError = describeError;
      this.listed = listed;
      this.listError = listError;
    }

    @Override
    public DescribeBackupVaultResponse describeBackupVault(DescribeBackupVaultRequest r) {
      if (describeError != null) {
        throw describeError;
      }
      return DescribeBackupVaultResponse.builder().backupVaultName(r.backupVaultName()).build();
    }

    @Override
    public ListBackupVaultsResponse listBackupVaults(ListBackupVaultsRequest r) {
      VaultType type = r.byVaultType() == null ? VaultType.BACKUP_VAULT : r.byVaultType();
      listings.add(type.toString());
      if (listError != null) {
        throw listError;
      }
      return ListBackupVaultsResponse.builder().backupVaultList(
          listed.getOrDefault(type, List.of()).stream()
              .map(n -> BackupVaultListMember.builder().backupVaultName(n).vaultType(type).build())
              .toList()).build();
    }

    @Override
    public String serviceName() {
      return "backup";
    }

    @Override
    public void close() {}
  }

  private static Optional<DescribeBackupVaultResponse> find(FakeBackup fake, String name) {
    return new BackupVaults(fake).findByName(name);
  }

  @Test
  void accessDenied_vaultNotListed_isGone() {
    FakeBackup fake = new FakeBackup(error(403, "AccessDeniedException"),
        Map.of(VaultType.BACKUP_VAULT, List.of("other", "v-1x"),
            VaultType.LOGICALLY_AIR_GAPPED_BACKUP_VAULT, List.of("lag")), null);
    assertEquals(Optional.empty(), find(fake, "v-1"));
    assertEquals(List.of("BACKUP_VAULT", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"), fake.listings,
        "both vault types are listed");
  }

  @Test
  void accessDenied_standardVaultListed_isRethrown() {
    AwsServiceException denied = error(403, "AccessDeniedException");
    FakeBackup fake = new FakeBackup(denied, Map.of(VaultType.BACKUP_VAULT, List.of("v-1")),
        null);
    assertSame(denied, assertThrows(AwsServiceException.class, () -> find(fake, "v-1")));
  }

  @Test
  void accessDenied_airGappedVaultListed_isRethrown() {
    AwsServiceException denied = error(403, "AccessDeniedException");
    FakeBackup fake = new FakeBackup(denied,
        Map.of(VaultType.LOGICALLY_AIR_GAPPED_BACKUP_VAULT, List.of("v-1")), null);
    assertSame(denied, assertThrows(AwsServiceException.class, () -> find(fake, "v-1")));
  }

  @Test
  void accessDenied_listingFailsToo_describeErrorIsThrownWithTheListingOne() {
    AwsServiceException denied = error(403, "AccessDeniedException");
    AwsServiceException listDenied = error(403, "AccessDeniedException");
    FakeBackup fake = new FakeBackup(denied, Map.of(), listDenied);
    AwsServiceException thrown =
        assertThrows(AwsServiceException.class, () -> find(fake, "v-1"));
    assertSame(denied, thrown);
    assertSame(listDenied, thrown.getSuppressed()[0]);
  }

  @Test
  void notFound_isGoneWithoutListing() {
    FakeBackup fake = new FakeBackup(error(400, "ResourceNotFoundException"), Map.of(), null);
    assertEquals(Optional.empty(), find(fake, "v-1"));
    assertEquals(List.of(), fake.listings);
  }

  @Test
  void otherErrors_areThrownWithoutListing() {
    FakeBackup fake = new FakeBackup(error(400, "InvalidParameterValueException"),
        Map.of(), null);
    AwsServiceException thrown =
        assertThrows(AwsServiceException.class, () -> find(fake, "v-1"));
    assertTrue(AwsErrors.hasCode(thrown, "InvalidParameterValueException"));
    assertEquals(List.of(), fake.listings);
  }

  @Test
  void anExistingVault_isFound() {
    FakeBackup fake = new FakeBackup(null, Map.of(), null);
    assertEquals("v-1", find(fake, "v-1").orElseThrow().backupVaultName());
  }
}
