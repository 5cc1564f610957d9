package io.clusterdoc.operator;

import io.clusterdoc.cluster.ObjectStore;
import io.clusterdoc.cluster.Pruning;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer's own cache, holding only what the rules may read, pruned. Events that are not Warnings are by far
 * the most numerous objects a cluster has; the test API server cannot select them by type, so they are dropped
 * here rather than by a field selector.
 */
final class InformerCache<T extends HasMetadata> extends BasicItemStore<T> {

  InformerCache() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public T put(String key, T object) {
    if (!ObjectStore.isInput(object)) {
      return remove(key);
    }
    return super.put(key, Pruning.prune(object));
  }
}
