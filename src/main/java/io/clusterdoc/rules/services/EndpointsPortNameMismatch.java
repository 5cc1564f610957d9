package io.clusterdoc.rules.services;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.rules.Selectors;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * kube-proxy pairs a Service port with the Endpoints ports of the same name, and an unnamed port only with an
 * unnamed one. Hand-written Endpoints that name their ports differently leave a Service port without any
 * endpoint: kube-proxy rejects connections to it although {@code kubectl get endpoints} shows addresses.
 */
public final class EndpointsPortNameMismatch extends ObjectRule<Service> {
  public static final String ID = "endpoints-port-name-mismatch";

  public EndpointsPortNameMismatch() {
    super(ID, Severity.CRITICAL,
        "Service port has no Endpoints port of the same name: kube-proxy has no endpoint for it and refuses connections",
        Service.class, Kind.ENDPOINTS);
  }

  @Override
  protected List<Finding> check(Service service, ClusterView view, RuleContext context) {
    if (!isProxied(service)) {
      return List.of();
    }
    Optional<Endpoints> endpoints = view.get(Endpoints.class, Keys.of(service));
    Set<String> endpointPortNames = endpoints.map(EndpointsPortNameMismatch::portNames).orElse(Set.of());
    // No Endpoints, or Endpoints without ports, is a Service without backends: a different problem.
    if (endpointPortNames.isEmpty()) {
      return List.of();
    }
    List<ServicePort> unmatched = service.getSpec().getPorts().stream()
        .filter(Objects::nonNull)
        .filter(port -> !endpointPortNames.contains(nameOf(port)))
        .toList();
    if (unmatched.isEmpty()) {
      return List.of();
    }
    return List.of(finding(service, endpoints.get(), unmatched, endpointPortNames));
  }

  @Override
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    return List.of(Keys.of(changed));
  }

  /**
   * Only ports kube-proxy programs can be refused: ExternalName Services are DNS aliases and headless Services
   * are resolved straight to the endpoint addresses.
   */
  private static boolean isProxied(Service service) {
    ServiceSpec spec = service.getSpec();
    return spec != null && spec.getPorts() != null && !"ExternalName".equals(spec.getType())
        && !"None".equals(spec.getClusterIP());
  }

  private Finding finding(Service service, Endpoints endpoints, List<ServicePort> unmatched, Set<String> available) {
    String key = Keys.of(service);
    String ports = unmatched.stream().map(EndpointsPortNameMismatch::describe).collect(Collectors.joining(", "));
    String endpointPorts = available.stream()
        .map(portName -> portName.isEmpty() ? "an unnamed port" : "port \"" + portName + "\"")
        .collect(Collectors.joining(", "));
    String subject = unmatched.size() == 1 ? "port " + ports + " has" : "ports " + ports + " have";
    return finding(service)
        .message("Service " + key + " " + subject + " no Endpoints port of the same name; the Endpoints have only "
            + endpointPorts + ".")
        .cause("kube-proxy pairs each Service port with the Endpoints ports of the same name (an unnamed port only "
            + "with an unnamed one), so it has no endpoint for " + ports + " and rejects connections to it with "
            + "\"connection refused\" (iptables-save shows \"" + key + suffix(unmatched.get(0))
            + " has no endpoints\") although kubectl get endpoints lists addresses. " + whoWritesTheEndpoints(service))
        .remediation(remediation(service, unmatched))
        .related(ObjectRef.of(endpoints))
        .build();
  }

  private static String whoWritesTheEndpoints(Service service) {
    return Selectors.of(service).isPresent()
        ? "The Service has a selector, so the endpoints controller writes these Endpoints; it leaves a port out when "
            + "no selected pod has a container port matching the port's targetPort."
        : "The Service has no selector, so these Endpoints were written by hand, and their port names differ.";
  }

  private static String remediation(Service service, List<ServicePort> unmatched) {
    String namespace = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName();
    Optional<String> selector = Selectors.of(service);
    if (selector.isPresent()) {
      return "Give the pods' container ports the names the targetPorts use, or use port numbers as targetPort; "
          + "compare with kubectl -n " + namespace + " get pods -l " + selector.get()
          + " -o jsonpath='{..ports}'. The endpoints controller then writes the missing ports.";
    }
    return "Give each Endpoints port the name of the Service port it serves (kubectl -n " + namespace
        + " edit endpoints " + name + "), in every subset:\n" + portsFragment(unmatched)
        + "kube-proxy picks the change up at once. Alternatively describe the backends with an EndpointSlice labelled "
        + "kubernetes.io/service-name: " + name + " whose ports carry the same names, or give the Service a selector "
        + "if the backends are pods.";
  }

  /** The ports block the Endpoints need, ready to paste under a subset. */
  private static String portsFragment(List<ServicePort> ports) {
    StringBuilder yaml = new StringBuilder("  ports:\n");
    for (ServicePort port : ports) {
      yaml.append("  - name: ").append(nameOf(port).isEmpty() ? "\"\"" : nameOf(port)).append('\n')
          .append("    port: ").append(backendPort(port)).append('\n')
          .append("    protocol: ").append(protocolOf(port)).append('\n');
    }
    return yaml.toString();
  }

  /** Without a selector the API server defaults targetPort to port, and the backend listens there. */
  private static int backendPort(ServicePort port) {
    if (port.getTargetPort() != null && port.getTargetPort().getIntVal() != null) {
      return port.getTargetPort().getIntVal();
    }
    return Objects.requireNonNullElse(port.getPort(), 0);
  }

  private static Set<String> portNames(Endpoints endpoints) {
    List<EndpointSubset> subsets = Objects.requireNonNullElse(endpoints.getSubsets(), List.of());
    return subsets.stream()
        .filter(subset -> subset != null && subset.getPorts() != null)
        .flatMap(subset -> subset.getPorts().stream())
        .filter(Objects::nonNull)
        .map(EndpointPort::getName)
        .map(name -> Objects.requireNonNullElse(name, ""))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String nameOf(ServicePort port) {
    return Objects.requireNonNullElse(port.getName(), "");
  }

  private static String protocolOf(ServicePort port) {
    return Objects.requireNonNullElse(port.getProtocol(), "TCP");
  }

  private static String describe(ServicePort port) {
    String name = nameOf(port).isEmpty() ? "<unnamed>" : "\"" + nameOf(port) + "\"";
    return name + " (" + port.getPort() + "/" + protocolOf(port) + ")";
  }

  /** How kube-proxy names a Service port in its rules: {@code namespace/name:port}, no suffix when unnamed. */
  private static String suffix(ServicePort port) {
    return nameOf(port).isEmpty() ? "" : ":" + nameOf(port);
  }
}
