package io.clusterdoc.operator;

import io.clusterdoc.engine.Engine;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.TrackedFinding;
import io.clusterdoc.metrics.ClusterdocMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Counts findings as they appear and resolve, and times each new finding from the moment the operator received
 * the change that created it until a status write shows it. Appearances are told on the evaluation thread, writes
 * on the reconciler's.
 */
final class DetectionTracker {
  /** A diagnosis deleted between a finding and its write leaves its entries behind: this bounds them. */
  private static final int MAX_PENDING_PER_DIAGNOSIS = 10_000;

  private final ClusterdocMetrics metrics;
  private final LongSupplier nanoTime;
  private final Map<String, Map<Finding.Key, Long>> pending = new ConcurrentHashMap<>();

  DetectionTracker(ClusterdocMetrics metrics, LongSupplier nanoTime) {
    this.metrics = metrics;
    this.nanoTime = nanoTime;
  }

  /**
   * The listener for the engine of one diagnosis.
   *
   * @param receivedAt when (in {@link System#nanoTime()} terms) the change being evaluated arrived
   */
  Engine.Listener listener(String diagnosis, LongSupplier receivedAt) {
    metrics.diagnosisStarted(diagnosis);
    Map<Finding.Key, Long> waiting = pending.computeIfAbsent(diagnosis, name -> new ConcurrentHashMap<>());
    return new Engine.Listener() {
      @Override
      public void appeared(TrackedFinding tracked) {
        metrics.detected(diagnosis, tracked.finding());
        if (waiting.size() >= MAX_PENDING_PER_DIAGNOSIS) {
          waiting.clear();
        }
        waiting.put(tracked.finding().key(), receivedAt.getAsLong());
      }

      @Override
      public void resolved(TrackedFinding tracked) {
        metrics.resolved(diagnosis, tracked.finding());
        waiting.remove(tracked.finding().key());
      }
    };
  }

  /** The status of the diagnosis now shows these findings: time the ones that were waiting for it. */
  void reported(String diagnosis, List<TrackedFinding> shown) {
    Map<Finding.Key, Long> waiting = pending.get(diagnosis);
    if (waiting == null || waiting.isEmpty()) {
      return;
    }
    long now = nanoTime.getAsLong();
    Set<Finding.Key> keys = shown.stream().map(t -> t.finding().key()).collect(Collectors.toSet());
    waiting.entrySet().removeIf(entry -> {
      if (!keys.contains(entry.getKey())) {
        return false;
      }
      metrics.detectionLatency(Duration.ofNanos(now - entry.getValue()));
      return true;
    });
  }
}
