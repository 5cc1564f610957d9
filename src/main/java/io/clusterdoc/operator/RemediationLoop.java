package io.clusterdoc.operator;

import io.clusterdoc.api.v1alpha1.RemediationRecord;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.remediation.FreshReads;
import io.clusterdoc.remediation.RemediationPolicy;
import io.clusterdoc.remediation.Remediator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one remediation thread. It reviews the published findings of every diagnosis on a fixed interval, so that
 * guards that wait for time to pass are looked at again, and so that API reads and writes never delay evaluation.
 */
final class RemediationLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RemediationLoop.class);

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "clusterdoc-remediation");
    thread.setDaemon(true);
    return thread;
  });
  private final Remediator remediator;
  private final Supplier<Map<String, List<Finding>>> findings;
  private final Supplier<FreshReads> reads;
  private final Supplier<Optional<Set<String>>> existingDiagnoses;
  private final BooleanSupplier leading;

  /**
   * @param findings the current findings of every diagnosis
   * @param reads a new reader for each review, so that what it remembers lasts one review only
   * @param existingDiagnoses the names of the diagnoses that exist, when known
   * @param leading whether this replica writes now: only the leader remediates
   */
  RemediationLoop(Remediator remediator, Supplier<Map<String, List<Finding>>> findings, Supplier<FreshReads> reads,
      Supplier<Optional<Set<String>>> existingDiagnoses, BooleanSupplier leading) {
    this.remediator = remediator;
    this.findings = findings;
    this.reads = reads;
    this.existingDiagnoses = existingDiagnoses;
    this.leading = leading;
  }

  void start(Duration interval) {
    executor.scheduleWithFixedDelay(this::review, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sets a diagnosis's policy; completes with its history, which the status must show. */
  CompletableFuture<List<RemediationRecord>> configure(String diagnosis, RemediationPolicy policy,
      List<RemediationRecord> statusHistory) {
    return CompletableFuture.supplyAsync(() -> {
      remediator.configure(diagnosis, policy, statusHistory);
      return remediator.history(diagnosis);
    }, executor);
  }

  /** A failure must not end the schedule: the next review tries again. */
  private void review() {
    if (!leading.getAsBoolean()) {
      return;
    }
    try {
      existingDiagnoses.get().ifPresent(remediator::retain);
      if (!remediator.anyActive()) {
        return;
      }
      FreshReads fresh = reads.get();
      findings.get().forEach((diagnosis, current) -> remediator.review(diagnosis, current, fresh));
    } catch (RuntimeException e) {
      LOG.warn("remediation review failed; the next one tries again: {}", e.toString());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
