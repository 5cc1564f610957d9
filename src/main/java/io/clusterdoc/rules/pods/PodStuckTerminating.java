package io.clusterdoc.rules.pods;

import io.clusterdoc.rules.Timestamps;
import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Durations;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A pod still there well after its deletionTimestamp, which the API server sets to the time of the delete plus the
 * grace period. A pod bound to a node is removed only once its kubelet confirms the containers stopped, and any
 * pod only once its finalizers are gone: the finding says which of these is missing.
 */
public final class PodStuckTerminating extends ObjectRule<Pod> {
  public static final String ID = "pod-stuck-terminating";

  private static final String JOB_TRACKING = "batch.kubernetes.io/job-tracking";

  /** One thing that keeps the pod: a few words for the message, the explanation and what to do. */
  private record Holder(String summary, String cause, String remedy) {
  }

  public PodStuckTerminating() {
    super(ID, Severity.WARNING,
        "Pod still Terminating longer than the threshold after its grace period; says whether its node or a "
            + "finalizer holds it",
        Pod.class, Threshold.of(Duration.ofMinutes(5)), Kind.NODE);
  }

  @Override
  protected List<Finding> check(Pod pod, ClusterView view, RuleContext context) {
    Optional<Instant> due = Timestamps.parse(pod.getMetadata().getDeletionTimestamp());
    if (due.isEmpty() || !PodConditions.lastedThreshold(due.get(), context)) {
      return List.of();
    }
    List<Holder> holders = holders(pod, view);
    if (holders.isEmpty()) {
      return List.of();
    }
    Finding.Builder finding = finding(pod)
        .message("Pod " + Keys.of(pod) + " is stuck Terminating: it was due to be gone at "
            + pod.getMetadata().getDeletionTimestamp() + " and is still there more than "
            + Durations.format(context.threshold()) + " later; "
            + holders.stream().map(Holder::summary).collect(Collectors.joining("; ")) + ".")
        .cause(gracePeriod(pod) + " " + holders.stream().map(Holder::cause).collect(Collectors.joining(" ")))
        .remediation(holders.stream().map(Holder::remedy).collect(Collectors.joining(" ")));
    if (waitsForKubelet(pod)) {
      node(pod, view).map(ObjectRef::of).ifPresent(finding::related);
    }
    return List.of(finding.build());
  }

  /** The pods being deleted on a node depend on its state; the engine passes the node as it was when it is deleted. */
  @Override
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    return view.podsOnNode(changed.getMetadata().getName()).stream()
        .filter(PodConditions::isBeingDeleted)
        .map(Keys::of)
        .toList();
  }

  private static List<Holder> holders(Pod pod, ClusterView view) {
    List<Holder> holders = new ArrayList<>();
    finalizers(pod).ifPresent(holders::add);
    if (waitsForKubelet(pod)) {
      holders.add(nodeHolder(pod, view));
    }
    return holders;
  }

  /**
   * The API server deletes a pod that was never scheduled or has already finished at once, without asking a
   * kubelet; only a pod bound to a node and not yet finished waits for the kubelet's confirmation.
   */
  private static boolean waitsForKubelet(Pod pod) {
    boolean finished = PodConditions.inPhase(pod, "Succeeded") || PodConditions.inPhase(pod, "Failed");
    return nodeName(pod).isPresent() && !finished;
  }

  private static Optional<Holder> finalizers(Pod pod) {
    List<String> finalizers = Objects.requireNonNullElse(pod.getMetadata().getFinalizers(), List.of());
    if (finalizers.isEmpty()) {
      return Optional.empty();
    }
    String listed = String.join(", ", finalizers);
    String controller = finalizers.contains(JOB_TRACKING)
        ? JOB_TRACKING + " belongs to the Job controller in kube-controller-manager, which removes it once it has "
            + "counted the pod's result: check that kube-controller-manager runs and what its logs say about the Job."
        : "Find the controller behind " + listed + " and why it does not finish (its logs, its own objects).";
    return Optional.of(new Holder("finalizers hold it (" + listed + ")",
        "metadata.finalizers still lists " + listed + ": the API server removes the object only once every "
            + "finalizer is gone, and the controller that added one has not removed it.",
        controller + " Remove a finalizer by hand only once you know what it guards, as the cleanup it stands for "
            + "is then skipped: kubectl patch pod -n " + pod.getMetadata().getNamespace() + " "
            + pod.getMetadata().getName() + " --type=merge -p '{\"metadata\":{\"finalizers\":null}}'."));
  }

  private static Holder nodeHolder(Pod pod, ClusterView view) {
    String nodeName = nodeName(pod).orElseThrow();
    Optional<Node> node = node(pod, view);
    if (node.isPresent()) {
      Optional<NodeCondition> ready = readyCondition(node.get());
      return ready.filter(c -> "True".equals(c.getStatus())).isPresent()
          ? kubeletNotFinishing(pod, nodeName)
          : nodeNotReady(pod, nodeName, ready);
    }
    // An offline scan may hold no nodes at all: then the node's absence says nothing.
    return view.all(Node.class).isEmpty() ? nodeUnknown(pod, nodeName) : nodeGone(pod, nodeName);
  }

  private static Holder nodeGone(Pod pod, String nodeName) {
    return new Holder("its node " + nodeName + " no longer exists",
        "Node " + nodeName + " no longer exists, so no kubelet will ever confirm that the containers stopped. The "
            + "pod garbage collector of kube-controller-manager normally deletes the pods of a deleted node within a "
            + "minute; it has not done so here.",
        "Check kube-controller-manager (kubectl -n kube-system get pods -l component=kube-controller-manager and "
            + "its logs). Once you are sure the machine behind " + nodeName + " is gone for good (shut down or "
            + "destroyed, not only its Node object deleted), force the deletion: " + forceDelete(pod) + "."
            + statefulSetCaveat(pod));
  }

  private static Holder nodeNotReady(Pod pod, String nodeName, Optional<NodeCondition> ready) {
    String state = ready.map(c -> "Ready=" + c.getStatus()
            + (c.getLastTransitionTime() == null ? "" : " since " + c.getLastTransitionTime())
            + (c.getMessage() == null ? "" : ": " + c.getMessage().trim()))
        .orElse("no Ready condition");
    return new Holder("its node " + nodeName + " is NotReady",
        "Node " + nodeName + " is NotReady (" + state + "): its kubelet cannot confirm that the containers stopped. "
            + "The node controller does not finish the deletion either: it only starts it, for the pods of a node "
            + "whose not-ready or unreachable taint outlasts their toleration (300s by default). The pod stays "
            + "Terminating until the node is back or its Node object is deleted.",
        "Bring " + nodeName + " back (kubectl describe node " + nodeName + "; on the machine journalctl -u "
            + "kubelet): its kubelet then completes the deletion. If the machine is gone for good, kubectl delete node "
            + nodeName + " and the pod garbage collector removes its pods; a machine that stays shut down can instead "
            + "get the taint node.kubernetes.io/out-of-service=nodeshutdown:NoExecute (1.28 and later), which also "
            + "detaches its volumes. Force the deletion (" + forceDelete(pod) + ") only when the node is gone for "
            + "good: an unreachable node may still run the containers." + statefulSetCaveat(pod));
  }

  private static Holder kubeletNotFinishing(Pod pod, String nodeName) {
    String describe = "kubectl describe pod -n " + pod.getMetadata().getNamespace() + " " + pod.getMetadata().getName();
    return new Holder("the kubelet on its Ready node " + nodeName + " has not finished it",
        "Node " + nodeName + " is Ready, yet its kubelet has not reported the containers stopped. The kubelet kills "
            + "what ignores SIGTERM once the grace period ends, so this points at the kubelet or the container "
            + "runtime: typically a volume that fails to unmount or a container the runtime cannot kill.",
        describe + " shows the kubelet's events (FailedKillPod, FailedUnmount); on the node, journalctl -u kubelet "
            + "and crictl ps say what it is stuck on. Fix that, or restart the kubelet, and it completes the "
            + "deletion. Do not force the deletion: the containers may go on running on " + nodeName
            + " unseen by Kubernetes.");
  }

  private static Holder nodeUnknown(Pod pod, String nodeName) {
    return new Holder("its node " + nodeName + " is not in view",
        "The pod waits for the kubelet of node " + nodeName + " to confirm that its containers stopped; the node is "
            + "not among the objects read, so its state is unknown here.",
        "kubectl get node " + nodeName + ": a NotReady node holds its pods until it is back or deleted; a missing one "
            + "means kube-controller-manager should have removed the pod. Force the deletion (" + forceDelete(pod)
            + ") only when the node is gone for good." + statefulSetCaveat(pod));
  }

  private static String forceDelete(Pod pod) {
    return "kubectl delete pod -n " + pod.getMetadata().getNamespace() + " " + pod.getMetadata().getName()
        + " --grace-period=0 --force";
  }

  /** A StatefulSet recreates a pod under the same name as soon as the object is gone. */
  private static String statefulSetCaveat(Pod pod) {
    return statefulSet(pod)
        .map(owner -> " Caveat: StatefulSet " + owner.getName() + " starts a replacement with the same name and "
            + "volumes as soon as the object is gone; if the old containers still run, two pods with the same "
            + "identity use the same data.")
        .orElse("");
  }

  private static Optional<OwnerReference> statefulSet(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    return owners == null ? Optional.empty()
        : owners.stream().filter(owner -> "StatefulSet".equals(owner.getKind())).findFirst();
  }

  private static String gracePeriod(Pod pod) {
    Long seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
    String deleted = pod.getMetadata().getDeletionTimestamp();
    if (seconds != null && seconds == 0) {
      return "The pod was deleted at " + deleted + " without a grace period.";
    }
    return "The pod was deleted" + (seconds == null ? "" : " with a grace period of " + seconds + "s")
        + "; its deletionTimestamp " + deleted + " marks the end of that period.";
  }

  private static Optional<String> nodeName(Pod pod) {
    return Optional.ofNullable(pod.getSpec()).map(spec -> spec.getNodeName()).filter(name -> !name.isEmpty());
  }

  private static Optional<Node> node(Pod pod, ClusterView view) {
    return nodeName(pod).flatMap(name -> view.get(Node.class, name));
  }

  private static Optional<NodeCondition> readyCondition(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
  }
}
