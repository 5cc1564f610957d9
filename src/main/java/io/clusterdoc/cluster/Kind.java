package io.clusterdoc.cluster;

import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The kinds of object the rules read: nothing else is cached, listed or loaded from files. */
public enum Kind {
  POD(Pod.class, "Pod", true),
  NODE(Node.class, "Node", false),
  NAMESPACE(Namespace.class, "Namespace", false),
  SERVICE(Service.class, "Service", true),
  ENDPOINTS(Endpoints.class, "Endpoints", true),
  EVENT(Event.class, "Event", true),
  API_SERVICE(APIService.class, "APIService", false),
  CONFIG_MAP(ConfigMap.class, "ConfigMap", true),
  DEPLOYMENT(Deployment.class, "Deployment", true),
  DAEMON_SET(DaemonSet.class, "DaemonSet", true),
  JOB(Job.class, "Job", true),
  PERSISTENT_VOLUME_CLAIM(PersistentVolumeClaim.class, "PersistentVolumeClaim", true),
  INGRESS(Ingress.class, "Ingress", true),
  VALIDATING_WEBHOOK_CONFIGURATION(ValidatingWebhookConfiguration.class, "ValidatingWebhookConfiguration", false),
  MUTATING_WEBHOOK_CONFIGURATION(MutatingWebhookConfiguration.class, "MutatingWebhookConfiguration", false),
  /** Read only when the user asks for it (reading Secrets needs permission); only TLS Secrets, only tls.crt. */
  SECRET(Secret.class, "Secret", true);

  private static final Kind[] ALL = values();

  private final Class<? extends HasMetadata> type;
  private final String kindName;
  private final boolean namespaced;

  Kind(Class<? extends HasMetadata> type, String kindName, boolean namespaced) {
    this.type = type;
    this.kindName = kindName;
    this.namespaced = namespaced;
  }

  public Class<? extends HasMetadata> type() {
    return type;
  }

  public String kindName() {
    return kindName;
  }

  public boolean namespaced() {
    return namespaced;
  }

  /** The kinds to list and watch: every kind, Secrets only when TLS Secrets are to be read. */
  public static List<Kind> watched(boolean tlsSecrets) {
    return Arrays.stream(values()).filter(k -> tlsSecrets || k != SECRET).toList();
  }

  // The lookups below run for every object read or changed: plain loops over a shared array, no stream each time.

  /** The kind named in a manifest's {@code kind} field, if the rules read it. */
  public static Optional<Kind> named(String kindName) {
    for (Kind kind : ALL) {
      if (kind.kindName.equals(kindName)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  public static Optional<Kind> of(Class<?> type) {
    for (Kind kind : ALL) {
      if (kind.type.equals(type)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  public static Optional<Kind> of(HasMetadata object) {
    for (Kind kind : ALL) {
      if (kind.type.isInstance(object)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
