package io.clusterdoc.rules;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.rules.apiservices.ApiServiceUnavailable;
import io.clusterdoc.rules.dns.CorednsNotReady;
import io.clusterdoc.rules.nodes.NodeNotReady;
import io.clusterdoc.rules.nodes.NodePressure;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Links symptoms to the root cause that explains them: a finding about a pod on a node that is NotReady or under
 * pressure lists that node first in {@code related}, so one broken node reads as one problem with its
 * consequences rather than many unrelated findings. An unavailable APIService explains the findings on its
 * backing Service, and the namespaces it keeps Terminating (that rule lists it in {@code related} itself). A cluster
 * DNS that is down explains the findings whose evidence shows a lookup through the kube-dns Service failing.
 */
public final class RootCauses {
  private static final Set<String> NODE_RULES = Set.of(NodeNotReady.ID, NodePressure.ID);
  /** Rules whose findings explain findings of other rules; they are never symptoms themselves. */
  private static final Set<String> ROOT_RULES =
      Set.of(NodeNotReady.ID, NodePressure.ID, ApiServiceUnavailable.ID, CorednsNotReady.ID);
  private static final String DNS_NAMESPACE = "kube-system";
  private static final String DNS_SERVICE = "kube-dns";

  private RootCauses() {
  }

  /** The same findings, in the same order, each symptom with its root cause first among its related objects. */
  public static List<Finding> link(List<Finding> findings, ClusterView view) {
    Map<String, ObjectRef> brokenNodes = findings.stream()
        .filter(f -> NODE_RULES.contains(f.rule()) && "Node".equals(f.object().kind()))
        .collect(Collectors.toMap(f -> f.object().name(), Finding::object, (a, b) -> a));
    Map<ObjectRef, ObjectRef> unavailableApiBackends = new HashMap<>();
    findings.stream().filter(f -> f.rule().equals(ApiServiceUnavailable.ID))
        .forEach(f -> f.related().stream().filter(ref -> "Service".equals(ref.kind()))
            .forEach(service -> unavailableApiBackends.putIfAbsent(service, f.object())));
    Optional<ObjectRef> dnsDown = findings.stream().filter(f -> f.rule().equals(CorednsNotReady.ID))
        .map(Finding::object).min(Comparator.comparing(ref -> !"Service".equals(ref.kind())));
    Optional<String> dnsAddress = dnsDown.flatMap(down -> view.get(Service.class, DNS_NAMESPACE, DNS_SERVICE))
        .map(service -> service.getSpec() == null ? null : service.getSpec().getClusterIP())
        .map(ip -> ip + ":53");
    if (brokenNodes.isEmpty() && unavailableApiBackends.isEmpty() && dnsAddress.isEmpty()) {
      return findings;
    }
    return findings.stream()
        .map(f -> causeOf(f, brokenNodes, unavailableApiBackends, view)
            .or(() -> dnsAddress.filter(address -> !isRootCause(f) && mentions(f, address)).flatMap(a -> dnsDown))
            .map(cause -> withCauseFirst(f, cause)).orElse(f))
        .toList();
  }

  /** Whether the finding quotes an error about the address, e.g. "lookup db on 10.96.0.10:53: ... i/o timeout". */
  private static boolean mentions(Finding f, String address) {
    return f.message() != null && f.message().contains(address) || f.cause() != null && f.cause().contains(address);
  }

  /** Whether the finding is a symptom of the given root-cause finding. */
  public static boolean explains(Finding cause, Finding symptom) {
    return cause != symptom && isRootCause(cause) && !isRootCause(symptom) && symptom.related().contains(cause.object());
  }

  public static boolean isRootCause(Finding finding) {
    return ROOT_RULES.contains(finding.rule());
  }

  /** The broken node of a pod the finding is about, or the unavailable APIService whose backend it is about. */
  private static Optional<ObjectRef> causeOf(Finding f, Map<String, ObjectRef> brokenNodes,
      Map<ObjectRef, ObjectRef> unavailableApiBackends, ClusterView view) {
    if (isRootCause(f)) {
      return Optional.empty();
    }
    ObjectRef apiService = unavailableApiBackends.get(f.object());
    if (apiService != null) {
      return Optional.of(apiService);
    }
    return Stream.concat(Stream.of(f.object()), f.related().stream())
        .filter(ref -> "Pod".equals(ref.kind()))
        .map(ref -> view.get(Pod.class, ref.namespace(), ref.name()))
        .flatMap(Optional::stream)
        .map(pod -> pod.getSpec() == null ? null : brokenNodes.get(pod.getSpec().getNodeName()))
        .filter(node -> node != null)
        .findFirst();
  }

  private static Finding withCauseFirst(Finding f, ObjectRef node) {
    List<ObjectRef> related = new ArrayList<>();
    related.add(node);
    f.related().stream().filter(ref -> !ref.equals(node)).forEach(related::add);
    return new Finding(f.rule(), f.severity(), f.object(), f.message(), f.cause(), f.remediation(), related);
  }
}
