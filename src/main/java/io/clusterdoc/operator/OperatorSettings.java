package io.clusterdoc.operator;

import java.time.Duration;

/**
 * Timings of the operator.
 *
 * @param fullPassInterval how often every rule re-evaluates everything, to repair drift
 * @param statusInterval at most one status write per ClusterDiagnosis in this window
 * @param recheckInterval how often time-based rechecks (thresholds) are looked at
 * @param cacheSyncTimeout how long to wait for the first list of each kind before diagnosing without it
 */
public record OperatorSettings(Duration fullPassInterval, Duration statusInterval, Duration recheckInterval,
    Duration cacheSyncTimeout) {

  public static OperatorSettings defaults() {
    return new OperatorSettings(Duration.ofMinutes(10), Duration.ofSeconds(2), Duration.ofSeconds(1),
        Duration.ofMinutes(2));
  }

  public OperatorSettings withFullPassInterval(Duration interval) {
    return new OperatorSettings(interval, statusInterval, recheckInterval, cacheSyncTimeout);
  }

  public OperatorSettings withStatusInterval(Duration interval) {
    return new OperatorSettings(fullPassInterval, interval, recheckInterval, cacheSyncTimeout);
  }
}
