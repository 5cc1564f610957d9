package io.clusterdoc.rules.services;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.rules.Selectors;
import io.clusterdoc.rules.services.SimilarPods.NearMiss;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Service with a selector whose Endpoints list no ready address: kube-proxy refuses connections to it and its
 * DNS name leads nowhere. The finding says which of the usual reasons it is, from the pods of the namespace: the
 * selector matches no pod, the matching pods are not Ready, or a named targetPort exists on none of them.
 */
public final class ServiceNoEndpoints extends ObjectRule<Service> {
  public static final String ID = "service-no-endpoints";

  private static final String SYSTEM_NAMESPACE = "kube-system";
  /** The cluster DNS has a rule of its own, coredns-not-ready, that knows more about its pods. */
  private static final String CLUSTER_DNS = Keys.of(SYSTEM_NAMESPACE, "kube-dns");
  private static final int PODS_SHOWN = 3;
  private static final Comparator<Pod> BY_NAME = Comparator.comparing(pod -> pod.getMetadata().getName());

  /** What one finding tells besides the Service's name. */
  private record Explanation(String why, String cause, String remediation, List<Pod> pods) {
  }

  public ServiceNoEndpoints() {
    super(ID, Severity.WARNING, "Service with a selector has no ready endpoint: connections to it are refused",
        Service.class, Threshold.of(Duration.ofMinutes(2)), Kind.ENDPOINTS, Kind.POD);
  }

  @Override
  protected List<Finding> check(Service service, ClusterView view, RuleContext context) {
    Map<String, String> selector = selector(service);
    if (selector.isEmpty() || "ExternalName".equals(service.getSpec().getType())
        || CLUSTER_DNS.equals(Keys.of(service))) {
      return List.of();
    }
    Optional<Endpoints> endpoints = view.get(Endpoints.class, Keys.of(service));
    if (endpoints.filter(e -> EndpointsReadiness.isLeaderLock(e) || EndpointsReadiness.anyReady(e)).isPresent()
        || !SettlingTime.pastCreation(service, context)) {
      return List.of();
    }
    return explain(service, selector, endpoints, view, context)
        .map(explanation -> List.of(report(service, endpoints, explanation)))
        .orElse(List.of());
  }

  /**
   * Only the Endpoints of the same name: the endpoints controller rewrites them whenever a selected pod turns
   * Ready or not Ready, so a pod change alone maps to nothing (finding its Services would mean matching it against
   * every selector of the namespace on every pod update).
   */
  @Override
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    return changed instanceof Endpoints ? List.of(Keys.of(changed)) : List.of();
  }

  private Optional<Explanation> explain(Service service, Map<String, String> selector,
      Optional<Endpoints> endpoints, ClusterView view, RuleContext context) {
    Collection<Pod> namespacePods = view.podsInNamespace(service.getMetadata().getNamespace());
    List<Pod> selected = namespacePods.stream().filter(pod -> SimilarPods.matches(selector, pod)).sorted(BY_NAME)
        .toList();
    if (selected.isEmpty()) {
      return Optional.of(noPodSelected(service, SimilarPods.of(selector, namespacePods)));
    }
    List<Pod> serving = selected.stream().filter(BackendPods::isServing).toList();
    if (serving.isEmpty()) {
      return Optional.of(noPodReady(service, selected));
    }
    List<ServicePort> ports = ports(service);
    List<ServicePort> unresolved = ports.stream()
        .filter(port -> serving.stream().noneMatch(pod -> BackendPods.resolves(port, pod)))
        .toList();
    if (!ports.isEmpty() && unresolved.size() == ports.size()) {
      return Optional.of(targetPortMissing(service, unresolved, serving));
    }
    // Without Endpoints in view (files without them) nothing says the controller failed; just after pods turn
    // Ready, the controller may not have written them yet.
    Instant lastReady = serving.stream().map(BackendPods::readySince).max(Comparator.naturalOrder()).orElseThrow();
    if (endpoints.isEmpty() || !SettlingTime.past(lastReady, context)) {
      return Optional.empty();
    }
    return Optional.of(notListed(service, serving));
  }

  private Finding report(Service service, Optional<Endpoints> endpoints, Explanation explanation) {
    Severity severity = SYSTEM_NAMESPACE.equals(service.getMetadata().getNamespace()) ? Severity.CRITICAL
        : severity();
    Finding.Builder finding = finding(service, severity)
        .message("Service " + ServiceFindingText.name(service) + " has no ready endpoint: " + explanation.why() + ".")
        .cause(explanation.cause() + " " + endpointsState(service, endpoints) + " " + effect(service))
        .remediation(explanation.remediation());
    endpoints.map(ObjectRef::of).ifPresent(finding::related);
    return finding.related(explanation.pods().stream().map(ObjectRef::of).toList()).build();
  }

  private static Explanation noPodSelected(Service service, List<NearMiss> similar) {
    String namespace = service.getMetadata().getNamespace();
    String similarity = similar.isEmpty()
        ? "No pod in namespace " + namespace + " misses it by a single label: the workload may be scaled to zero, "
            + "not deployed, or deployed to another namespace."
        : "Pods with similar labels: "
            + ServiceFindingText.listed(similar.stream().map(NearMiss::display).toList(), PODS_SHOWN) + ".";
    String kubectl = ServiceFindingText.kubectl(service);
    return new Explanation(
        "its selector " + selectorText(service) + " matches no pod in namespace " + namespace,
        "The endpoints controller lists the pods that carry every label of the selector. " + similarity,
        "Compare the selector with the pods' labels: " + kubectl + " get pods --show-labels. Fix whichever is "
            + "wrong: the Service's selector (" + kubectl + " edit service " + service.getMetadata().getName()
            + "), or the labels of the workload's pod template (a Deployment's spec.selector cannot be changed, "
            + "so fixing the Service is usually simpler). If the workload is scaled to zero on purpose, clients "
            + "are refused until it scales up again.",
        similar.stream().map(NearMiss::pod).toList());
  }

  private static Explanation noPodReady(Service service, List<Pod> selected) {
    String first = selected.get(0).getMetadata().getName();
    String kubectl = ServiceFindingText.kubectl(service);
    String why = selected.size() == 1
        ? "its only pod " + first + " is not Ready"
        : "none of its " + selected.size() + " pods is Ready";
    return new Explanation(why,
        "The endpoints controller lists a pod as a ready address only once it runs and its Ready condition is "
            + "True (its readiness probe passes); until then the pod gets no traffic. Pods: "
            + ServiceFindingText.listed(selected.stream().map(BackendPods::state).toList(), PODS_SHOWN) + ".",
        "Find out why the pods are not Ready: " + kubectl + " describe pod " + first + " (its Events show "
            + "failing readiness probes, image pulls, scheduling) and " + kubectl + " logs " + first
            + ". The endpoints controller adds each pod as soon as it is Ready. Do not remove or loosen the "
            + "readiness probe only to get endpoints: traffic would then reach pods that cannot answer.",
        selected);
  }

  private static Explanation targetPortMissing(Service service, List<ServicePort> unresolved, List<Pod> serving) {
    List<String> names = unresolved.stream().map(port -> port.getTargetPort().getStrVal()).distinct()
        .map(name -> "\"" + name + "\"").toList();
    List<String> declared = serving.stream().flatMap(BackendPods::declaredPorts).distinct().sorted().toList();
    String pods = serving.size() == 1 ? "its Ready pod " + serving.get(0).getMetadata().getName()
        : "its " + serving.size() + " Ready pods";
    String kubectl = ServiceFindingText.kubectl(service);
    return new Explanation(
        (names.size() == 1 ? "its targetPort " : "its targetPorts ") + String.join(", ", names)
            + " names no container port of " + pods,
        "The endpoints controller looks a named targetPort up among each selected pod's container ports, by name "
            + "and protocol, and leaves out a pod on which no Service port resolves. The pods declare "
            + (declared.isEmpty() ? "no container port" : String.join(", ", declared)) + ".",
        "Make the names agree: give the container port the name " + names.get(0) + " in the pod template (a "
            + "rollout), or set targetPort to the container port number (" + kubectl + " edit service "
            + service.getMetadata().getName() + ", effective at once). Check with " + kubectl + " get pods -l "
            + selectorText(service) + " -o jsonpath='{..ports}'.",
        serving);
  }

  private static Explanation notListed(Service service, List<Pod> serving) {
    String names = ServiceFindingText.listed(serving.stream().map(pod -> pod.getMetadata().getName()).toList(),
        PODS_SHOWN);
    return new Explanation(
        (serving.size() == 1 ? "its Ready pod is" : "its " + serving.size() + " Ready pods are")
            + " not listed in its Endpoints",
        "Ready pods with the selector's labels and the ports the Service targets: " + names + ". The Endpoints "
            + "list none of them: the endpoints controller in kube-controller-manager is not updating them.",
        "Check kube-controller-manager: kubectl -n kube-system get pods -l component=kube-controller-manager and "
            + "its logs (errors syncing service " + ServiceFindingText.name(service) + "); compare with "
            + ServiceFindingText.kubectl(service) + " get endpoints " + service.getMetadata().getName() + " -o yaml.",
        serving);
  }

  private static String endpointsState(Service service, Optional<Endpoints> endpoints) {
    return endpoints.map(EndpointsReadiness::gap)
        .orElse("There is no Endpoints object " + ServiceFindingText.name(service) + ".");
  }

  /** What clients see: kube-proxy rejects connections to a Service without endpoints; DNS has nothing to return. */
  private static String effect(Service service) {
    if ("None".equals(service.getSpec().getClusterIP())) {
      return "Its DNS name resolves to no pod address.";
    }
    String portName = ports(service).stream().map(ServicePort::getName).filter(Objects::nonNull).findFirst()
        .map(name -> ":" + name).orElse("");
    return "kube-proxy rejects connections to it, so clients get \"connection refused\" (in iptables mode, "
        + "iptables-save shows \"" + ServiceFindingText.name(service) + portName + " has no endpoints\").";
  }

  private static Map<String, String> selector(Service service) {
    return service.getSpec() == null || service.getSpec().getSelector() == null ? Map.of()
        : service.getSpec().getSelector();
  }

  private static String selectorText(Service service) {
    return Selectors.of(service).orElse("");
  }

  private static List<ServicePort> ports(Service service) {
    return Objects.requireNonNullElse(service.getSpec().getPorts(), List.<ServicePort>of()).stream()
        .filter(Objects::nonNull).toList();
  }
}
