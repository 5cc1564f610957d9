package io.clusterdoc.rules.pods;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the scheduler's explanation of why a pod fits no node, as kube-scheduler writes it into the PodScheduled
 * condition and the FailedScheduling event: {@code 0/5 nodes are available: 1 node(s) had untolerated taint
 * {node-role.kubernetes.io/control-plane: }, 4 Insufficient memory. preemption: 0/5 nodes are available: ...}.
 */
final class SchedulingObstacles {
  private static final Pattern NODES_AVAILABLE = Pattern.compile("^0/(\\d+) nodes are available:\\s*");
  /** Each reason starts with the number of nodes it applies to; a taint's own text may contain ", ". */
  private static final Pattern BETWEEN_REASONS = Pattern.compile(",\\s+(?=\\d+ )");
  private static final Pattern COUNTED = Pattern.compile("^(\\d+) (.+)$");
  private static final Pattern TAINT = Pattern.compile("\\{([^:}]+):\\s*([^}]*)}");
  private static final Pattern RESOURCE = Pattern.compile("Insufficient (\\S+)");
  private static final String PREEMPTION = " preemption:";

  /** One kind of reason the scheduler gives, how to recognise it, why it happens and what to do. */
  enum Obstacle {
    UNBOUND_CLAIMS("unbound immediate PersistentVolumeClaims",
        "A PersistentVolumeClaim of the pod is not bound to a volume, and the scheduler waits for it.",
        "kubectl describe pvc -n {namespace} {claims} says why the claim is Pending: no PersistentVolume matches "
            + "its size, access mode and class, its StorageClass does not exist or its provisioner is not running, or "
            + "it names no class and the cluster has no default StorageClass."),
    VOLUME_NODE_AFFINITY("volume node affinity conflict",
        "The pod's PersistentVolumes can only be used on some nodes or zones (the volume's nodeAffinity), and those "
            + "nodes cannot take the pod.",
        "Compare the volumes' nodeAffinity (kubectl get pv -o yaml) with the nodes the pod may use. Give new claims a "
            + "StorageClass with volumeBindingMode: WaitForFirstConsumer (and allowedTopologies for zones) so volumes "
            + "are created where the pod can run; a volume tied to a node that is gone must be recreated, data "
            + "included."),
    HOST_PORTS("hostPort already in use",
        "The pod asks for a hostPort that another pod already holds on those nodes.",
        "kubectl get pods -A -o wide shows what runs there. A Deployment with a hostPort cannot surge in a rolling "
            + "update when every node already runs a replica: use strategy Recreate or maxSurge: 0, or drop the "
            + "hostPort and use a Service."),
    TAINTS("untolerated taint",
        "Nodes carry taints the pod does not tolerate.",
        "Add a toleration only if the pod belongs on such nodes (kubectl get nodes -o custom-columns="
            + "NAME:.metadata.name,TAINTS:.spec.taints)."),
    INSUFFICIENT("insufficient",
        "The pod requests more than any node has left unrequested: the scheduler counts the requests of the pods "
            + "already placed, not their use.",
        "kubectl describe node shows Allocated resources. Lower the pod's requests if they exceed its real use, make "
            + "room by scaling other workloads down, or add nodes (a cluster autoscaler would: check its events)."),
    TOO_MANY_PODS("too many pods",
        "Nodes already run as many pods as their kubelet allows (maxPods, 110 by default).",
        "Add nodes, or raise the kubelet's maxPods within what the node's pod CIDR can address."),
    NODE_SELECTOR("node affinity/selector mismatch",
        "The pod's nodeSelector or required node affinity does not match those nodes' labels.",
        "Compare kubectl get pod -n {namespace} {pod} -o jsonpath='{.spec.nodeSelector} {.spec.affinity.nodeAffinity}' "
            + "with kubectl get nodes --show-labels: fix the selector or label the intended nodes."),
    POD_AFFINITY("pod affinity, anti-affinity or topology spread",
        "The pod's inter-pod affinity, anti-affinity or topology spread rules leave no node.",
        "A required anti-affinity on kubernetes.io/hostname allows one replica per node, so the replicas beyond the "
            + "node count stay Pending: use preferred rules or add nodes."),
    CORDONED("node cordoned",
        "Nodes are cordoned (spec.unschedulable).",
        "kubectl uncordon the nodes whose maintenance is over."),
    NO_NODES("no nodes",
        "The scheduler sees no node at all.",
        "kubectl get nodes: register nodes, or find out why they left the cluster."),
    OTHER("other",
        "",
        "kubectl describe pod -n {namespace} {pod} shows the scheduler's events.");

    private final String label;
    private final String explanation;
    private final String remedy;

    Obstacle(String label, String explanation, String remedy) {
      this.label = label;
      this.explanation = explanation;
      this.remedy = remedy;
    }

    String explanation() {
      return explanation;
    }

    String remedy() {
      return remedy;
    }

    static Obstacle of(String reason) {
      if (reason.contains("unbound immediate PersistentVolumeClaims")) {
        return UNBOUND_CLAIMS;
      }
      if (reason.contains("volume node affinity conflict")) {
        return VOLUME_NODE_AFFINITY;
      }
      if (reason.contains("free ports")) {
        return HOST_PORTS;
      }
      if (reason.contains("taint")) {
        return TAINTS;
      }
      if (reason.startsWith("Insufficient ")) {
        return INSUFFICIENT;
      }
      if (reason.contains("Too many pods")) {
        return TOO_MANY_PODS;
      }
      if (reason.contains("node affinity/selector") || reason.contains("node selector")) {
        return NODE_SELECTOR;
      }
      if (reason.contains("affinity") || reason.contains("topology spread")) {
        return POD_AFFINITY;
      }
      if (reason.contains("were unschedulable")) {
        return CORDONED;
      }
      return reason.contains("no nodes available") ? NO_NODES : OTHER;
    }
  }

  /** One reason with what it names: the taint, the resource, or the scheduler's words when unrecognised. */
  record Reason(Obstacle obstacle, String detail) {

    /** The scheduler's own words for what is not recognised, else the kind of reason and what it names. */
    String label() {
      if (obstacle == Obstacle.OTHER) {
        return detail;
      }
      return detail.isEmpty() ? obstacle.label : obstacle.label + " " + detail;
    }
  }

  /** The reasons in the scheduler's order, with the number of nodes each applies to (0 when it names none). */
  record Parsed(Optional<Integer> nodes, Map<Reason, Integer> reasons) {

    List<Obstacle> obstacles() {
      return reasons.keySet().stream().map(Reason::obstacle).distinct().toList();
    }

    List<String> detailsOf(Obstacle obstacle) {
      return reasons.keySet().stream().filter(r -> r.obstacle() == obstacle).map(Reason::detail).toList();
    }
  }

  private SchedulingObstacles() {
  }

  static Parsed parse(String message) {
    String text = message.trim();
    int preemption = text.indexOf(PREEMPTION);
    if (preemption >= 0) {
      text = text.substring(0, preemption);
    }
    Optional<Integer> nodes = Optional.empty();
    Matcher available = NODES_AVAILABLE.matcher(text);
    if (available.find()) {
      nodes = Optional.of(Integer.parseInt(available.group(1)));
      text = text.substring(available.end());
    }
    Map<Reason, Integer> reasons = new LinkedHashMap<>();
    for (String part : BETWEEN_REASONS.split(stripEnd(text))) {
      Matcher counted = COUNTED.matcher(part.trim());
      int count = counted.matches() ? Integer.parseInt(counted.group(1)) : 0;
      String reason = counted.matches() ? counted.group(2) : part.trim();
      if (!reason.isEmpty()) {
        reasons.merge(reasonOf(reason), count, Integer::sum);
      }
    }
    return new Parsed(nodes, reasons);
  }

  private static Reason reasonOf(String text) {
    Obstacle obstacle = Obstacle.of(text);
    return switch (obstacle) {
      case TAINTS -> new Reason(obstacle, taint(text));
      case INSUFFICIENT -> new Reason(obstacle, first(RESOURCE, text));
      case OTHER -> new Reason(obstacle, text);
      default -> new Reason(obstacle, "");
    };
  }

  /** "{dedicated: gpu}" reads dedicated=gpu, "{node-role.kubernetes.io/control-plane: }" its key alone. */
  private static String taint(String text) {
    Matcher taint = TAINT.matcher(text);
    if (!taint.find()) {
      return "";
    }
    String value = taint.group(2).trim();
    return taint.group(1).trim() + (value.isEmpty() ? "" : "=" + value);
  }

  private static String first(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? m.group(1) : "";
  }

  private static String stripEnd(String text) {
    String trimmed = text.trim();
    return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }

  /** What a well-known taint means; empty for the taints people set on their own nodes. */
  static Optional<String> taintMeaning(String taint) {
    String key = taint.contains("=") ? taint.substring(0, taint.indexOf('=')) : taint;
    String meaning = switch (key) {
      case "node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master" ->
          "keeps workloads off the control plane by design, so the other reasons are the ones to fix.";
      case "node.kubernetes.io/unschedulable" -> "marks cordoned nodes: kubectl uncordon them once their maintenance "
          + "is over.";
      case "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" -> "marks nodes that are down: repair "
          + "them (see node-not-ready).";
      case "node.kubernetes.io/disk-pressure", "node.kubernetes.io/memory-pressure", "node.kubernetes.io/pid-pressure"
          -> "stays while the node is under pressure (see node-pressure): removing it by hand does not help, the node "
          + "lifecycle controller sets it again.";
      case "node.kubernetes.io/network-unavailable" -> "marks nodes whose pod network is not set up yet (CNI).";
      case "node.cloudprovider.kubernetes.io/uninitialized" -> "marks nodes the cloud controller manager has not "
          + "initialised.";
      default -> null;
    };
    return Optional.ofNullable(meaning).map(text -> key + " " + text);
  }

  static List<String> labelsWithCounts(Parsed parsed) {
    List<String> labels = new ArrayList<>();
    parsed.reasons().forEach((reason, count) ->
        labels.add(reason.label() + (count == 0 ? "" : " (" + PodText.count(count, "node") + ")")));
    return labels;
  }
}
