package io.clusterdoc.rules.nodes;

import io.clusterdoc.rules.Timestamps;
import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A node whose Ready condition is False or Unknown. The kubelet's message says which part of the node failed
 * (container runtime, PLEG, network plugin) and Unknown says the kubelet stopped reporting at all; each has its own
 * place to look on the node.
 */
public final class NodeNotReady extends ObjectRule<Node> {
  public static final String ID = "node-not-ready";

  /** A kubelet or runtime restart reports NotReady for a few seconds; only a state that outlasts this counts. */
  static final Duration SETTLE_TIME = Duration.ofMinutes(1);

  private static final int QUOTED_MESSAGE = 300;

  /** What failed, read from the Ready condition, with where to look on the node ({node} is its name). */
  private enum Cause {
    KUBELET_SILENT("the kubelet stopped posting node status",
        "The node controller heard nothing from the kubelet for node-monitor-grace-period (40 s by default): the "
            + "kubelet is down, the machine is off, or it cannot reach the API server.",
        "kubectl -n kube-node-lease get lease {node} shows the kubelet's last renewal. On the node (console if ssh "
            + "fails): systemctl status kubelet; journalctl -u kubelet -n 200 (x509 errors: expired kubelet "
            + "certificate; \"node not found\" or connection refused: check the way to the API server). If the "
            + "machine is gone for good, kubectl delete node {node}: the pod garbage collector then removes its "
            + "Terminating pods, and only then are StatefulSet pods recreated elsewhere."),
    RUNTIME_DOWN("the container runtime is down",
        "The kubelet cannot talk to the container runtime (containerd, CRI-O or Docker) through the CRI socket.",
        "On the node: systemctl status containerd (or crio, docker); journalctl -u containerd -n 200; crictl info. "
            + "Check free space on /var/lib/containerd (a full disk stops the runtime), then systemctl restart "
            + "containerd; the kubelet reports Ready once its runtime check passes (journalctl -u kubelet)."),
    PLEG("PLEG is not healthy",
        "The kubelet's pod lifecycle event generator did not finish relisting the containers within its "
            + "threshold (3 min, fixed in the kubelet): the runtime answers too slowly, usually because of too many "
            + "containers on the node, a hung container or a runtime under I/O pressure.",
        "On the node: journalctl -u kubelet | grep -i pleg; crictl ps -a | wc -l (the containers the relist walks, "
            + "exited ones included); systemctl status containerd. Remove exited containers (crictl rm $(crictl ps -a "
            + "-q --state exited)), restart a hung runtime (systemctl restart containerd), and put fewer pods on the "
            + "node (lower maxPods, spread workloads). The threshold cannot be configured."),
    NETWORK_PLUGIN("the network plugin is not ready",
        "The runtime finds no working CNI configuration (/etc/cni/net.d): the network plugin's pod is not running "
            + "on this node (no plugin installed yet, its pod crashing, or a taint it does not tolerate).",
        "kubectl get pods -A -o wide --field-selector spec.nodeName={node} and look for the network plugin's pod "
            + "(calico-node, cilium, kube-flannel, weave-net, canal): read its logs, or see daemonset-incomplete if it "
            + "has none there. On the node: ls /etc/cni/net.d; journalctl -u kubelet | grep -i cni. Without any "
            + "network plugin, install one; every node stays NotReady until then."),
    OTHER("the kubelet reports it not ready",
        "",
        "kubectl describe node {node}; on the node: journalctl -u kubelet -n 200.");

    private final String summary;
    private final String explanation;
    private final String remediation;

    Cause(String summary, String explanation, String remediation) {
      this.summary = summary;
      this.explanation = explanation;
      this.remediation = remediation;
    }

    // One message may name several failures ("container runtime is down, PLEG is not healthy: ..."): the runtime
    // comes first because PLEG and the network status both depend on it.
    static Cause of(NodeCondition ready) {
      if ("Unknown".equals(ready.getStatus())) {
        return KUBELET_SILENT;
      }
      String message = Objects.requireNonNullElse(ready.getMessage(), "");
      if (message.contains("container runtime is down") || message.contains("container runtime not ready")
          || message.contains("container runtime status check may not have completed")) {
        return RUNTIME_DOWN;
      }
      if (message.contains("PLEG is not healthy")) {
        return PLEG;
      }
      boolean network = Stream.of("NetworkPluginNotReady", "network plugin is not ready", "cni plugin not initialized",
          "cni config uninitialized", "Unable to update cni config").anyMatch(message::contains);
      return network ? NETWORK_PLUGIN : OTHER;
    }
  }

  public NodeNotReady() {
    super(ID, Severity.CRITICAL, "Node's Ready condition is False or Unknown: runtime, PLEG, network plugin or kubelet",
        Node.class, Kind.POD);
  }

  @Override
  protected List<Finding> check(Node node, ClusterView view, RuleContext context) {
    Optional<NodeCondition> notReady = NodeConditions.notReady(node);
    if (notReady.isEmpty()) {
      return List.of();
    }
    Optional<Instant> since = Timestamps.parse(notReady.get().getLastTransitionTime());
    if (since.isPresent() && context.now().isBefore(since.get().plus(SETTLE_TIME))) {
      context.recheckAt(since.get().plus(SETTLE_TIME));
      return List.of();
    }
    return List.of(finding(node, notReady.get(), NodePods.unfinished(node.getMetadata().getName(), view)));
  }

  /** The pod count is part of the finding: a pod bound to the node, or leaving it, re-evaluates that node. */
  @Override
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    return NodePods.nodeOf(changed);
  }

  private Finding finding(Node node, NodeCondition ready, List<Pod> pods) {
    String name = node.getMetadata().getName();
    Cause cause = Cause.of(ready);
    String since = ready.getLastTransitionTime() == null ? "" : " since " + ready.getLastTransitionTime();
    return finding(node)
        .message("Node " + name + " has been NotReady (Ready=" + ready.getStatus() + ")" + since + ": "
            + cause.summary + "; " + podsOnIt(pods) + ".")
        .cause(join(cause.explanation, reported(ready), eviction(node, ready)))
        .remediation(cause.remediation.replace("{node}", name))
        .build();
  }

  private static String podsOnIt(List<Pod> pods) {
    if (pods.isEmpty()) {
      return "no pods are bound to it";
    }
    long terminating = pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null).count();
    return NodePods.count(pods.size()) + (pods.size() == 1 ? " is" : " are") + " bound to it"
        + (terminating == 0 ? "" : ", " + terminating + " of them Terminating");
  }

  private static String reported(NodeCondition ready) {
    String reason = Objects.requireNonNullElse(ready.getReason(), "no reason");
    String message = ready.getMessage() == null ? "" : ": \"" + clip(ready.getMessage().trim()) + "\"";
    return "Ready condition: " + reason + message + ".";
  }

  /** Where the node controller stands: the NoExecute taint it added and what that does to the pods. */
  private static String eviction(Node node, NodeCondition ready) {
    boolean unknown = "Unknown".equals(ready.getStatus());
    String key = unknown ? NodeConditions.UNREACHABLE_TAINT : NodeConditions.NOT_READY_TAINT;
    Optional<Taint> taint = NodeConditions.taint(node, key, "NoExecute");
    String tainted = taint.map(t -> "The node controller tainted it " + key + ":NoExecute"
        + (t.getTimeAdded() == null ? "" : " at " + t.getTimeAdded()) + ": ")
        .orElse("The node controller taints it " + key + ":NoExecute: ");
    String unreachable = unknown ? " While the node is unreachable, evicted pods stay Terminating until it returns "
        + "or its Node object is deleted." : "";
    return tainted + "pods are evicted when their toleration runs out (tolerationSeconds, 300 s unless set); "
        + "DaemonSet pods stay." + unreachable;
  }

  private static String clip(String text) {
    return text.length() <= QUOTED_MESSAGE ? text : text.substring(0, QUOTED_MESSAGE) + "…";
  }

  private static String join(String... parts) {
    return String.join(" ", Stream.of(parts).filter(p -> !p.isEmpty()).toList());
  }
}
