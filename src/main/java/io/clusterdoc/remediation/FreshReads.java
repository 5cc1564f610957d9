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
import java.util.List;
import java.util.Optional;

/**
 * Objects read from the API server right before a decision, never from the cache: a guard must hold for the
 * object as it is, and the writes that follow carry the resourceVersion read here.
 */
public interface FreshReads {
  /** The object a finding is about, whatever its kind; empty when it is gone or cannot be read. */
  Optional<HasMetadata> object(ObjectRef object);

  Optional<Namespace> namespace(String name);

  Optional<Pod> pod(String namespace, String name);

  List<Pod> podsInNamespace(String namespace);

  Optional<Node> node(String name);

  Optional<Service> service(String namespace, String name);

  Optional<Endpoints> endpoints(String namespace, String name);

  Optional<PersistentVolumeClaim> persistentVolumeClaim(String namespace, String name);

  /** Every VolumeAttachment; an exception when they cannot be read, so that a guard relying on them refuses. */
  List<VolumeAttachment> volumeAttachments();
}
