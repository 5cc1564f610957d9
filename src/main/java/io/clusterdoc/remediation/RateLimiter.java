package io.clusterdoc.remediation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** At most so many actions in any hour, in all and per action. Not thread-safe: one remediation thread uses it. */
final class RateLimiter {
  private static final Duration WINDOW = Duration.ofHours(1);

  private final Deque<Instant> all = new ArrayDeque<>();
  private final Map<String, Deque<Instant>> byAction = new HashMap<>();

  /** Takes one action's place in the window, if there is room for it under both limits. */
  boolean tryAcquire(String action, Instant now, int maxPerHour, int maxPerHourPerAction) {
    Deque<Instant> mine = byAction.computeIfAbsent(action, a -> new ArrayDeque<>());
    expire(all, now);
    expire(mine, now);
    if (all.size() >= maxPerHour || mine.size() >= maxPerHourPerAction) {
      return false;
    }
    all.addLast(now);
    mine.addLast(now);
    return true;
  }

  private static void expire(Deque<Instant> times, Instant now) {
    while (!times.isEmpty() && !times.peekFirst().plus(WINDOW).isAfter(now)) {
      times.removeFirst();
    }
  }
}
