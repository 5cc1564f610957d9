package io.clusterdoc.rules.workloads;

import io.clusterdoc.rules.Timestamps;
import io.clusterdoc.cluster.ClusterView;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** How a DaemonSet's pods and their nodes stand, read the way kubectl shows them; timestamps as the API writes them. */
final class DaemonSetPods {
  private DaemonSetPods() {
  }

  /** Failed daemon pods are deleted and replaced by the controller; finished ones hold no place on a node. */
  static boolean isUnfinished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  static boolean isReady(Pod pod) {
    return condition(pod, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  static boolean isUnscheduled(Pod pod) {
    return condition(pod, "PodScheduled").map(c -> "False".equals(c.getStatus())).orElse(false);
  }

  /** Since the Ready condition last changed; a pod without one has not been Ready since it was created. */
  static Optional<Instant> notReadySince(Pod pod) {
    return condition(pod, "Ready").flatMap(c -> Timestamps.parse(c.getLastTransitionTime()))
        .or(() -> Timestamps.parse(pod.getMetadata().getCreationTimestamp()));
  }

  /** "Pending: 0/5 nodes are available: ...", "CrashLoopBackOff", "Running, not Ready". */
  static String state(Pod pod) {
    Optional<PodCondition> unscheduled = condition(pod, "PodScheduled").filter(c -> "False".equals(c.getStatus()));
    if (unscheduled.isPresent()) {
      return "Pending: " + Objects.requireNonNullElse(unscheduled.get().getMessage(), "not scheduled");
    }
    List<ContainerStatus> containers = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    Optional<String> waiting = containers == null ? Optional.empty() : containers.stream()
        .filter(c -> c.getState() != null && c.getState().getWaiting() != null)
        .map(c -> c.getState().getWaiting().getReason())
        .filter(Objects::nonNull)
        .findFirst();
    String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending"
        : pod.getStatus().getPhase();
    return waiting.orElse(phase + ", not Ready");
  }

  /** The node the pod is bound to, or, before it is scheduled, the node the controller created it for. */
  static String nodeName(Pod pod) {
    if (pod.getSpec() == null) {
      return "no node";
    }
    if (pod.getSpec().getNodeName() != null) {
      return pod.getSpec().getNodeName();
    }
    return targetNode(pod.getSpec().getAffinity()).orElse("no node");
  }

  // The controller pins each daemon pod with a required matchFields term on metadata.name.
  private static Optional<String> targetNode(Affinity affinity) {
    NodeSelector required = affinity == null || affinity.getNodeAffinity() == null ? null
        : affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    if (required == null || required.getNodeSelectorTerms() == null) {
      return Optional.empty();
    }
    return required.getNodeSelectorTerms().stream()
        .flatMap(term -> Objects.requireNonNullElse(term.getMatchFields(), List.<NodeSelectorRequirement>of()).stream())
        .filter(field -> "metadata.name".equals(field.getKey()) && "In".equals(field.getOperator())
            && field.getValues() != null && field.getValues().size() == 1)
        .map(field -> field.getValues().get(0))
        .findFirst();
  }

  /** Whether the pod's node reports Ready False or Unknown: its pods are not Ready because of the node. */
  static boolean onNotReadyNode(Pod pod, ClusterView view) {
    return view.get(Node.class, nodeName(pod))
        .map(node -> node.getStatus() == null || node.getStatus().getConditions() == null ? List.<NodeCondition>of()
            : node.getStatus().getConditions())
        .map(conditions -> conditions.stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && c.getStatus() != null && !"True".equals(c.getStatus())))
        .orElse(false);
  }


  private static Optional<PodCondition> condition(Pod pod, String type) {
    List<PodCondition> conditions = pod.getStatus() == null ? null : pod.getStatus().getConditions();
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
