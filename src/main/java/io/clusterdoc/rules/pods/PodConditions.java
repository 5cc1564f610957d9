package io.clusterdoc.rules.pods;

import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.rules.ContainerStatuses;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How the pod rules read a pod's state: its conditions, phase and container statuses, and how long a state has
 * lasted. Everything tolerates missing fields, because a pod the kubelet has not reported on yet is healthy.
 */
final class PodConditions {
  static final String RUNNING = "Running";
  static final String PENDING = "Pending";

  private PodConditions() {
  }

  /** The first condition of this type; a loop rather than a stream, as pod rules ask it of every pod. */
  static Optional<PodCondition> condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    for (PodCondition condition : pod.getStatus().getConditions()) {
      if (type.equals(condition.getType())) {
        return Optional.of(condition);
      }
    }
    return Optional.empty();
  }

  static boolean inPhase(Pod pod, String phase) {
    return pod.getStatus() != null && phase.equals(pod.getStatus().getPhase());
  }

  static boolean isBeingDeleted(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  /** Init containers first, then the others, as kubectl describe lists them. */
  static Stream<ContainerStatus> containerStatuses(Pod pod) {
    if (pod.getStatus() == null) {
      return Stream.empty();
    }
    return Stream.concat(orEmpty(pod.getStatus().getInitContainerStatuses()),
        orEmpty(pod.getStatus().getContainerStatuses()));
  }

  static boolean isCrashLooping(ContainerStatus status) {
    return waitingReason(status).filter("CrashLoopBackOff"::equals).isPresent();
  }

  /** Such a pod is reported by pod-crash-looping, which says more about it. */
  /**
   * A container waiting to run: crash-looping, pulling its image, failing to be created or mounted. Other rules
   * (pod-crash-looping, pod-image-pull-failed, pod-config-error, pod-mount-failed) report those with their cause.
   */
  static boolean hasWaitingContainer(Pod pod) {
    return containerStatuses(pod).anyMatch(status -> waitingReason(status).isPresent());
  }

  static Optional<String> waitingReason(ContainerStatus status) {
    return Optional.ofNullable(ContainerStatuses.waitingReason(status));
  }


  /**
   * Whether a state that began at {@code since} has lasted the rule's time threshold. If not yet, asks for another
   * evaluation when it will have: no object changes when a state merely goes on.
   */
  static boolean lastedThreshold(Instant since, RuleContext context) {
    Instant due = since.plus(context.threshold());
    if (context.now().isBefore(due)) {
      context.recheckAt(due);
      return false;
    }
    return true;
  }

  private static <T> Stream<T> orEmpty(List<T> list) {
    return list == null ? Stream.empty() : list.stream();
  }
}
