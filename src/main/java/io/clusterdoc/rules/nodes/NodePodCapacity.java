package io.clusterdoc.rules.nodes;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A node holding 90% or more of the pods its kubelet admits (status.allocatable.pods, the kubelet's maxPods). At
 * the limit new pods cannot go there whatever CPU and memory are free, which surprises people who only watch those.
 */
public final class NodePodCapacity extends ObjectRule<Node> {
  public static final String ID = "node-pod-capacity";

  /** The kubelet's maxPods when it sets none; a Node without allocatable pods is read with it. */
  static final int DEFAULT_MAX_PODS = 110;
  private static final int PERCENT = 90;

  public NodePodCapacity() {
    super(ID, Severity.WARNING, "Node holds 90% or more of the pods its kubelet admits (allocatable pods, maxPods)",
        Node.class, Kind.POD);
  }

  @Override
  protected List<Finding> check(Node node, ClusterView view, RuleContext context) {
    OptionalInt allowed = allocatablePods(node);
    if (allowed.isEmpty() || allowed.getAsInt() <= 0) {
      return List.of();
    }
    String name = node.getMetadata().getName();
    // Counting the bound pods, finished or not, costs nothing; most nodes are below the limit even with those, and
    // then the unfinished ones need not be counted (re-counting them on every pod update was most of its cost).
    if (belowLimit(view.podsOnNode(name).size(), allowed.getAsInt())) {
      return List.of();
    }
    int pods = NodePods.unfinished(name, view).size();
    if (belowLimit(pods, allowed.getAsInt())) {
      return List.of();
    }
    return List.of(finding(node, pods, allowed.getAsInt()));
  }

  private static boolean belowLimit(int pods, int allowed) {
    return (long) pods * 100 < (long) allowed * PERCENT;
  }

  /** Only the pod's node changes: the count of every other node stays what it was. */
  @Override
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    return NodePods.nodeOf(changed);
  }

  /** Empty when the value cannot be read: better no finding than one computed from a guess. */
  private static OptionalInt allocatablePods(Node node) {
    Map<String, Quantity> allocatable = node.getStatus() == null ? null : node.getStatus().getAllocatable();
    Quantity pods = allocatable == null ? null : allocatable.get("pods");
    if (pods == null) {
      return OptionalInt.of(DEFAULT_MAX_PODS);
    }
    if (isPlainCount(pods)) {
      return OptionalInt.of(Integer.parseInt(pods.getAmount()));
    }
    try {
      return OptionalInt.of(pods.getNumericalAmount().intValueExact());
    } catch (ArithmeticException | IllegalArgumentException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * Digits without a suffix, as kubelets write it ("110"): read directly, because the general quantity parser costs
   * more than the rest of this check, which runs on every update of a pod on the node.
   */
  private static boolean isPlainCount(Quantity quantity) {
    String amount = quantity.getAmount();
    if (quantity.getFormat() != null && !quantity.getFormat().isEmpty() || amount == null || amount.isEmpty()
        || amount.length() > 9) {
      return false;
    }
    for (int i = 0; i < amount.length(); i++) {
      if (amount.charAt(i) < '0' || amount.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private Finding finding(Node node, int pods, int allowed) {
    String name = node.getMetadata().getName();
    String full = pods >= allowed ? "; it accepts no more pods" : "";
    return finding(node)
        .message("Node " + name + " holds " + NodePods.count(pods) + ", " + (pods * 100L / allowed) + "% of the "
            + allowed + " its kubelet admits (status.allocatable.pods)" + full + ".")
        .cause("The kubelet admits at most status.allocatable.pods pods that have not finished (maxPods in its "
            + "configuration, " + DEFAULT_MAX_PODS + " by default), DaemonSet and static pods included; completed pods "
            + "do not count. At the limit the scheduler skips the node (\"Too many pods\" in FailedScheduling "
            + "events) and the kubelet rejects pods bound to it (OutOfpods), whatever CPU and memory are free.")
        .remediation("List what runs there: kubectl get pods -A -o wide --field-selector spec.nodeName=" + name
            + ". Spread replicas (topologySpreadConstraints on kubernetes.io/hostname) or add nodes. Raising maxPods "
            + "(KubeletConfiguration maxPods, or --max-pods, then restart the kubelet) has limits: the node's pod "
            + "CIDR must hold that many addresses (a /24 gives about 250), cloud CNIs cap pods per instance type "
            + "(AWS VPC CNI: IPs per ENI), and more containers mean more kubelet and runtime load and slower PLEG "
            + "relists (\"PLEG is not healthy\"). Kubernetes is tested up to 110 pods per node.")
        .build();
  }
}
