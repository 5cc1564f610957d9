package io.clusterdoc.rules.containers;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.rules.containers.KnownError.Explained;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pods whose sandbox (the pause container holding the pod's network namespace) the container runtime cannot create,
 * so no container of the pod starts. The cause is almost always the node: its CNI plugin, its bridge, its runtime.
 */
public final class PodSandboxFailed extends ObjectRule<Pod> {
  public static final String ID = "pod-sandbox-failed";

  private static final String REASON = "FailedCreatePodSandBox";
  private static final List<KnownError> KNOWN = List.of(
      new KnownError("\"([\\w.-]+)\" already has an IP address different from ([\\d./]+)",
          "CNI bridge {1} holds an old address",
          "The bridge {1} on node {node} still has an address from an earlier pod network, while the CNI plugin "
              + "wants {2}: typically after kubeadm reset and a new join that gave the node another pod CIDR, since "
              + "the reset leaves the bridge (flannel's cni0 and flannel.1) in place.",
          "Drain node {node} (kubectl drain {node} --ignore-daemonsets --delete-emptydir-data), then on the node: ip "
              + "link set {1} down && ip link delete {1}; the CNI plugin creates the bridge again with the right "
              + "address for the next pod; kubectl uncordon {node}. Deleting the bridge cuts off the pods still on the "
              + "node, hence the drain. Check that FLANNEL_SUBNET in /run/flannel/subnet.env lies in kubectl get node "
              + "{node} -o jsonpath='{.spec.podCIDR}'. The notes' full recipe (kubeadm reset, rm -rf /var/lib/cni "
              + "/var/lib/kubelet/* /etc/cni, deleting cni0 and flannel.1) wipes the node: only for a node about to "
              + "join again."),
      new KnownError("/run/flannel/subnet\\.env: no such file",
          "flannel not running on the node",
          "The flannel CNI plugin reads /run/flannel/subnet.env, which the flannel pod of node {node} writes when it "
              + "starts: flannel does not run there, or has no lease (often because the node has no pod CIDR).",
          "Find the flannel pod of the node (kubectl get pods -A -o wide --field-selector spec.nodeName={node}) and "
              + "read its logs. A node without spec.podCIDR needs kube-controller-manager with --allocate-node-cidrs "
              + "and --cluster-cidr. The pods start by themselves once flannel runs."),
      new KnownError("no IP addresses available in range set|failed to allocate for range",
          "no pod IP address left on the node",
          "The CNI plugin's IP address management on node {node} has no free address in the node's range: the pod "
              + "CIDR is too small for the pods the node runs, or addresses of deleted pods were never released "
              + "(host-local keeps one file per address under /var/lib/cni/networks/).",
          "Compare the pods on the node (kubectl get pods -A -o wide --field-selector spec.nodeName={node}) with the "
              + "size of kubectl get node {node} -o jsonpath='{.spec.podCIDR}', and keep the kubelet's maxPods below "
              + "it. Leaked addresses: drain the node, then remove the files of addresses no running container uses "
              + "from /var/lib/cni/networks/NETWORK/, or reboot the node."),
      new KnownError("(?i)sandbox image|/pause:",
          "sandbox image cannot be pulled",
          "Every pod starts with a pause container, and the runtime on node {node} cannot pull its image: usually "
              + "its registry (registry.k8s.io by default) cannot be reached from the node.",
          "Make the runtime use a pause image it can pull (containerd: sandbox_image in /etc/containerd/config.toml; "
              + "cri-dockerd: --pod-infra-container-image, e.g. registry.aliyuncs.com/google_containers/pause:3.9) "
              + "and restart it on node {node}, or import the image on the node."),
      new KnownError("(?i)network for (?:pod|sandbox)|networkPlugin|plugin type=|cni",
          "CNI plugin failed",
          "The CNI plugin on node {node} could not set up the pod's network: its agent on the node (a DaemonSet pod) "
              + "is not ready, or its configuration in /etc/cni/net.d is missing or broken.",
          "Check the CNI pod of the node (kubectl get pods -A -o wide --field-selector spec.nodeName={node}) and its "
              + "logs, and ls /etc/cni/net.d on the node. The pods start by themselves once the plugin works."),
      new KnownError("(?i)cgroup|\\.slice",
          "cgroup setup failed",
          "The runtime on node {node} could not create the pod's cgroup: typically the kubelet and the runtime use "
              + "different cgroup drivers (cgroupfs for one, systemd for the other).",
          "Use the same driver for both, systemd on systemd hosts: cgroupDriver: systemd in "
              + "/var/lib/kubelet/config.yaml, SystemdCgroup = true in /etc/containerd/config.toml (Docker: "
              + "\"exec-opts\": [\"native.cgroupdriver=systemd\"] in /etc/docker/daemon.json); then restart the "
              + "runtime and the kubelet on node {node}, drained first."),
      new KnownError("context deadline exceeded|operation timeout",
          "sandbox creation timed out",
          "The container runtime on node {node} did not create the sandbox in time: the runtime or the node is "
              + "overloaded (CPU, disk I/O, too many containers), or the runtime hangs.",
          "On node {node}: journalctl -u containerd -u kubelet --since -1h, crictl pods (slow or failing: the "
              + "runtime is stuck), load and disk I/O (top, iostat). Meanwhile kubectl cordon {node} keeps new pods "
              + "away. If the runtime hangs, drain the node and restart it (systemctl restart containerd), or "
              + "reboot the node, which is what fixed it in the notes."));
  private static final Explained UNKNOWN = new Explained("sandbox creation failed",
      "The container runtime on node {node} could not create the pod's sandbox.",
      "On node {node}: journalctl -u containerd -u kubelet --since -1h and crictl pods show the runtime's side.");

  public PodSandboxFailed() {
    super(ID, Severity.WARNING,
        "Pods whose sandbox cannot be created on their node (CNI bridge, IP exhaustion, runtime timeouts)",
        Pod.class, Kind.EVENT);
  }

  @Override
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    return PodSetupEvents.podKeyOf(changed, Set.of(REASON));
  }

  @Override
  protected List<Finding> check(Pod pod, ClusterView view, RuleContext context) {
    if (!PodSetupEvents.stillSettingUp(pod)) {
      return List.of();
    }
    List<Event> failures = PodSetupEvents.about(pod, view, Set.of(REASON));
    if (failures.isEmpty()) {
      return List.of();
    }
    String latest = failures.get(failures.size() - 1).getMessage();
    String node = ContainerRuleText.node(pod).orElse("NODE");
    Explained explained = KnownError.first(KNOWN, latest).map(match -> match.explained(Map.of("node", node)))
        .orElseGet(() -> UNKNOWN.filled(Map.of("node", node)));
    Finding.Builder finding = finding(pod)
        .message(ContainerRuleText.pod(pod) + ContainerRuleText.onNode(pod) + " has no sandbox, so none of its "
            + "containers can start: " + explained.label() + " (" + REASON + " since "
            + PodSetupEvents.firstSeen(failures) + ").")
        .cause(explained.explanation() + " Latest event: " + ContainerRuleText.quotedSentence(latest))
        .remediation(explained.remedy() + " When other pods on the node fail alike, the node is the problem: "
            + "kubectl get events -A --field-selector reason=" + REASON + " lists them. "
            + ContainerRuleText.describe(pod) + " shows the pod's Events.");
    ContainerRuleText.node(pod).ifPresent(name -> finding.related(new ObjectRef("v1", "Node", null, name, null)));
    return List.of(finding.build());
  }
}
