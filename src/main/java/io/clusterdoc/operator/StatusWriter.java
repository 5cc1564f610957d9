package io.clusterdoc.operator;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosis;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.clusterdoc.metrics.ClusterdocMetrics;
import io.clusterdoc.metrics.ClusterdocMetrics.StatusWrite;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
 * Writes ClusterDiagnosis status at most once per interval per diagnosis, and only when the content changed.
 * The write is a JSON patch of the status subresource that sets the resourceVersion the status was computed
 * from and replaces the status whole: a write based on stale state fails with 409 instead of overwriting, and no
 * field or list entry of an earlier status survives. (A JSON merge patch would keep list entries on some servers,
 * and an update of the status subresource is not checked against the resourceVersion by the test server.)
 */
final class StatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

  private record Written(ClusterDiagnosisStatus status, Instant at) {
  }

  private record Pending(ClusterDiagnosis current, ClusterDiagnosisStatus desired) {
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration interval;
  private final ClusterdocMetrics metrics;
  /** By uid: a diagnosis deleted and created again under the same name starts afresh. */
  private final Map<String, Written> lastWritten = new ConcurrentHashMap<>();
  /** Statuses held back by the interval, by uid, so that a shutdown can still write them. */
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  StatusWriter(KubernetesClient client, Clock clock, Duration interval, ClusterdocMetrics metrics) {
    this.client = client;
    this.clock = clock;
    this.interval = interval;
    this.metrics = metrics;
  }

  /**
   * Writes the desired status unless it equals what was last written (or, after a restart, what the resource
   * holds). Returns how long to wait when the previous write was too recent: the caller tries again then.
   */
  Optional<Duration> write(ClusterDiagnosis current, ClusterDiagnosisStatus desired) {
    String uid = current.getMetadata().getUid();
    Written last = lastWritten.get(uid);
    ClusterDiagnosisStatus reference = last != null ? last.status() : current.getStatus();
    if (sameContent(desired, reference)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (last != null) {
      Duration wait = Duration.between(now, last.at().plus(interval));
      if (!wait.isNegative() && !wait.isZero()) {
        pending.put(uid, new Pending(current, desired));
        return Optional.of(wait);
      }
    }
    writeNow(uid, current, desired, now);
    return Optional.empty();
  }

  /** Writes what the interval still holds back, at once: the last thing before shutting down. */
  void flush() {
    pending.forEach((uid, held) -> {
      try {
        writeNow(uid, held.current(), held.desired(), clock.instant());
      } catch (KubernetesClientException e) {
        LOG.warn("could not write the last status of {}: {}", held.current().getMetadata().getName(), e.getMessage());
      }
    });
  }

  private void writeNow(String uid, ClusterDiagnosis current, ClusterDiagnosisStatus desired, Instant now) {
    pending.remove(uid);
    desired.setLastUpdated(StatusMapper.timestamp(now));
    update(current, desired);
    lastWritten.put(uid, new Written(desired, now));
  }

  private void update(ClusterDiagnosis current, ClusterDiagnosisStatus status) {
    String name = current.getMetadata().getName();
    try {
      patch(name, current.getMetadata().getResourceVersion(), status);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // The cached resource was older than the server's: retry once on fresh state, else let the reconciler retry.
      ClusterDiagnosis fresh = client.resources(ClusterDiagnosis.class).withName(name).get();
      if (fresh == null) {
        return;
      }
      LOG.debug("status conflict on {}, retrying on resourceVersion {}", name, fresh.getMetadata().getResourceVersion());
      patch(name, fresh.getMetadata().getResourceVersion(), status);
    }
  }

  /** One write, counted by how it ended. */
  private void patch(String name, String resourceVersion, ClusterDiagnosisStatus status) {
    try {
      send(name, resourceVersion, status);
      metrics.statusWrite(StatusWrite.SUCCESS);
    } catch (KubernetesClientException e) {
      metrics.statusWrite(e.getCode() == HttpURLConnection.HTTP_CONFLICT ? StatusWrite.CONFLICT : StatusWrite.FAILURE);
      throw e;
    }
  }

  private void send(String name, String resourceVersion, ClusterDiagnosisStatus status) {
    ArrayNode patch = JsonNodeFactory.instance.arrayNode();
    patch.addObject().put("op", "replace").put("path", "/metadata/resourceVersion").put("value", resourceVersion);
    patch.addObject().put("op", "add").put("path", "/status")
        .set("value", client.getKubernetesSerialization().convertValue(status, JsonNode.class));
    client.resources(ClusterDiagnosis.class).withName(name).subresource("status")
        .patch(PatchContext.of(PatchType.JSON), patch.toString());
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
