package io.clusterdoc.remediation.actions;

import io.clusterdoc.engine.Durations;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.remediation.Decision;
import io.clusterdoc.remediation.FreshReads;
import io.clusterdoc.remediation.RemediationAction;
import io.clusterdoc.remediation.Write;
import io.clusterdoc.rules.Timestamps;
import io.clusterdoc.rules.pods.PodStuckTerminating;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Force-deletes (grace period 0) a Terminating pod whose kubelet will never confirm that its containers stopped:
 * its node is gone, or NotReady for longer than the threshold. Removing the object does not stop containers that
 * may still run on an unreachable node, so the action refuses wherever that can hurt: a StatefulSet pod (its
 * replacement takes the same identity and volumes), and a pod whose ReadWriteOnce volume is still attached (a
 * replacement elsewhere would wait for it, or write to it from two nodes). Finalizers are not its business:
 * force deletion does not remove them, their controllers must.
 */
public final class ForceDeleteStuckPod implements RemediationAction {
  public static final String ID = "force-delete-stuck-pod";
  /** Access modes whose volume one node at a time may use. */
  private static final Set<String> EXCLUSIVE_MODES = Set.of("ReadWriteOnce", "ReadWriteOncePod");

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String ruleId() {
    return PodStuckTerminating.ID;
  }

  @Override
  public Optional<Duration> defaultThreshold() {
    return Optional.of(Duration.ofMinutes(10));
  }

  @Override
  public Decision decide(Finding finding, FreshReads reads, Duration threshold, Instant now) {
    String key = finding.object().namespace() + "/" + finding.object().name();
    Optional<Pod> read = reads.pod(finding.object().namespace(), finding.object().name());
    if (read.isEmpty()) {
      return Decision.refuse("pod " + key + " is gone");
    }
    Pod pod = read.get();
    if (pod.getMetadata().getDeletionTimestamp() == null) {
      return Decision.refuse("pod " + key + " is not being deleted (no deletionTimestamp)");
    }
    Optional<String> refused = Stream.<Supplier<Optional<String>>>of(
            () -> statefulSet(pod),
            () -> finalizers(pod),
            () -> nodeHolds(pod, reads, threshold, now),
            () -> attachedVolume(pod, reads))
        .map(Supplier::get)
        .flatMap(Optional::stream)
        .findFirst();
    if (refused.isPresent()) {
      return Decision.refuse(refused.get());
    }
    return Decision.act(List.of(new Write.DeletePod(pod, true)), whyNoKubelet(nodeName(pod).orElseThrow(), reads,
        now));
  }

  private static Optional<String> statefulSet(Pod pod) {
    List<OwnerReference> owners = Objects.requireNonNullElse(pod.getMetadata().getOwnerReferences(), List.of());
    return owners.stream().filter(owner -> "StatefulSet".equals(owner.getKind())).findFirst()
        .map(owner -> "StatefulSet " + owner.getName() + " owns the pod: its replacement takes the same name and "
            + "volumes at once, and two pods of one identity may run if the old containers still do");
  }

  private static Optional<String> finalizers(Pod pod) {
    List<String> finalizers = Objects.requireNonNullElse(pod.getMetadata().getFinalizers(), List.of());
    return finalizers.isEmpty() ? Optional.empty()
        : Optional.of("metadata.finalizers " + finalizers + " hold the pod: force deletion would not remove it, "
            + "the controllers behind them must");
  }

  /** Refuses unless the pod's node is gone, or NotReady for longer than the threshold. */
  private static Optional<String> nodeHolds(Pod pod, FreshReads reads, Duration threshold, Instant now) {
    Optional<String> nodeName = nodeName(pod);
    if (nodeName.isEmpty()) {
      return Optional.of("the pod has no spec.nodeName: it was never scheduled, so no kubelet holds it and only "
          + "the API server does; not a case for force deletion");
    }
    Optional<Node> node = reads.node(nodeName.get());
    if (node.isEmpty()) {
      return Optional.empty();
    }
    Optional<NodeCondition> ready = readyCondition(node.get());
    if (ready.filter(c -> "True".equals(c.getStatus())).isPresent()) {
      return Optional.of("node " + nodeName.get() + " is Ready: its kubelet finishes the deletion");
    }
    Optional<Instant> since = ready.flatMap(c -> Timestamps.parse(c.getLastTransitionTime()));
    if (since.isEmpty()) {
      return Optional.of("node " + nodeName.get() + " has no Ready condition with a lastTransitionTime: how long "
          + "it has been NotReady is unknown");
    }
    return Duration.between(since.get(), now).compareTo(threshold) > 0 ? Optional.empty()
        : Optional.of("node " + nodeName.get() + " NotReady for less than " + Durations.format(threshold));
  }

  /**
   * Refuses while a volume one node at a time may use is attached anywhere, and whenever that cannot be read:
   * the VolumeAttachment goes only once the attach/detach controller has detached the volume.
   */
  private static Optional<String> attachedVolume(Pod pod, FreshReads reads) {
    return claims(pod).stream()
        .map(claim -> claimHolds(pod.getMetadata().getNamespace(), claim, reads))
        .flatMap(Optional::stream)
        .findFirst();
  }

  private static List<String> claims(Pod pod) {
    List<Volume> volumes = pod.getSpec() == null || pod.getSpec().getVolumes() == null ? List.of()
        : pod.getSpec().getVolumes();
    return volumes.stream().filter(Objects::nonNull).flatMap(volume -> claimOf(pod, volume).stream()).toList();
  }

  private static Optional<String> claimOf(Pod pod, Volume volume) {
    if (volume.getPersistentVolumeClaim() != null) {
      return Optional.ofNullable(volume.getPersistentVolumeClaim().getClaimName());
    }
    // The claim of a generic ephemeral volume is created for the pod, named after it and the volume.
    return volume.getEphemeral() == null ? Optional.empty()
        : Optional.of(pod.getMetadata().getName() + "-" + volume.getName());
  }

  private static Optional<String> claimHolds(String namespace, String claim, FreshReads reads) {
    Optional<PersistentVolumeClaim> read;
    try {
      read = reads.persistentVolumeClaim(namespace, claim);
    } catch (RuntimeException e) {
      return Optional.of("claim " + claim + " cannot be read: its volume cannot be proven detached");
    }
    if (read.isEmpty()) {
      return Optional.of("claim " + claim + " is gone: its volume cannot be proven detached");
    }
    String volume = read.get().getSpec().getVolumeName();
    // An unbound claim has no volume that could be attached.
    if (!isExclusive(read.get()) || volume == null || volume.isEmpty()) {
      return Optional.empty();
    }
    List<VolumeAttachment> attachments;
    try {
      attachments = reads.volumeAttachments();
    } catch (RuntimeException e) {
      return Optional.of("VolumeAttachments cannot be listed: volume " + volume + " of claim " + claim
          + " cannot be proven detached");
    }
    return attachments.stream().filter(attachment -> isAttached(attachment, volume)).findFirst()
        .map(attachment -> "volume " + volume + " of claim " + claim + " is still attached to node "
            + attachment.getSpec().getNodeName());
  }

  private static boolean isExclusive(PersistentVolumeClaim claim) {
    List<String> modes = Objects.requireNonNullElse(claim.getSpec().getAccessModes(), List.of());
    return modes.stream().anyMatch(EXCLUSIVE_MODES::contains);
  }

  private static boolean isAttached(VolumeAttachment attachment, String volume) {
    return attachment.getSpec() != null && attachment.getSpec().getSource() != null
        && volume.equals(attachment.getSpec().getSource().getPersistentVolumeName())
        && attachment.getStatus() != null && Boolean.TRUE.equals(attachment.getStatus().getAttached());
  }

  /** The act's reason, once the node guard passed: the node is gone, or NotReady since a known time. */
  private static String whyNoKubelet(String nodeName, FreshReads reads, Instant now) {
    return reads.node(nodeName)
        .flatMap(ForceDeleteStuckPod::readyCondition)
        .flatMap(ready -> Timestamps.parse(ready.getLastTransitionTime()))
        .map(since -> "node " + nodeName + " NotReady for " + Durations.format(Duration.between(since, now))
            + ": its kubelet cannot finish the deletion")
        .orElse("node " + nodeName + " is gone: no kubelet will finish the deletion");
  }

  private static Optional<String> nodeName(Pod pod) {
    return Optional.ofNullable(pod.getSpec()).map(spec -> spec.getNodeName()).filter(name -> !name.isEmpty());
  }

  private static Optional<NodeCondition> readyCondition(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return node.getStatus().getConditions().stream().filter(c -> c != null && "Ready".equals(c.getType()))
        .findFirst();
  }
}
