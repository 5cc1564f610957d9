package io.clusterdoc.operator;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosis;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes ClusterDiagnosis status with an update that carries the resourceVersion (optimistic locking), at most
 * once per interval per diagnosis, and only when the content changed.
 */
final class StatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

  private record Written(ClusterDiagnosisStatus status, Instant at) {
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration interval;
  private final Map<String, Written> lastWritten = new ConcurrentHashMap<>();

  StatusWriter(KubernetesClient client, Clock clock, Duration interval) {
    this.client = client;
    this.clock = clock;
    this.interval = interval;
  }

  /**
   * Writes the desired status unless it equals what was last written (or, after a restart, what the resource
   * holds). Returns how long to wait when the previous write was too recent: the caller tries again then.
   */
  Optional<Duration> write(ClusterDiagnosis current, ClusterDiagnosisStatus desired) {
    String name = current.getMetadata().getName();
    Written last = lastWritten.get(name);
    ClusterDiagnosisStatus reference = last != null ? last.status() : current.getStatus();
    if (sameContent(desired, reference)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (last != null) {
      Duration wait = Duration.between(now, last.at().plus(interval));
      if (!wait.isNegative() && !wait.isZero()) {
        return Optional.of(wait);
      }
    }
    desired.setLastUpdated(StatusMapper.timestamp(now));
    update(current, desired);
    lastWritten.put(name, new Written(desired, now));
    return Optional.empty();
  }

  void forget(String name) {
    lastWritten.remove(name);
  }

  private void update(ClusterDiagnosis current, ClusterDiagnosisStatus status) {
    ClusterDiagnosis target = new ClusterDiagnosis();
    target.setMetadata(new ObjectMetaBuilder(current.getMetadata()).build());
    target.setSpec(current.getSpec());
    target.setStatus(status);
    try {
      client.resource(target).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // The cached resource was older than the server's: retry once on fresh state, else let the reconciler retry.
      ClusterDiagnosis fresh = client.resources(ClusterDiagnosis.class).withName(target.getMetadata().getName()).get();
      if (fresh == null) {
        return;
      }
      LOG.debug("status conflict on {}, retrying on resourceVersion {}", target.getMetadata().getName(),
          fresh.getMetadata().getResourceVersion());
      target.getMetadata().setResourceVersion(fresh.getMetadata().getResourceVersion());
      client.resource(target).updateStatus();
    }
  }

  /** Equal apart from lastUpdated, which only records when the rest was written. */
  private static boolean sameContent(ClusterDiagnosisStatus desired, ClusterDiagnosisStatus reference) {
    if (reference == null) {
      return false;
    }
    String stamp = desired.getLastUpdated();
    desired.setLastUpdated(reference.getLastUpdated());
    boolean same = desired.equals(reference);
    desired.setLastUpdated(stamp);
    return same;
  }
}
