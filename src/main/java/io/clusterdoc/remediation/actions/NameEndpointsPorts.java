package io.clusterdoc.remediation.actions;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.remediation.Decision;
import io.clusterdoc.remediation.FreshReads;
import io.clusterdoc.remediation.RemediationAction;
import io.clusterdoc.remediation.Write;
import io.clusterdoc.rules.services.EndpointsPortNameMismatch;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Gives hand-written Endpoints ports the names of the Service ports they serve, so that kube-proxy, which pairs
 * ports by name, finds an endpoint for them. A port is renamed only when it is, in every subset, the one port
 * with the Service port's backend number and protocol, and no other Service port relies on its current name.
 * Endpoints the endpoints controller writes are left alone: it would overwrite the change, and the fix is the
 * pods' container port names.
 */
public final class NameEndpointsPorts implements RemediationAction {
  public static final String ID = "name-endpoints-ports";
  /** Set by the endpoints controller and by mirroring controllers on the Endpoints they own. */
  static final String MANAGED_BY = "endpoints.kubernetes.io/managed-by";

  /** Why this action will not write; thrown from deep in the matching so that each step stays a short method. */
  private static final class Refused extends Exception {
    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String ruleId() {
    return EndpointsPortNameMismatch.ID;
  }

  @Override
  public Decision decide(Finding finding, FreshReads reads, Duration threshold, Instant now) {
    String namespace = finding.object().namespace();
    String name = finding.object().name();
    Optional<Service> service = reads.service(namespace, name);
    if (service.isEmpty()) {
      return Decision.refuse("Service " + namespace + "/" + name + " is gone");
    }
    Optional<Endpoints> endpoints = reads.endpoints(namespace, name);
    if (endpoints.isEmpty()) {
      return Decision.refuse("Endpoints " + namespace + "/" + name + " are gone");
    }
    try {
      List<ServicePort> unmatched = unmatchedPorts(service.get(), endpoints.get());
      List<Write.PortName> names = names(unmatched, service.get(), endpoints.get());
      return Decision.act(List.of(new Write.NameEndpointsPorts(endpoints.get(), names)), reason(unmatched, names));
    } catch (Refused refused) {
      return Decision.refuse(refused.getMessage());
    }
  }

  /** The Service ports kube-proxy finds no endpoint for, once the Endpoints are known to be hand-written. */
  private static List<ServicePort> unmatchedPorts(Service service, Endpoints endpoints) throws Refused {
    if (service.getSpec() != null && service.getSpec().getSelector() != null
        && !service.getSpec().getSelector().isEmpty()) {
      throw new Refused("the Service has a selector: the endpoints controller writes these Endpoints and would "
          + "undo the change; name the pods' container ports as the targetPorts do instead");
    }
    Map<String, String> labels = endpoints.getMetadata().getLabels();
    if (labels != null && labels.containsKey(MANAGED_BY)) {
      throw new Refused("the Endpoints are labelled " + MANAGED_BY + "=" + labels.get(MANAGED_BY)
          + ": that controller writes them and would undo the change");
    }
    if (subsets(endpoints).isEmpty()) {
      throw new Refused("the Endpoints have no subsets: there is no port to name");
    }
    Set<String> named = subsets(endpoints).stream().flatMap(subset -> ports(subset).stream())
        .filter(Objects::nonNull).map(NameEndpointsPorts::nameOf).collect(Collectors.toSet());
    List<ServicePort> unmatched = servicePorts(service).stream().filter(port -> !named.contains(nameOf(port)))
        .toList();
    if (unmatched.isEmpty()) {
      throw new Refused("every Service port already has an Endpoints port of the same name");
    }
    return unmatched;
  }

  private static List<Write.PortName> names(List<ServicePort> unmatched, Service service, Endpoints endpoints)
      throws Refused {
    Set<String> taken = servicePorts(service).stream().map(NameEndpointsPorts::nameOf).collect(Collectors.toSet());
    List<Write.PortName> names = new ArrayList<>();
    for (ServicePort port : unmatched) {
      names.addAll(names(port, endpoints, taken));
    }
    checkNamedOnce(names);
    return names;
  }

  /** The name the Service port gives its backend port in every subset. */
  private static List<Write.PortName> names(ServicePort port, Endpoints endpoints, Set<String> taken)
      throws Refused {
    if (nameOf(port).isEmpty()) {
      throw new Refused("Service port " + describe(port) + " is unnamed: only an unnamed Endpoints port matches "
          + "it, and naming a port \"\" is no fix");
    }
    int number = backendPort(port);
    String protocol = protocolOf(port);
    List<EndpointSubset> subsets = subsets(endpoints);
    List<Write.PortName> names = new ArrayList<>();
    for (int subset = 0; subset < subsets.size(); subset++) {
      int index = candidate(port, subsets.get(subset), subset, number, protocol);
      String current = nameOf(ports(subsets.get(subset)).get(index));
      if (taken.contains(current)) {
        throw new Refused("Service port " + describe(port) + ": Endpoints port " + number + "/" + protocol
            + " in subset " + subset + " is named \"" + current + "\", which another Service port uses");
      }
      names.add(new Write.PortName(subset, index, number, protocol, nameOf(port)));
    }
    return names;
  }

  /** Without a selector nothing resolves a named targetPort, so only a number says which port is meant. */
  private static int backendPort(ServicePort port) throws Refused {
    IntOrString target = port.getTargetPort();
    if (target != null && target.getIntVal() != null) {
      return target.getIntVal();
    }
    if (target != null && target.getStrVal() != null) {
      throw new Refused("Service port " + describe(port) + " targets the named port \"" + target.getStrVal()
          + "\": which Endpoints port that is, is ambiguous");
    }
    return Objects.requireNonNullElse(port.getPort(), 0);
  }

  /** The index of the one port of the subset with this number and protocol. */
  private static int candidate(ServicePort port, EndpointSubset subset, int subsetIndex, int number,
      String protocol) throws Refused {
    List<EndpointPort> ports = ports(subset);
    List<Integer> matching = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      EndpointPort candidate = ports.get(i);
      if (candidate != null && Objects.equals(candidate.getPort(), number) && protocol.equals(protocolOf(candidate))) {
        matching.add(i);
      }
    }
    if (matching.size() != 1) {
      String found = matching.isEmpty() ? "no port " + number + "/" + protocol
          : matching.size() + " ports " + number + "/" + protocol + ": which one is meant is ambiguous";
      throw new Refused("Service port " + describe(port) + ": subset " + subsetIndex + " of the Endpoints has "
          + found);
    }
    return matching.get(0);
  }

  /** Two Service ports with the same backend port would each rename it: neither name can be right for both. */
  private static void checkNamedOnce(List<Write.PortName> names) throws Refused {
    for (Write.PortName name : names) {
      Optional<Write.PortName> other = names.stream()
          .filter(n -> n.subset() == name.subset() && n.port() == name.port() && !n.name().equals(name.name()))
          .findFirst();
      if (other.isPresent()) {
        throw new Refused("Service ports \"" + name.name() + "\" and \"" + other.get().name() + "\" both target "
            + "Endpoints port " + name.number() + "/" + name.protocol() + ": it can take only one name");
      }
    }
  }

  private static String reason(List<ServicePort> unmatched, List<Write.PortName> names) {
    return unmatched.stream().map(port -> reason(port, names)).collect(Collectors.joining("; "));
  }

  private static String reason(ServicePort port, List<Write.PortName> names) {
    List<Write.PortName> backend = names.stream().filter(n -> n.name().equals(nameOf(port))).toList();
    String where = backend.size() == 1 ? "the one subset" : "each of the " + backend.size() + " subsets";
    return "Service port " + describe(port) + " has no Endpoints port of its name, and its backend port "
        + backend.get(0).number() + "/" + backend.get(0).protocol() + " is unique in " + where;
  }

  private static List<ServicePort> servicePorts(Service service) {
    return service.getSpec() == null || service.getSpec().getPorts() == null ? List.of()
        : service.getSpec().getPorts().stream().filter(Objects::nonNull).toList();
  }

  private static List<EndpointSubset> subsets(Endpoints endpoints) {
    return Objects.requireNonNullElse(endpoints.getSubsets(), List.of());
  }

  /** The ports of a subset as stored, nulls included, so that indexes are those of the Endpoints. */
  private static List<EndpointPort> ports(EndpointSubset subset) {
    return subset == null || subset.getPorts() == null ? List.of() : subset.getPorts();
  }

  private static String nameOf(ServicePort port) {
    return Objects.requireNonNullElse(port.getName(), "");
  }

  private static String nameOf(EndpointPort port) {
    return Objects.requireNonNullElse(port.getName(), "");
  }

  private static String protocolOf(ServicePort port) {
    return Objects.requireNonNullElse(port.getProtocol(), "TCP");
  }

  private static String protocolOf(EndpointPort port) {
    return Objects.requireNonNullElse(port.getProtocol(), "TCP");
  }

  private static String describe(ServicePort port) {
    return (nameOf(port).isEmpty() ? "<unnamed>" : "\"" + nameOf(port) + "\"") + " (" + port.getPort() + "/"
        + protocolOf(port) + ")";
  }
}
