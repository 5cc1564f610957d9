package io.clusterdoc.remediation;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The second opt-in. An object may be written only if it, the object of the finding it answers, or its namespace
 * is annotated {@code clusterdoc.io/remediate: "true"} (a Namespace counts as its own namespace), none of them says
 * {@code "false"}, and its namespace is not protected.
 */
public final class Consent {
  public static final String ANNOTATION = "clusterdoc.io/remediate";
  /** The namespaces Kubernetes itself runs in or creates; clusterdoc's own is added by the operator. */
  public static final Set<String> SYSTEM_NAMESPACES = Set.of("kube-system", "kube-public", "kube-node-lease",
      "default");

  /** Why a write to an object is not allowed. */
  public enum Refusal {
    /** Nobody opted in: nothing is recorded, the object is simply not considered. */
    NOT_ASKED,
    /** Someone opted in, but the object may not be touched: recorded, so that they learn why. */
    FORBIDDEN
  }

  /** A refusal with its explanation. */
  public record Denied(Refusal refusal, String reason) {
  }

  private Consent() {
  }

  /**
   * @param objects the object to write and the finding's object, as freshly read
   * @param namespace the namespace they are in, as freshly read (empty for cluster-scoped objects, or when gone)
   * @param protectedNamespaces namespaces never written to, whatever their annotations
   */
  public static Optional<Denied> check(Collection<? extends HasMetadata> objects, Optional<Namespace> namespace,
      Set<String> protectedNamespaces) {
    boolean asked = objects.stream().anyMatch(o -> says(o, "true")) || namespace.filter(n -> says(n, "true")).isPresent();
    if (!asked) {
      return Optional.of(new Denied(Refusal.NOT_ASKED, "not annotated " + ANNOTATION + ": \"true\""));
    }
    Optional<String> guarded = objects.stream().map(Consent::namespaceOf).filter(Objects::nonNull)
        .filter(protectedNamespaces::contains).findFirst();
    if (guarded.isPresent()) {
      return Optional.of(new Denied(Refusal.FORBIDDEN, "namespace " + guarded.get() + " is protected: clusterdoc "
          + "never writes to " + String.join(", ", protectedNamespaces.stream().sorted().toList())));
    }
    Optional<? extends HasMetadata> refusing = objects.stream().filter(o -> says(o, "false")).findFirst();
    if (refusing.isPresent()) {
      return Optional.of(new Denied(Refusal.FORBIDDEN, describe(refusing.get()) + " is annotated " + ANNOTATION
          + ": \"false\""));
    }
    if (namespace.filter(n -> says(n, "false")).isPresent()) {
      return Optional.of(new Denied(Refusal.FORBIDDEN, "namespace " + namespace.get().getMetadata().getName()
          + " is annotated " + ANNOTATION + ": \"false\""));
    }
    return Optional.empty();
  }

  /** A Namespace belongs to itself; by kind, since the finding's object may be read as a generic resource. */
  static String namespaceOf(HasMetadata object) {
    return "Namespace".equals(object.getKind()) ? object.getMetadata().getName() : object.getMetadata().getNamespace();
  }

  private static boolean says(HasMetadata object, String value) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return annotations != null && value.equals(annotations.get(ANNOTATION));
  }

  private static String describe(HasMetadata object) {
    return object.getKind() + " " + (object.getMetadata().getNamespace() == null ? ""
        : object.getMetadata().getNamespace() + "/") + object.getMetadata().getName();
  }
}
