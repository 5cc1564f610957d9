package io.clusterdoc.rules.nodes;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.List;
import java.util.Optional;

/**
 * What the node rules read from a Node: conditions by type and taints by key (their order in the lists is not
 * guaranteed), and the timestamps the kubelet and the node controller write.
 */
final class NodeConditions {
  static final String UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable";
  static final String NOT_READY_TAINT = "node.kubernetes.io/not-ready";
  static final String UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";

  private NodeConditions() {
  }

  /**
   * The Ready condition when it is False or Unknown; empty when Ready or when the kubelet never reported. A loop
   * rather than a stream: node rules ask it of the node of every pod that changes.
   */
  static Optional<NodeCondition> notReady(Node node) {
    List<NodeCondition> conditions = node.getStatus() == null ? null : node.getStatus().getConditions();
    if (conditions == null) {
      return Optional.empty();
    }
    for (NodeCondition c : conditions) {
      if ("Ready".equals(c.getType()) && c.getStatus() != null && !"True".equals(c.getStatus())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  static Optional<Taint> taint(Node node, String key, String effect) {
    List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
    return taints == null ? Optional.empty() : taints.stream()
        .filter(t -> key.equals(t.getKey()) && effect.equals(t.getEffect()))
        .findFirst();
  }

}
