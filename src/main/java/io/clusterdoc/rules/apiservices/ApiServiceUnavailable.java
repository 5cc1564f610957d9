package io.clusterdoc.rules.apiservices;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.rules.Selectors;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.APIServiceCondition;
import io.fabric8.kubernetes.api.model.APIServiceSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceReference;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An aggregated API is registered but its backend does not answer. The damage goes beyond the API itself:
 * discovery of the whole cluster becomes incomplete, and the namespace controller refuses to finish any
 * namespace deletion because it cannot list that group.
 */
public final class ApiServiceUnavailable extends ObjectRule<APIService> {
  public static final String ID = "apiservice-unavailable";

  private static final String SERVICE_NOT_FOUND = "ServiceNotFound";

  /** What the reasons the aggregator writes point at, when the backing Service exists. */
  private static final Map<String, String> HINTS = Map.of(
      "ServicePortError", "spec.service.port does not match any port of the backing Service.",
      "MissingEndpoints", "The backing Service has no ready endpoint on that port: its pods are missing or not "
          + "Ready, or the Service port name does not match.",
      "FailedDiscoveryCheck", "The API server cannot get an answer from the backend: check that the pods answer on "
          + "the Service's target port, that the control plane can reach the pod network (firewall, NetworkPolicy; "
          + "metrics-server often needs hostNetwork: true where it cannot) and the pods' logs for TLS errors.");

  public ApiServiceUnavailable() {
    super(ID, Severity.CRITICAL,
        "APIService is not Available: API discovery is incomplete and namespace deletions hang", APIService.class,
        Kind.SERVICE);
  }

  /** The Available condition when it exists and is not True; no status or no condition is not a failure. */
  public static Optional<APIServiceCondition> unavailability(APIService apiService) {
    if (apiService.getStatus() == null || apiService.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return apiService.getStatus().getConditions().stream()
        .filter(c -> c != null && "Available".equals(c.getType()) && !"True".equals(c.getStatus()))
        .findFirst();
  }

  /** {@code group/version} as discovery errors print it, e.g. {@code metrics.k8s.io/v1beta1}. */
  public static String groupVersion(APIService apiService) {
    if (apiService.getSpec() == null || apiService.getSpec().getVersion() == null) {
      return apiService.getMetadata().getName();
    }
    String group = Objects.requireNonNullElse(apiService.getSpec().getGroup(), "");
    return group.isEmpty() ? apiService.getSpec().getVersion() : group + "/" + apiService.getSpec().getVersion();
  }

  /** {@code reason: message}, or whichever of the two the condition has. */
  public static String describe(APIServiceCondition condition) {
    String text = Stream.of(condition.getReason(), condition.getMessage())
        .filter(part -> part != null && !part.isEmpty())
        .collect(Collectors.joining(": "));
    return text.isEmpty() ? "status " + condition.getStatus() : text;
  }

  @Override
  protected List<Finding> check(APIService apiService, ClusterView view, RuleContext context) {
    return unavailability(apiService).map(condition -> List.of(finding(apiService, condition, view)))
        .orElse(List.of());
  }

  @Override
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    return view.all(APIService.class).stream()
        .filter(apiService -> backend(apiService).filter(ref -> refersTo(ref, changed)).isPresent())
        .map(Keys::of)
        .toList();
  }

  private Finding finding(APIService apiService, APIServiceCondition condition, ClusterView view) {
    Optional<ServiceReference> backend = backend(apiService);
    Optional<Service> service = backend.flatMap(ref -> service(ref, view));
    Finding.Builder finding = finding(apiService)
        .message("APIService " + apiService.getMetadata().getName() + " is not Available: " + describe(condition) + ".")
        .cause(servedBy(backend, condition) + " While it does not answer, API discovery is incomplete: kubectl "
            + "api-resources and kubectl get print \"unable to retrieve the complete list of server APIs: "
            + groupVersion(apiService) + ": ...\", and the namespace controller cannot list "
            + groupVersion(apiService) + ", so every namespace being deleted stays Terminating.")
        .remediation(fix(apiService, condition, backend, service) + " If the add-on was removed on purpose, delete "
            + "the stale registration: kubectl delete apiservice " + apiService.getMetadata().getName() + " ("
            + groupVersion(apiService) + " then disappears from the API until the add-on is installed again).");
    service.map(ObjectRef::of).ifPresent(finding::related);
    return finding.build();
  }

  /** Whether the Service exists is the aggregator's word (its reason), not the view's: the view may be partial. */
  private static String servedBy(Optional<ServiceReference> backend, APIServiceCondition condition) {
    if (backend.isEmpty()) {
      return "It is served by the API server itself (no spec.service).";
    }
    return "The API server forwards this API to service " + display(backend.get())
        + (isServiceNotFound(condition) ? ", which does not exist." : ".");
  }

  private static String fix(APIService apiService, APIServiceCondition condition, Optional<ServiceReference> backend,
      Optional<Service> service) {
    if (backend.isEmpty()) {
      return "Look at kubectl get apiservice " + apiService.getMetadata().getName()
          + " -o yaml and the kube-apiserver logs.";
    }
    ServiceReference ref = backend.get();
    if (isServiceNotFound(condition)) {
      return "Reinstall the add-on that provides service " + display(ref) + ".";
    }
    String pods = service.flatMap(Selectors::of)
        .map(selector -> "kubectl -n " + ref.getNamespace() + " get pods -l " + selector + " and their logs")
        .orElse("the pods behind it and their logs");
    String hint = HINTS.getOrDefault(Objects.requireNonNullElse(condition.getReason(), ""), "");
    return (hint.isEmpty() ? "" : hint + " ") + "Fix the backing service and its pods: kubectl -n "
        + ref.getNamespace() + " describe service " + ref.getName() + "; kubectl -n " + ref.getNamespace()
        + " get endpoints " + ref.getName() + "; " + pods + ".";
  }

  private static boolean isServiceNotFound(APIServiceCondition condition) {
    return SERVICE_NOT_FOUND.equals(condition.getReason());
  }

  private static Optional<ServiceReference> backend(APIService apiService) {
    return Optional.ofNullable(apiService.getSpec()).map(APIServiceSpec::getService).filter(ref -> ref.getName() != null);
  }

  private static Optional<Service> service(ServiceReference ref, ClusterView view) {
    return view.get(Service.class, ref.getNamespace(), ref.getName());
  }

  private static boolean refersTo(ServiceReference ref, HasMetadata object) {
    return Objects.equals(ref.getName(), object.getMetadata().getName())
        && Objects.equals(ref.getNamespace(), object.getMetadata().getNamespace());
  }

  private static String display(ServiceReference ref) {
    return Keys.of(ref.getNamespace(), ref.getName());
  }
}
