package bunker.resource.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.framework.Diagnostic;
import bunker.framework.Diagnostics;
import bunker.topology.CentralObject;
import bunker.topology.Step;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Stopping a {@link LevelRunner} (Terraform's StopProvider): a level wider than the pool ends
 * promptly as stopped, the queued steps included, not when the operation's timeout runs out;
 * a level started after the pool is gone reports stopped instead of throwing.
 */
class LevelRunnerTest {
  /** More steps than {@link LevelRunner#THREADS}: some wait in the pool's queue. */
  private static final List<Step> WIDE_LEVEL = IntStream.range(0, LevelRunner.THREADS + 4)
      .mapToObj(i -> new Step(CentralObject.STANDARD_VAULT, "vault-" + i, Set.of())).toList();

  @Test
  void stopDuringAWideLevel_endsPromptlyAsStopped() throws Exception {
    Diagnostics diags = new Diagnostics();
    try (LevelRunner runner = new LevelRunner("creating", Duration.ofSeconds(30))) {
      long start = System.nanoTime();
      CompletableFuture<Boolean> ok = CompletableFuture.supplyAsync(() ->
          runner.runLevel(WIDE_LEVEL, (step, left) -> sleep(Duration.ofSeconds(5)), diags));
      Thread.sleep(100);
      runner.stop();
      // Generous (load), and far below the 30 s timeout that a hang would run into.
      boolean result = ok.get(20, TimeUnit.SECONDS);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertFalse(result);
      assertTrue(millis < 15_000, "stopping took " + millis + " ms: " + diags);
    }
    List<String> details = diags.all().stream().map(Diagnostic::detail).toList();
    assertTrue(details.stream().noneMatch(d -> d.contains("timeout ran out")), details.toString());
    assertTrue(details.stream().allMatch(d -> d.equals("Stopped before it finished.")),
        details.toString());
    assertEquals(WIDE_LEVEL.size(), details.size(), details.toString());
  }

  @Test
  void levelAfterThePoolIsGone_reportsStopped() {
    Diagnostics diags = new Diagnostics();
    LevelRunner runner = new LevelRunner("creating", Duration.ofSeconds(30));
    runner.close(); // the pool refuses new work, as after a stop that raced the level's start
    assertFalse(runner.runLevel(WIDE_LEVEL, (step, left) -> { }, diags));
    assertEquals(List.of("Operation Stopped"),
        diags.all().stream().map(Diagnostic::summary).toList());
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
