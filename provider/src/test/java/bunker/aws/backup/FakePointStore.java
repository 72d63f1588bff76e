package bunker.aws.backup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * An in-memory vault for {@link VaultEmptier} tests. Deletion is asynchronous as in AWS: a
 * deleted point lists as DELETING once, then disappears. Behaviour is swapped with lambdas.
 */
final class FakePointStore implements PointStore {
  /** Decides what one delete does: return normally, or throw. Called with (arn, attempt). */
  BiFunction<String, Integer, RuntimeException> onDelete = (arn, attempt) -> null;
  /** The point's status after an accepted delete ("DELETING" in AWS; "EXPIRED" to misbehave). */
  BiFunction<String, Integer, String> statusAfterDelete = (arn, attempt) -> "DELETING";
  VaultFacts facts;
  String policy;
  int pageSize = 1000;
  boolean deletingNeverEnds;

  final Map<String, Point> points = Collections.synchronizedMap(new LinkedHashMap<>());
  final Map<String, AtomicInteger> deleteAttempts = new java.util.concurrent.ConcurrentHashMap<>();
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  final List<String> deleteOrder = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();

  FakePointStore(String vault) {
    facts = new VaultFacts(vault, false, false, null, null, null, 0);
  }

  FakePointStore withPoints(int n, String prefix) {
    for (int i = 0; i < n; i++) {
      add(new Point(prefix + i, "COMPLETED", "", false, null, ""));
    }
    return this;
  }

  FakePointStore add(Point p) {
    points.put(p.arn(), p);
    return this;
  }

  @Override
  public Optional<VaultFacts> describeVault(String vault) {
    calls.add("describe");
    return Optional.ofNullable(facts);
  }

  @Override
  public Page listPage(String vault, String nextToken) {
    calls.add("list");
    List<Point> snapshot;
    synchronized (points) {
      if (nextToken.isEmpty() && !deletingNeverEnds) {
        // A new listing: points that were DELETING at the previous listing are gone now.
        points.values().removeIf(p -> p.status().equals("GONE"));
        points.replaceAll((arn, p) -> p.deleting()
            ? new Point(arn, "GONE", p.parentArn(), p.isParent(), p.deleteAt(), "") : p);
      }
      snapshot = points.values().stream()
          .map(p -> p.status().equals("GONE")
              ? new Point(p.arn(), "DELETING", p.parentArn(), p.isParent(), p.deleteAt(), "") : p)
          .toList();
    }
    int from = nextToken.isEmpty() ? 0 : Integer.parseInt(nextToken);
    int to = Math.min(snapshot.size(), from + pageSize);
    String next = to < snapshot.size() ? String.valueOf(to) : "";
    return new Page(snapshot.subList(from, to), next, 1, 0);
  }

  @Override
  public CallStats deletePoint(String vault, String pointArn) {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      int attempt = deleteAttempts.computeIfAbsent(pointArn, k -> new AtomicInteger())
          .incrementAndGet();
      calls.add("delete");
      RuntimeException error = onDelete.apply(pointArn, attempt);
      if (error != null) {
        throw error;
      }
      deleteOrder.add(pointArn);
      synchronized (points) {
        Point p = points.get(pointArn);
        if (p != null) {
          points.put(pointArn, new Point(pointArn, statusAfterDelete.apply(pointArn, attempt),
              p.parentArn(), p.isParent(), p.deleteAt(), "Insufficient privileges to delete"));
        }
      }
      return new CallStats(1, 0);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public Optional<String> accessPolicy(String vault) {
    calls.add("getPolicy");
    return Optional.ofNullable(policy);
  }

  @Override
  public void deleteAccessPolicy(String vault) {
    calls.add("deletePolicy");
    policy = null;
  }

  @Override
  public void deleteLock(String vault) {
    calls.add("deleteLock");
    facts = new VaultFacts(facts.name(), false, false, null, null, null, 0);
  }

  long count(String call) {
    synchronized (calls) {
      return calls.stream().filter(call::equals).count();
    }
  }

  static Instant daysFromNow(long days) {
    return Instant.now().plusSeconds(days * 86_400);
  }
}
