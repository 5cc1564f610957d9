package io.clusterdoc.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** The store key of an object: {@code namespace/name}, or {@code name} for cluster-scoped objects. */
public final class Keys {
  private Keys() {
  }

  public static String of(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  public static String of(HasMetadata object) {
    return of(object.getMetadata().getNamespace(), object.getMetadata().getName());
  }
}
