package io.clusterdoc.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Drops what no rule reads before an object is cached, so large clusters fit in a small heap. */
public final class Pruning {
  private Pruning() {
  }

  /** Prunes in place and returns the object. */
  public static <T extends HasMetadata> T prune(T object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    return object;
  }
}
