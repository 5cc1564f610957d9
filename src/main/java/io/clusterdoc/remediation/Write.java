package io.clusterdoc.remediation;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * One change to one object, carrying the object as freshly read: the write is made only if the object still has
 * that resourceVersion.
 */
public sealed interface Write {
  /** The object written, as read before the decision. */
  HasMetadata target();

  /** What the write does, in the imperative ("delete pod a/b"), for Events and the status history. */
  String describe();

  /** Clears spec.finalizers through the namespace's finalize subresource. */
  record FinalizeNamespace(Namespace target) implements Write {
    @Override
    public String describe() {
      return "clear spec.finalizers " + target.getSpec().getFinalizers() + " of namespace "
          + target.getMetadata().getName();
    }
  }

  /** Deletes a pod; {@code force} deletes it at once (grace period 0) without waiting for its kubelet. */
  record DeletePod(Pod target, boolean force) implements Write {
    @Override
    public String describe() {
      return (force ? "force-delete" : "delete") + " pod " + target.getMetadata().getNamespace() + "/"
          + target.getMetadata().getName();
    }
  }

  /** Names Endpoints ports: the port at {@code subset}/{@code port} gets {@code name}. */
  record NameEndpointsPorts(Endpoints target, List<PortName> names) implements Write {
    @Override
    public String describe() {
      return "name ports of endpoints " + target.getMetadata().getNamespace() + "/" + target.getMetadata().getName()
          + ": " + String.join(", ", names.stream().map(PortName::describe).toList());
    }
  }

  /** The name one Endpoints port gets, by its position. */
  record PortName(int subset, int port, int number, String protocol, String name) {
    String describe() {
      return number + "/" + protocol + " -> \"" + name + "\"";
    }
  }
}
