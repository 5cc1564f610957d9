package io.clusterdoc.remediation;

import io.clusterdoc.engine.ObjectRef;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Fresh reads from the API server. One instance serves one review: namespaces and nodes, which many decisions
 * share, are read once per review; everything a write depends on is read each time.
 */
public final class KubernetesReads implements FreshReads {
  private final KubernetesClient client;
  private final Map<String, Optional<Namespace>> namespaces = new HashMap<>();
  private final Map<String, Optional<Node>> nodes = new HashMap<>();

  public KubernetesReads(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Optional<HasMetadata> object(ObjectRef object) {
    return absentIfNotFound(() -> object.namespace() == null
        ? client.genericKubernetesResources(object.apiVersion(), object.kind()).withName(object.name()).get()
        : client.genericKubernetesResources(object.apiVersion(), object.kind()).inNamespace(object.namespace())
            .withName(object.name()).get());
  }

  @Override
  public Optional<Namespace> namespace(String name) {
    return namespaces.computeIfAbsent(name, n -> absentIfNotFound(() -> client.namespaces().withName(n).get()));
  }

  @Override
  public Optional<Pod> pod(String namespace, String name) {
    return absentIfNotFound(() -> client.pods().inNamespace(namespace).withName(name).get());
  }

  @Override
  public List<Pod> podsInNamespace(String namespace) {
    return client.pods().inNamespace(namespace).list().getItems();
  }

  @Override
  public Optional<Node> node(String name) {
    return nodes.computeIfAbsent(name, n -> absentIfNotFound(() -> client.nodes().withName(n).get()));
  }

  @Override
  public Optional<Service> service(String namespace, String name) {
    return absentIfNotFound(() -> client.services().inNamespace(namespace).withName(name).get());
  }

  @Override
  public Optional<Endpoints> endpoints(String namespace, String name) {
    return absentIfNotFound(() -> client.endpoints().inNamespace(namespace).withName(name).get());
  }

  @Override
  public Optional<PersistentVolumeClaim> persistentVolumeClaim(String namespace, String name) {
    return absentIfNotFound(() -> client.persistentVolumeClaims().inNamespace(namespace).withName(name).get());
  }

  @Override
  public List<VolumeAttachment> volumeAttachments() {
    return client.storage().v1().volumeAttachments().list().getItems();
  }

  /** A get answers null, or 404 for some kinds, when the object is gone; any other failure is thrown. */
  private static <T> Optional<T> absentIfNotFound(Supplier<T> get) {
    try {
      return Optional.ofNullable(get.get());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
