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
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Fresh reads answered from a fixed set of objects, as if the API server held exactly these. */
public final class InMemoryReads implements FreshReads {
  private final List<HasMetadata> objects;

  public InMemoryReads(Collection<? extends HasMetadata> objects) {
    this.objects = new ArrayList<>(objects);
  }

  @Override
  public Optional<HasMetadata> object(ObjectRef ref) {
    return objects.stream()
        .filter(o -> Objects.equals(o.getKind(), ref.kind()) && Objects.equals(o.getMetadata().getName(), ref.name())
            && Objects.equals(o.getMetadata().getNamespace(), ref.namespace()))
        .findFirst();
  }

  @Override
  public Optional<Namespace> namespace(String name) {
    return find(Namespace.class, null, name);
  }

  @Override
  public Optional<Pod> pod(String namespace, String name) {
    return find(Pod.class, namespace, name);
  }

  @Override
  public List<Pod> podsInNamespace(String namespace) {
    return all(Pod.class).stream().filter(p -> namespace.equals(p.getMetadata().getNamespace())).toList();
  }

  @Override
  public Optional<Node> node(String name) {
    return find(Node.class, null, name);
  }

  @Override
  public Optional<Service> service(String namespace, String name) {
    return find(Service.class, namespace, name);
  }

  @Override
  public Optional<Endpoints> endpoints(String namespace, String name) {
    return find(Endpoints.class, namespace, name);
  }

  @Override
  public Optional<PersistentVolumeClaim> persistentVolumeClaim(String namespace, String name) {
    return find(PersistentVolumeClaim.class, namespace, name);
  }

  @Override
  public List<VolumeAttachment> volumeAttachments() {
    return all(VolumeAttachment.class);
  }

  private <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name) {
    return all(type).stream()
        .filter(o -> Objects.equals(o.getMetadata().getNamespace(), namespace) && name.equals(o.getMetadata().getName()))
        .findFirst();
  }
}
