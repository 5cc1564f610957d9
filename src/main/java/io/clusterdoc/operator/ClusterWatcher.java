package io.clusterdoc.operator;

import io.clusterdoc.cluster.Kind;
import io.clusterdoc.cluster.ObjectStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One informer per kind the rules read; every change goes to the evaluation loop. */
final class ClusterWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWatcher.class);

  private final KubernetesClient client;
  private final EvaluationLoop loop;
  private final boolean tlsSecrets;
  private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
  /** The informers whose first list succeeded. */
  private final Map<Kind, SharedIndexInformer<? extends HasMetadata>> listed = new ConcurrentHashMap<>();
  /** Kinds not listed yet for a reason other than permission or absence (the API server is unwell), retrying. */
  private final Map<Kind, String> unreachable = new ConcurrentHashMap<>();

  ClusterWatcher(KubernetesClient client, EvaluationLoop loop, boolean tlsSecrets) {
    this.client = client;
    this.loop = loop;
    this.tlsSecrets = tlsSecrets;
  }

  /**
   * Starts the informers and waits, at most {@code timeout}, for each first attempt to list. A kind that is
   * forbidden or not served is logged and the diagnosis goes on without it. Any other failure (the API server
   * unreachable or failing) is retried by the informer with growing pauses until it lists: meanwhile readiness
   * names the kind, and its objects are evaluated as they arrive.
   */
  void start(Duration timeout) {
    List<CompletableFuture<Void>> firstAttempts = new ArrayList<>();
    for (Kind kind : Kind.watched(tlsSecrets)) {
      SharedIndexInformer<? extends HasMetadata> informer = informer(kind);
      CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
      cacheOnlyInput(informer);
      informer.exceptionHandler((started, failure) -> retryAfter(kind, started, failure, firstAttempt));
      informers.add(informer);
      firstAttempts.add(firstAttempt);
      informer.start().toCompletableFuture()
          .thenRun(() -> listedNow(kind, informer))
          .exceptionally(e -> {
            LOG.warn("cannot watch {} objects, rules that read them see none: {}", kind.kindName(), e.getMessage());
            return null;
          })
          .thenRun(() -> firstAttempt.complete(null));
    }
    try {
      CompletableFuture.allOf(firstAttempts.toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("not every kind was listed within {}; diagnosing with what is there", timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.warn("informer start failed: {}", e.getMessage());
    }
    loop.markSynced();
  }

  /**
   * Whether the informer tries again after a failure. Before its first list: not when the kind is forbidden or
   * not served, which no retry changes; otherwise yes, and readiness names the kind until it lists. After it:
   * always, listing again with growing pauses. fabric8's default stops the informer when its watch fails in a way
   * it calls final, for instance on one watch event it cannot read, and the kind would then go unwatched, with
   * stale findings, until the operator restarts.
   */
  private boolean retryAfter(Kind kind, boolean started, Throwable failure, CompletableFuture<Void> firstAttempt) {
    if (started) {
      return true;
    }
    if (refusedByDesign(failure)) {
      return false;
    }
    if (unreachable.put(kind, String.valueOf(failure.getMessage())) == null) {
      LOG.warn("cannot list {} objects, retrying: {}", kind.kindName(), failure.getMessage());
    }
    firstAttempt.complete(null);
    return true;
  }

  private void listedNow(Kind kind, SharedIndexInformer<? extends HasMetadata> informer) {
    listed.put(kind, informer);
    if (unreachable.remove(kind) != null) {
      LOG.info("listing {} objects again", kind.kindName());
    }
  }

  /** Kinds that could not be listed or whose watch is down (re-listing, reconnecting); empty when all watch. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    unreachable.forEach((kind, reason) -> problems.add("cannot list " + kind.kindName() + " objects: " + reason));
    listed.forEach((kind, informer) -> {
      if (!informer.isWatching()) {
        problems.add("not watching " + kind.kindName() + " objects");
      }
    });
    problems.sort(null);
    return problems;
  }

  /** Forbidden (RBAC) or not served (an API the cluster lacks): a setting of this cluster, not a failure. */
  private static boolean refusedByDesign(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException api) {
        return api.getCode() == HttpURLConnection.HTTP_FORBIDDEN || api.getCode() == HttpURLConnection.HTTP_NOT_FOUND;
      }
    }
    return false;
  }

  private <T extends HasMetadata> void cacheOnlyInput(SharedIndexInformer<T> informer) {
    informer.itemStore(new InformerCache<>());
    informer.addEventHandler(new Forwarder<>());
  }

  private SharedIndexInformer<? extends HasMetadata> informer(Kind kind) {
    return kind.namespaced()
        ? client.resources(kind.type()).inAnyNamespace().runnableInformer(0)
        : client.resources(kind.type()).runnableInformer(0);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::stop);
  }

  private final class Forwarder<T extends HasMetadata> implements ResourceEventHandler<T> {
    @Override
    public void onAdd(T object) {
      if (ObjectStore.isInput(object)) {
        loop.changed(null, object);
      }
    }

    @Override
    public void onUpdate(T before, T after) {
      if (ObjectStore.isInput(after)) {
        loop.changed(before, after);
      }
    }

    @Override
    public void onDelete(T object, boolean finalStateUnknown) {
      loop.changed(object, null);
    }
  }
}
