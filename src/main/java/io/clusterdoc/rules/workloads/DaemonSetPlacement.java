package io.clusterdoc.rules.workloads;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which nodes a DaemonSet's pods may go to: the pod template's nodeSelector and required node affinity, and its
 * tolerations together with those the DaemonSet controller adds to every daemon pod. Anything this class cannot
 * evaluate counts as "not selected", so that a doubt never becomes a finding.
 */
final class DaemonSetPlacement {
  private static final Set<String> BLOCKING_EFFECTS = Set.of("NoSchedule", "NoExecute");
  /** Added by the DaemonSet controller, so that node agents keep running on nodes in trouble or cordoned. */
  private static final List<Toleration> ADDED_BY_CONTROLLER = List.of(
      exists("node.kubernetes.io/not-ready", "NoExecute"),
      exists("node.kubernetes.io/unreachable", "NoExecute"),
      exists("node.kubernetes.io/disk-pressure", "NoSchedule"),
      exists("node.kubernetes.io/memory-pressure", "NoSchedule"),
      exists("node.kubernetes.io/pid-pressure", "NoSchedule"),
      exists("node.kubernetes.io/unschedulable", "NoSchedule"));
  /** Added only to pods on the host network, which do not need the pod network to start. */
  private static final Toleration ADDED_FOR_HOST_NETWORK = exists("node.kubernetes.io/network-unavailable",
      "NoSchedule");
  private static final Set<String> CONTROL_PLANE_TAINTS = Set.of("node-role.kubernetes.io/control-plane",
      "node-role.kubernetes.io/master");

  private DaemonSetPlacement() {
  }

  /** Whether the node matches the template's nodeSelector and required node affinity. */
  static boolean selects(PodSpec spec, Node node) {
    Map<String, String> labels = Objects.requireNonNullElse(node.getMetadata().getLabels(), Map.of());
    Map<String, String> selector = Objects.requireNonNullElse(spec.getNodeSelector(), Map.of());
    boolean selected = selector.entrySet().stream()
        .allMatch(e -> Objects.equals(e.getValue(), labels.get(e.getKey())));
    return selected && requiredAffinity(spec).map(terms -> terms.stream()
        .anyMatch(term -> matches(term, node.getMetadata().getName(), labels))).orElse(true);
  }

  /** The node's NoSchedule and NoExecute taints that no toleration of the pod covers. */
  static List<Taint> untoleratedTaints(PodSpec spec, Node node) {
    List<Toleration> tolerations = new ArrayList<>(ADDED_BY_CONTROLLER);
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      tolerations.add(ADDED_FOR_HOST_NETWORK);
    }
    tolerations.addAll(Objects.requireNonNullElse(spec.getTolerations(), List.of()));
    return blockingTaints(node).stream()
        .filter(taint -> tolerations.stream().noneMatch(t -> tolerates(t, taint)))
        .toList();
  }

  static boolean hasBlockingTaint(Node node) {
    return !blockingTaints(node).isEmpty();
  }

  static boolean isControlPlaneTaint(Taint taint) {
    return taint.getKey() != null && CONTROL_PLANE_TAINTS.contains(taint.getKey());
  }

  /** As people write it in kubectl taint: key=value:effect, or key:effect. */
  static String display(Taint taint) {
    String value = taint.getValue() == null || taint.getValue().isEmpty() ? "" : "=" + taint.getValue();
    return taint.getKey() + value + ":" + taint.getEffect();
  }

  /** The scheduler's rule: an empty key with Exists matches every taint, an empty effect every effect. */
  static boolean tolerates(Toleration toleration, Taint taint) {
    if (!isEmpty(toleration.getEffect()) && !toleration.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (!isEmpty(toleration.getKey()) && !toleration.getKey().equals(taint.getKey())) {
      return false;
    }
    String operator = Objects.requireNonNullElse(toleration.getOperator(), "");
    if (operator.equals("Exists")) {
      return true;
    }
    String value = Objects.requireNonNullElse(taint.getValue(), "");
    return (operator.isEmpty() || operator.equals("Equal"))
        && Objects.requireNonNullElse(toleration.getValue(), "").equals(value);
  }

  /** The taints that keep pods away; PreferNoSchedule only steers the scheduler. */
  private static List<Taint> blockingTaints(Node node) {
    List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
    return taints == null ? List.of()
        : taints.stream().filter(t -> t.getEffect() != null && BLOCKING_EFFECTS.contains(t.getEffect())).toList();
  }

  private static Optional<List<NodeSelectorTerm>> requiredAffinity(PodSpec spec) {
    Affinity affinity = spec.getAffinity();
    NodeSelector required = affinity == null || affinity.getNodeAffinity() == null ? null
        : affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    return Optional.ofNullable(required)
        .map(r -> Objects.requireNonNullElse(r.getNodeSelectorTerms(), List.of()));
  }

  /** A term matches when all its requirements do; a term without any matches nothing, as in the scheduler. */
  private static boolean matches(NodeSelectorTerm term, String nodeName, Map<String, String> labels) {
    List<NodeSelectorRequirement> expressions = Objects.requireNonNullElse(term.getMatchExpressions(), List.of());
    List<NodeSelectorRequirement> fields = Objects.requireNonNullElse(term.getMatchFields(), List.of());
    if (expressions.isEmpty() && fields.isEmpty()) {
      return false;
    }
    Map<String, String> nodeFields = nodeName == null ? Map.of() : Map.of("metadata.name", nodeName);
    return Stream.concat(expressions.stream().map(r -> matches(r, labels)), fields.stream().map(r -> matches(r,
        nodeFields))).allMatch(Boolean::booleanValue);
  }

  private static boolean matches(NodeSelectorRequirement requirement, Map<String, String> values) {
    String value = values.get(requirement.getKey());
    List<String> wanted = Objects.requireNonNullElse(requirement.getValues(), List.of());
    return switch (Objects.requireNonNullElse(requirement.getOperator(), "")) {
      case "In" -> value != null && wanted.contains(value);
      case "NotIn" -> value == null || !wanted.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      case "Gt" -> compare(value, wanted) > 0;
      case "Lt" -> compare(value, wanted) < 0;
      default -> false;
    };
  }

  /** Gt and Lt compare integers; anything unreadable compares as equal, which matches neither. */
  private static int compare(String value, List<String> wanted) {
    try {
      return wanted.size() == 1 && value != null
          ? Long.compare(Long.parseLong(value), Long.parseLong(wanted.get(0))) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Toleration exists(String key, String effect) {
    Toleration toleration = new Toleration();
    toleration.setKey(key);
    toleration.setOperator("Exists");
    toleration.setEffect(effect);
    return toleration;
  }

  private static boolean isEmpty(String text) {
    return text == null || text.isEmpty();
  }
}
