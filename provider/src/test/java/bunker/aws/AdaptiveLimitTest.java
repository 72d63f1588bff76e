package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdaptiveLimitTest {
  @Test
  void onThrottle_halvesDownToOne() {
    AdaptiveLimit limit = new AdaptiveLimit(16, 32);
    for (int expected : new int[] {8, 4, 2, 1, 1}) {
      assertTrue(limit.onThrottle(limit.epoch()));
      assertEquals(expected, limit.current());
    }
  }

  @Test
  void onThrottle_fromCallStartedBeforeLastHalving_isIgnored() {
    AdaptiveLimit limit = new AdaptiveLimit(16, 32);
    long started = limit.epoch();
    assertTrue(limit.onThrottle(started));
    assertFalse(limit.onThrottle(started));
    assertEquals(8, limit.current());
    assertEquals(1, limit.decreases());
  }

  @Test
  void onSuccess_growsByAboutOnePerWindowAndStopsAtMax() {
    AdaptiveLimit limit = new AdaptiveLimit(4, 6);
    for (int i = 0; i < 4; i++) {
      limit.onSuccess();
    }
    assertEquals(4, limit.current()); // 4 + 4 * 1/4.x < 5: growth is gentle
    for (int i = 0; i < 2; i++) {
      limit.onSuccess();
    }
    assertEquals(5, limit.current());
    for (int i = 0; i < 100; i++) {
      limit.onSuccess();
    }
    assertEquals(6, limit.current());
    assertEquals(6, limit.peak());
  }

  @Test
  void constructor_initialAboveMax_rejected() {
    assertThrows(IllegalArgumentException.class, () -> new AdaptiveLimit(8, 4));
  }
}
