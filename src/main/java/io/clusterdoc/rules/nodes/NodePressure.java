package io.clusterdoc.rules.nodes;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.util.List;
import java.util.Map;

/** A node reports MemoryPressure, DiskPressure or PIDPressure: the kubelet is evicting or about to. */
public final class NodePressure extends ObjectRule<Node> {
  public static final String ID = "node-pressure";

  private static final Map<String, String> REMEDIATION = Map.of(
      "MemoryPressure", "Find the pods using the most memory on the node (kubectl top pod -A --sort-by=memory, filtered to "
          + "the node), set memory requests and limits that match real use, or move workloads away.",
      "DiskPressure", "Free disk on the node: remove unused images (crictl rmi --prune), old container logs and large "
          + "emptyDir volumes; give emptyDir volumes a sizeLimit and pods ephemeral-storage limits. Once usage is below the "
          + "kubelet's eviction threshold the kubelet clears the condition and the node lifecycle controller removes the "
          + "node.kubernetes.io/disk-pressure taint; removing the taint by hand first only lets new pods be evicted again.",
      "PIDPressure", "Find the process leaking threads or processes on the node and set pod PID limits "
          + "(podPidsLimit in the kubelet configuration).");

  public NodePressure() {
    super(ID, Severity.WARNING, "Node reports MemoryPressure, DiskPressure or PIDPressure; the kubelet evicts pods",
        Node.class);
  }

  @Override
  protected List<Finding> check(Node node, ClusterView view, RuleContext context) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return List.of();
    }
    List<NodeCondition> pressures = node.getStatus().getConditions().stream()
        .filter(c -> c.getType() != null && REMEDIATION.containsKey(c.getType()) && "True".equals(c.getStatus()))
        .toList();
    if (pressures.isEmpty()) {
      return List.of();
    }
    String types = String.join(", ", pressures.stream().map(NodeCondition::getType).toList());
    String detail = String.join("; ", pressures.stream().map(NodePressure::describe).toList());
    return List.of(finding(node)
        .message("Node " + node.getMetadata().getName() + " reports " + types + ".")
        .cause(detail + ". The kubelet evicts pods from the node (\"The node was low on resource: ...\") and the "
            + "node controller taints it so that no new pods are scheduled there.")
        .remediation(String.join(" ", pressures.stream().map(c -> REMEDIATION.get(c.getType())).toList()))
        .build());
  }

  private static String describe(NodeCondition condition) {
    String why = condition.getMessage() != null ? condition.getMessage() : condition.getReason();
    return why == null ? condition.getType() : condition.getType() + ": " + why;
  }
}
