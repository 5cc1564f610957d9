package io.clusterdoc.operator;

import io.clusterdoc.cluster.Kind;
import io.clusterdoc.cluster.ObjectStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
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
  /** The informers whose first list succeeded: kinds that cannot be listed are left out, not waited for. */
  private final Map<Kind, SharedIndexInformer<? extends HasMetadata>> listed = new ConcurrentHashMap<>();

  ClusterWatcher(KubernetesClient client, EvaluationLoop loop, boolean tlsSecrets) {
    this.client = client;
    this.loop = loop;
    this.tlsSecrets = tlsSecrets;
  }

  /**
   * Starts the informers and waits, at most {@code timeout}, for each first list. A kind that cannot be listed
   * (forbidden, not served) is logged and the diagnosis goes on without it.
   */
  void start(Duration timeout) {
    List<CompletableFuture<Void>> started = new ArrayList<>();
    for (Kind kind : Kind.watched(tlsSecrets)) {
      SharedIndexInformer<? extends HasMetadata> informer = informer(kind);
      cacheOnlyInput(informer);
      informers.add(informer);
      started.add(informer.start().toCompletableFuture()
          .thenRun(() -> listed.put(kind, informer))
          .exceptionally(e -> {
            LOG.warn("cannot watch {} objects, rules that read them see none: {}", kind.kindName(), e.getMessage());
            return null;
          }));
    }
    try {
      CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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

  /** Kinds whose watch is down (the informer is re-listing or reconnecting); empty when all watch. */
  List<String> problems() {
    return listed.entrySet().stream()
        .filter(entry -> !entry.getValue().isWatching())
        .map(entry -> "not watching " + entry.getKey().kindName() + " objects")
        .sorted()
        .toList();
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
