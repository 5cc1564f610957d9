package io.clusterdoc.rules.nodes;

import io.clusterdoc.rules.Timestamps;
import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.engine.Durations;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.fabric8.kubernetes.api.model.Node;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A node cordoned for longer than the threshold: maintenance that was never finished quietly takes its capacity
 * away. The start is the time the node controller added the unschedulable taint; without it the rule cannot tell a
 * cordon of a minute from one of a month, and stays silent.
 */
public final class NodeCordoned extends ObjectRule<Node> {
  public static final String ID = "node-cordoned";

  public NodeCordoned() {
    super(ID, Severity.INFO, "Node has been cordoned (spec.unschedulable) longer than the threshold", Node.class,
        Threshold.of(Duration.ofHours(24)));
  }

  @Override
  protected List<Finding> check(Node node, ClusterView view, RuleContext context) {
    if (node.getSpec() == null || !Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
      return List.of();
    }
    Optional<Instant> since = cordonedSince(node);
    if (since.isEmpty()) {
      return List.of();
    }
    Instant tooLong = since.get().plus(context.threshold());
    if (context.now().isBefore(tooLong)) {
      context.recheckAt(tooLong);
      return List.of();
    }
    return List.of(finding(node, since.get(), context.threshold()));
  }

  private static Optional<Instant> cordonedSince(Node node) {
    return NodeConditions.taint(node, NodeConditions.UNSCHEDULABLE_TAINT, "NoSchedule")
        .flatMap(taint -> Timestamps.parse(taint.getTimeAdded()));
  }

  private Finding finding(Node node, Instant since, Duration threshold) {
    String name = node.getMetadata().getName();
    return finding(node)
        .message("Node " + name + " has been cordoned since " + since + ", longer than " + Durations.format(threshold)
            + ".")
        .cause("spec.unschedulable is true (kubectl cordon, or a drain), so the scheduler places no new pods on the "
            + "node; the pods already there keep running, and DaemonSet pods still go there because they tolerate "
            + "the node.kubernetes.io/unschedulable taint. A cordon left behind after maintenance removes the node's "
            + "capacity without any error.")
        .remediation("If the maintenance is done: kubectl uncordon " + name + ". If the node is being retired, finish "
            + "it: kubectl drain " + name + " --ignore-daemonsets --delete-emptydir-data (formerly "
            + "--delete-local-data; emptyDir data is lost; --force is needed for pods no controller owns, and those "
            + "are gone for good; a PodDisruptionBudget can hold the drain), then kubectl delete node " + name
            + ". To keep it cordoned on purpose: kubectl annotate node " + name + " clusterdoc.io/ignore=" + ID + ".")
        .build();
  }
}
