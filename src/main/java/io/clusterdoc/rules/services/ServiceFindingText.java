package io.clusterdoc.rules.services;

import io.fabric8.kubernetes.api.model.Service;
import java.util.List;

/** Wording shared by the Service rules, so that their findings read alike. */
final class ServiceFindingText {
  private ServiceFindingText() {
  }

  /** The first items and how many more, so that a finding about hundreds of pods stays readable. */
  static String listed(List<String> items, int limit) {
    String shown = String.join(", ", items.subList(0, Math.min(limit, items.size())));
    return items.size() > limit ? shown + " and " + (items.size() - limit) + " more" : shown;
  }

  /** {@code namespace/name}, as kubectl and kube-proxy print a Service. */
  static String name(Service service) {
    return service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
  }

  /** {@code kubectl -n NAMESPACE}, the start of every command about the object. */
  static String kubectl(Service service) {
    return "kubectl -n " + service.getMetadata().getNamespace();
  }
}
