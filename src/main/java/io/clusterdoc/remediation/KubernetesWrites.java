package io.clusterdoc.remediation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.GracePeriodConfigurable;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Deletable;
import io.fabric8.kubernetes.client.dsl.ReplaceDeletable;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.util.List;

/**
 * The writes remediation makes, each the smallest the API offers and each conditional on the resourceVersion
 * the decision read: if the object changed since, the API server refuses with 409 and nothing is written.
 */
public final class KubernetesWrites implements Remediator.Writer {
  /** Where the permissions for these writes come from. */
  static final String REMEDIATION_RBAC = "deploy/remediation or the Helm value remediation.enabled";

  private final KubernetesClient client;

  public KubernetesWrites(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public void apply(Write write) throws Remediator.WriteFailedException {
    try {
      if (write instanceof Write.FinalizeNamespace finalize) {
        finalizeNamespace(finalize.target());
      } else if (write instanceof Write.DeletePod delete) {
        delete(delete.target(), delete.force());
      } else if (write instanceof Write.NameEndpointsPorts name) {
        namePorts(name);
      }
    } catch (KubernetesClientException e) {
      throw new Remediator.WriteFailedException(explain(e, write), e);
    }
  }

  /** PUT to the finalize subresource: the only way to change spec.finalizers, and what kubectl users do by hand. */
  private void finalizeNamespace(Namespace namespace) {
    Namespace finalized = new NamespaceBuilder(namespace).editSpec().withFinalizers(List.of()).endSpec().build();
    client.namespaces().resource(finalized).subresource("finalize").update();
  }

  /**
   * A delete whose preconditions carry the resourceVersion read. The client's fluent API offers the lock and the
   * grace period on different types, but both return the same operation underneath: the cast joins them.
   */
  private void delete(Pod pod, boolean force) {
    ReplaceDeletable<Pod> locked = client.pods().inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName()).lockResourceVersion(pod.getMetadata().getResourceVersion());
    (force ? ((GracePeriodConfigurable<? extends Deletable>) locked).withGracePeriod(0) : locked).delete();
  }

  /** A JSON patch of the port names alone, with the resourceVersion read, so that nothing else is touched. */
  private void namePorts(Write.NameEndpointsPorts write) {
    ArrayNode patch = JsonNodeFactory.instance.arrayNode();
    patch.addObject().put("op", "replace").put("path", "/metadata/resourceVersion")
        .put("value", write.target().getMetadata().getResourceVersion());
    for (Write.PortName port : write.names()) {
      patch.addObject().put("op", "add")
          .put("path", "/subsets/" + port.subset() + "/ports/" + port.port() + "/name").put("value", port.name());
    }
    client.endpoints().inNamespace(write.target().getMetadata().getNamespace())
        .withName(write.target().getMetadata().getName()).patch(PatchContext.of(PatchType.JSON), patch.toString());
  }

  private static String explain(KubernetesClientException e, Write write) {
    return switch (e.getCode()) {
      case HttpURLConnection.HTTP_FORBIDDEN -> "forbidden: clusterdoc lacks the permission to " + write.describe()
          + " (" + REMEDIATION_RBAC + " grants it)";
      case HttpURLConnection.HTTP_CONFLICT -> "the object changed since it was read; the next review decides again";
      case HttpURLConnection.HTTP_NOT_FOUND -> "the object is gone";
      default -> "the API server answered " + (e.getCode() == 0 ? e.getMessage() : e.getCode() + ": "
          + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()));
    };
  }
}
