package io.clusterdoc.engine;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;

/** Names a Kubernetes object in a finding. */
public record ObjectRef(String apiVersion, String kind, String namespace, String name, String uid) {

  public static ObjectRef of(HasMetadata object) {
    return new ObjectRef(object.getApiVersion(), object.getKind(), object.getMetadata().getNamespace(),
        object.getMetadata().getName(), object.getMetadata().getUid());
  }

  /** The owner of a namespaced object lives in the same namespace. */
  public static ObjectRef owner(OwnerReference owner, String namespace) {
    return new ObjectRef(owner.getApiVersion(), owner.getKind(), namespace, owner.getName(), owner.getUid());
  }

  /** Identity across renames of nothing: the uid when known, else kind, namespace and name (offline files may lack uids). */
  /** The namespace the object belongs to for filtering and counting: a Namespace belongs to itself. */
  public String owningNamespace() {
    return "Namespace".equals(kind) ? name : namespace;
  }

  public String identity() {
    return uid != null && !uid.isEmpty() ? uid : kind + "/" + (namespace == null ? "" : namespace + "/") + name;
  }

  /** {@code kind/name} or {@code kind/namespace/name}, as people type it. */
  public String display() {
    return kind + "/" + (namespace == null ? "" : namespace + "/") + name;
  }
}
