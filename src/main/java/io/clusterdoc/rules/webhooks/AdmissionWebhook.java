package io.clusterdoc.rules.webhooks;

import io.clusterdoc.cluster.ClusterView;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One webhook of a ValidatingWebhookConfiguration or MutatingWebhookConfiguration: the two kinds carry the same
 * fields in unrelated types. {@code index} is the webhook's position, as JSON patches address it.
 */
record AdmissionWebhook(int index, String name, String failurePolicy, WebhookClientConfig clientConfig,
    List<RuleWithOperations> rules, LabelSelector namespaceSelector, LabelSelector objectSelector) {

  private static final String VALIDATING = "ValidatingWebhookConfiguration";
  private static final String MUTATING = "MutatingWebhookConfiguration";
  private static final String ANY = "*";

  static boolean isConfiguration(HasMetadata object) {
    return object instanceof ValidatingWebhookConfiguration || object instanceof MutatingWebhookConfiguration;
  }

  /** Both kinds are cluster-scoped and may share a name: the subject carries the kind. */
  static String subject(HasMetadata configuration) {
    return configuration.getKind() + "/" + configuration.getMetadata().getName();
  }

  static Optional<HasMetadata> configuration(String subject, ClusterView view) {
    int slash = subject.indexOf('/');
    String kind = slash < 0 ? "" : subject.substring(0, slash);
    String name = subject.substring(slash + 1);
    return switch (kind) {
      case VALIDATING -> view.get(ValidatingWebhookConfiguration.class, name).map(HasMetadata.class::cast);
      case MUTATING -> view.get(MutatingWebhookConfiguration.class, name).map(HasMetadata.class::cast);
      default -> Optional.empty();
    };
  }

  static List<AdmissionWebhook> of(HasMetadata configuration) {
    if (configuration instanceof ValidatingWebhookConfiguration validating) {
      return of(validating.getWebhooks(), (index, w) -> new AdmissionWebhook(index, w.getName(),
          w.getFailurePolicy(), w.getClientConfig(), w.getRules(), w.getNamespaceSelector(), w.getObjectSelector()));
    }
    if (configuration instanceof MutatingWebhookConfiguration mutating) {
      return of(mutating.getWebhooks(), (index, w) -> new AdmissionWebhook(index, w.getName(),
          w.getFailurePolicy(), w.getClientConfig(), w.getRules(), w.getNamespaceSelector(), w.getObjectSelector()));
    }
    return List.of();
  }

  private interface Conversion<W> {
    AdmissionWebhook of(int index, W webhook);
  }

  private static <W> List<AdmissionWebhook> of(List<W> webhooks, Conversion<W> conversion) {
    List<W> all = Objects.requireNonNullElse(webhooks, List.of());
    return IntStream.range(0, all.size())
        .filter(index -> all.get(index) != null)
        .mapToObj(index -> conversion.of(index, all.get(index)))
        .toList();
  }

  /**
   * A webhook whose failure rejects writes: failurePolicy Fail (the API server's default when unset), called
   * through a Service rather than a URL, with rules that match something.
   */
  boolean failsClosed() {
    return (failurePolicy == null || "Fail".equals(failurePolicy)) && service() != null
        && rules != null && !rules.isEmpty();
  }

  /** The Service the API server calls; null for a webhook called by URL. */
  ServiceReference service() {
    ServiceReference service = clientConfig == null ? null : clientConfig.getService();
    return service != null && service.getName() != null ? service : null;
  }

  boolean calls(String namespace, String serviceName) {
    ServiceReference service = service();
    return service != null && serviceName.equals(service.getName()) && Objects.equals(namespace,
        service.getNamespace());
  }

  /** What the rules match, as {@code CREATE, UPDATE of pods, deployments.apps}. */
  String intercepts() {
    return rules.stream().filter(Objects::nonNull).map(AdmissionWebhook::describe)
        .collect(Collectors.joining("; "));
  }

  /** A webhook on pod creation without selectors also judges the pods of its own backend. */
  boolean interceptsAllPodCreations() {
    return isEmpty(namespaceSelector) && isEmpty(objectSelector) && rules.stream().filter(Objects::nonNull)
        .anyMatch(rule -> matchesAny(rule.getOperations(), "CREATE") && matchesAny(rule.getApiGroups(), "")
            && matchesAny(rule.getResources(), "pods"));
  }

  private static String describe(RuleWithOperations rule) {
    List<String> operations = values(rule.getOperations());
    String verbs = operations.contains(ANY) ? "every operation" : String.join(", ", operations);
    String resources = values(rule.getApiGroups()).stream()
        .flatMap(group -> values(rule.getResources()).stream().map(resource -> qualified(resource, group)))
        .distinct()
        .collect(Collectors.joining(", "));
    return verbs + " on " + (resources.isEmpty() ? "no resource" : resources);
  }

  /** As kubectl names a resource ({@code pods}, {@code deployments.apps}), with words for the wildcards. */
  private static String qualified(String resource, String group) {
    boolean anyResource = ANY.equals(resource) || "*/*".equals(resource);
    if (anyResource) {
      return ANY.equals(group) ? "all resources" : "all resources of " + (group.isEmpty() ? "the core group" : group);
    }
    if (ANY.equals(group)) {
      return resource + " in every API group";
    }
    return group.isEmpty() ? resource : resource + "." + group;
  }

  private static boolean matchesAny(List<String> values, String wanted) {
    return values(values).stream().anyMatch(value -> value.equals(wanted) || value.equals(ANY));
  }

  private static List<String> values(List<String> values) {
    return Objects.requireNonNullElse(values, List.<String>of()).stream().filter(Objects::nonNull).toList();
  }

  private static boolean isEmpty(LabelSelector selector) {
    return selector == null
        || ((selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
            && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty()));
  }
}
