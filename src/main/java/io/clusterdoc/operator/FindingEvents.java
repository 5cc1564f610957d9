package io.clusterdoc.operator;

import io.clusterdoc.cluster.ObjectStore;
import io.clusterdoc.engine.Engine;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.TrackedFinding;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one Kubernetes Event on the affected object when a finding appears and one when it resolves. Writes
 * happen on their own thread so a slow API server never delays evaluation. A write the API server fails (5xx,
 * 429, no answer) is tried again after growing pauses, under the same Event name: if an earlier try did reach the
 * server after all, the next one is refused as already existing and the Event is not recorded twice.
 */
final class FindingEvents implements Engine.Listener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FindingEvents.class);
  /** Where Kubernetes keeps Events about cluster-scoped objects. */
  private static final String CLUSTER_SCOPED_EVENTS_NAMESPACE = "default";

  private final KubernetesClient client;
  private final Clock clock;
  private final String instance;
  private final BooleanSupplier writing;
  private final EventBudget budget;
  private final Runnable overBudget;
  /** Pauses before the second, third, ... try of an Event write: about half a minute in all, then it is dropped. */
  static final List<Duration> RETRY_PAUSES = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
      Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16));

  private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "clusterdoc-events");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * @param writing whether this replica writes now: a standby evaluates, but records nothing
   * @param budget how many finding Events may be recorded; remediation's own Events do not count against it
   * @param overBudget told of each finding Event the budget did not allow
   */
  FindingEvents(KubernetesClient client, Clock clock, String instance, BooleanSupplier writing, EventBudget budget,
      Runnable overBudget) {
    this.client = client;
    this.clock = clock;
    this.instance = instance;
    this.writing = writing;
    this.budget = budget;
    this.overBudget = overBudget;
  }

  @Override
  public void appeared(TrackedFinding tracked) {
    Finding f = tracked.finding();
    String type = f.severity() == Severity.INFO ? "Normal" : "Warning";
    recordWithinBudget(f.object(), reason(f.rule()), type, f.message());
  }

  @Override
  public void resolved(TrackedFinding tracked) {
    Finding f = tracked.finding();
    recordWithinBudget(f.object(), reason(f.rule()) + "Resolved", "Normal", "Resolved: " + f.message());
  }

  private void recordWithinBudget(ObjectRef object, String reason, String type, String message) {
    if (!writing.getAsBoolean()) {
      return;
    }
    if (budget.take(object.display())) {
      record(object, reason, type, message);
    } else {
      overBudget.run();
    }
  }

  /** {@code namespace-stuck-terminating} becomes {@code NamespaceStuckTerminating}. */
  static String reason(String ruleId) {
    return Arrays.stream(ruleId.split("-"))
        .map(word -> word.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1))
        .collect(Collectors.joining());
  }

  /** Records an Event on the object, on the writer thread; a failure is retried or logged, never thrown. */
  void record(ObjectRef object, String reason, String type, String message) {
    if (!writing.getAsBoolean()) {
      return;
    }
    Event event = event(object, reason, type, message);
    writer.execute(() -> write(event, object, 0));
  }

  private void write(Event event, ObjectRef object, int failures) {
    if (!writing.getAsBoolean()) {
      return;
    }
    try {
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return; // an earlier try was recorded, though its answer was lost
      }
      if (worthRetrying(e) && failures < RETRY_PAUSES.size() && !writer.isShutdown()) {
        LOG.debug("Event {} on {} not recorded yet, trying again: {}", event.getReason(), object.display(),
            e.getMessage());
        writer.schedule(() -> write(event, object, failures + 1), RETRY_PAUSES.get(failures).toMillis(),
            TimeUnit.MILLISECONDS);
        return;
      }
      LOG.warn("could not record Event {} on {}: {}", event.getReason(), object.display(), e.getMessage());
    } catch (RuntimeException e) {
      // A client closed during shutdown fails with IllegalStateException, not KubernetesClientException.
      LOG.warn("could not record Event {} on {}: {}", event.getReason(), object.display(), e.getMessage());
    }
  }

  /** The API server failing or overloaded, or no answer at all; not a refusal that a second try would repeat. */
  private static boolean worthRetrying(KubernetesClientException e) {
    return e.getCode() == 0 || e.getCode() == 429 || e.getCode() >= HttpURLConnection.HTTP_INTERNAL_ERROR;
  }

  private Event event(ObjectRef object, String reason, String type, String message) {
    String namespace = object.namespace() != null ? object.namespace() : CLUSTER_SCOPED_EVENTS_NAMESPACE;
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(object.name() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion(object.apiVersion())
        .withKind(object.kind())
        .withNamespace(object.namespace())
        .withName(object.name())
        .withUid(object.uid())
        .endInvolvedObject()
        .withReason(reason)
        .withType(type)
        .withMessage(message)
        .withNewSource().withComponent(ObjectStore.OWN_EVENT_SOURCE).endSource()
        .withReportingComponent(ObjectStore.OWN_EVENT_SOURCE)
        .withReportingInstance(instance)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .build();
  }

  @Override
  public void close() {
    writer.shutdown();
    try {
      // Events already decided are still worth recording; a stuck API server must not hold the shutdown.
      if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("shutting down with {} Events not recorded", writer.shutdownNow().size());
      }
    } catch (InterruptedException e) {
      writer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
