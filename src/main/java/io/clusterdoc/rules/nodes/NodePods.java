package io.clusterdoc.rules.nodes;

import io.clusterdoc.cluster.ClusterView;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.List;

/** The pods bound to a node that still hold a place on it, and which node a pod change concerns. */
final class NodePods {
  private NodePods() {
  }

  /** Bound pods that have not finished: what the kubelet counts against maxPods and what a node failure stops. */
  static List<Pod> unfinished(String nodeName, ClusterView view) {
    return view.podsOnNode(nodeName).stream().filter(NodePods::isUnfinished).toList();
  }

  static boolean isUnfinished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  /** The node a pod is bound to, as a subject key; nothing for unbound pods and other kinds. */
  static Collection<String> nodeOf(HasMetadata changed) {
    if (changed instanceof Pod pod && pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
      return List.of(pod.getSpec().getNodeName());
    }
    return List.of();
  }

  /** "1 pod", "14 pods". */
  static String count(int n) {
    return n + (n == 1 ? " pod" : " pods");
  }
}
