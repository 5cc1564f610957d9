package io.clusterdoc.remediation.actions;

import io.clusterdoc.engine.Durations;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.remediation.Decision;
import io.clusterdoc.remediation.FreshReads;
import io.clusterdoc.remediation.RemediationAction;
import io.clusterdoc.remediation.Write;
import io.clusterdoc.rules.Timestamps;
import io.clusterdoc.rules.pods.PodEvicted;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Deletes the evicted pods of one controller once its replacements had time to start. Only pods the kubelet
 * evicted (status.phase Failed and status.reason Evicted) are candidates: the usual one-liners grep the STATUS
 * column of kubectl get pods, which is not status.reason, and their variants delete Pending, Completed and
 * otherwise Failed pods as well. A pod without owner is never deleted: nothing would recreate it, and the Failed
 * object is all that is left of what ran.
 */
public final class DeleteEvictedPods implements RemediationAction {
  public static final String ID = "delete-evicted-pods";
  /** Keeps one decision, its Event and its status record small; the rest go in a later decision. */
  static final int MAX_DELETIONS = 50;

  private static final Comparator<Evicted> OLDEST_FIRST = Comparator.comparing(Evicted::at)
      .thenComparing(evicted -> evicted.pod().getMetadata().getName());

  /** An evicted pod and when it was evicted. */
  private record Evicted(Pod pod, Instant at) {
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String ruleId() {
    return PodEvicted.ID;
  }

  @Override
  public Optional<Duration> defaultThreshold() {
    return Optional.of(Duration.ofHours(1));
  }

  @Override
  public Decision decide(Finding finding, FreshReads reads, Duration threshold, Instant now) {
    ObjectRef owner = finding.object();
    if ("Pod".equals(owner.kind())) {
      return Decision.refuse("pod " + owner.namespace() + "/" + owner.name()
          + " has no owner: nothing recreates it, so it is not deleted");
    }
    String evictedLongAgo = "evicted longer than " + Durations.format(threshold) + " ago";
    List<Evicted> due = reads.podsInNamespace(owner.namespace()).stream()
        .filter(pod -> isEvicted(pod) && isControlledBy(pod, owner.uid()) && !isBeingDeleted(pod))
        .flatMap(pod -> evictedAt(pod).map(at -> new Evicted(pod, at)).stream())
        .filter(evicted -> Duration.between(evicted.at(), now).compareTo(threshold) > 0)
        .sorted(OLDEST_FIRST)
        .toList();
    String ofOwner = owner.kind() + "/" + owner.name();
    if (due.isEmpty()) {
      return Decision.refuse("no evicted pod of " + ofOwner + " " + evictedLongAgo);
    }
    List<Write> writes = due.stream().limit(MAX_DELETIONS)
        .map(evicted -> (Write) new Write.DeletePod(evicted.pod(), false))
        .toList();
    String rest = due.size() > writes.size() ? "; deleting the " + writes.size() + " evicted first, the other "
        + (due.size() - writes.size()) + " in a later decision" : "";
    String pods = due.size() == 1 ? "1 pod" : due.size() + " pods";
    return Decision.act(writes, pods + " of " + ofOwner + " " + evictedLongAgo + rest);
  }

  private static boolean isEvicted(Pod pod) {
    return pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase())
        && "Evicted".equals(pod.getStatus().getReason());
  }

  /** Only the controller's own pods: another owner, or an owner that is not the controller, may still need them. */
  private static boolean isControlledBy(Pod pod, String ownerUid) {
    List<OwnerReference> refs = Objects.requireNonNullElse(pod.getMetadata().getOwnerReferences(), List.of());
    return ownerUid != null && refs.stream()
        .anyMatch(ref -> Boolean.TRUE.equals(ref.getController()) && ownerUid.equals(ref.getUid()));
  }

  /** A pod with a deletionTimestamp is already going; deleting it again changes nothing. */
  private static boolean isBeingDeleted(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  /**
   * The kubelet records no eviction time as such. Evicting a pod moves its conditions (DisruptionTarget, Ready,
   * ContainersReady), so the latest lastTransitionTime among them is when it happened. A pod without conditions
   * falls back to status.startTime, then to metadata.creationTimestamp: both precede the eviction, so such a pod
   * may be judged evicted earlier than it was. A pod with none of these cannot be judged and is left alone.
   */
  private static Optional<Instant> evictedAt(Pod pod) {
    PodStatus status = pod.getStatus();
    List<PodCondition> conditions = Objects.requireNonNullElse(status.getConditions(), List.of());
    Optional<Instant> transition = conditions.stream()
        .filter(Objects::nonNull)
        .flatMap(condition -> Timestamps.parse(condition.getLastTransitionTime()).stream())
        .max(Comparator.naturalOrder());
    return transition
        .or(() -> Timestamps.parse(status.getStartTime()))
        .or(() -> Timestamps.parse(pod.getMetadata().getCreationTimestamp()));
  }
}
