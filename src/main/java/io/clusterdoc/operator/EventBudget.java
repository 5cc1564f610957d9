package io.clusterdoc.operator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many finding Events may be recorded: at most so many a minute in all, and so many a minute about any one
 * object. Each limit is a bucket that holds a minute's worth and refills evenly, so a burst up to the limit goes
 * out at once and then one Event per share of the minute. A sick cluster can make thousands of findings appear at
 * once; each Event is an object the API server stores in etcd, and the findings are in the status and the metrics
 * whether or not their Event is recorded.
 */
final class EventBudget {
  /** Objects whose recent Events are remembered; the least recently seen is forgotten first, with a full bucket. */
  static final int TRACKED_OBJECTS = 10_000;
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final Clock clock;
  private final int perObjectPerMinute;
  private final Bucket overall;
  private final Map<String, Bucket> byObject = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
      return size() > TRACKED_OBJECTS;
    }
  };

  EventBudget(Clock clock, int perMinute, int perObjectPerMinute) {
    this.clock = clock;
    this.perObjectPerMinute = perObjectPerMinute;
    this.overall = new Bucket(perMinute, clock.instant());
  }

  /** Takes one Event about the object from both budgets, or none when either is spent. */
  synchronized boolean take(String object) {
    Instant now = clock.instant();
    Bucket own = byObject.computeIfAbsent(object, o -> new Bucket(perObjectPerMinute, now));
    if (!own.hasOne(now) || !overall.hasOne(now)) {
      return false;
    }
    own.takeOne();
    overall.takeOne();
    return true;
  }

  /** Up to a minute's worth of Events, refilled evenly over the minute. */
  private static final class Bucket {
    private final int perMinute;
    private double available;
    private Instant refilled;

    Bucket(int perMinute, Instant now) {
      this.perMinute = perMinute;
      this.available = perMinute;
      this.refilled = now;
    }

    boolean hasOne(Instant now) {
      double elapsedMinutes = Math.max(0, Duration.between(refilled, now).toNanos()) / (double) MINUTE.toNanos();
      available = Math.min(perMinute, available + elapsedMinutes * perMinute);
      refilled = now;
      // Refilled in fractions: a whole Event must not be lost to rounding.
      return available >= 1 - 1e-9;
    }

    void takeOne() {
      available -= 1;
    }
  }
}
