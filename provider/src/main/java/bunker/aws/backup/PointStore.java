package bunker.aws.backup;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The AWS Backup calls {@link VaultEmptier} makes, as a seam: production is
 * {@link RecoveryPoints}, unit tests a hand-written fake. Every method may throw the SDK's
 * exceptions; not-found is mapped here (empty / success), everything else propagates.
 */
interface PointStore {

  /** What the emptier needs to know about a vault before touching it. */
  record VaultFacts(String name, boolean logicallyAirGapped, boolean locked, Instant lockDate,
      Long minRetentionDays, Long maxRetentionDays, long numberOfRecoveryPoints) {

    /** A lock that can no longer be removed: compliance mode past its LockDate, or any LAG vault. */
    boolean immutableLock(Instant now) {
      return logicallyAirGapped || (locked && lockDate != null && !lockDate.isAfter(now));
    }

    /** A lock we may remove first: governance mode, or compliance mode still in its grace time. */
    boolean removableLock(Instant now) {
      return locked && !immutableLock(now);
    }
  }

  /** One recovery point as listed; {@code parentArn} "" when it has no parent. */
  record Point(String arn, String status, String parentArn, boolean isParent, Instant deleteAt,
      String statusMessage) {
    boolean deleting() {
      return "DELETING".equals(status);
    }
  }

  /** One page of ListRecoveryPointsByBackupVault; {@code nextToken} "" on the last page. */
  record Page(List<Point> points, String nextToken, int attempts, int throttledAttempts) {}

  /** How a successful call went: HTTP attempts made and how many of them were throttled. */
  record CallStats(int attempts, int throttledAttempts) {}

  Optional<VaultFacts> describeVault(String vault);

  Page listPage(String vault, String nextToken);

  /** DeleteRecoveryPoint (asynchronous in AWS); a missing point is success. */
  CallStats deletePoint(String vault, String pointArn);

  Optional<String> accessPolicy(String vault);

  void deleteAccessPolicy(String vault);

  void deleteLock(String vault);
}
