package io.clusterdoc.rules.containers;

import io.clusterdoc.rules.ContainerStarts;
import io.clusterdoc.rules.ContainerStatuses;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A container the kubelet could not create or start, with the kubelet's or the runtime's error. A container whose
 * process could not be started alternates between RunContainerError, right after each attempt, and CrashLoopBackOff
 * while it waits for the next one; its last state then holds the failed start (StartError with containerd,
 * ContainerCannotRun with Docker), so both are one failure.
 */
record FailedStart(PodContainer container, String reason, String error) {
  private static final Set<String> WAITING_REASONS =
      Set.of("CreateContainerConfigError", "CreateContainerError", "RunContainerError");
  private static final String CRASH_LOOP = "CrashLoopBackOff";
  private static final String RUNC_PREFIX = "unable to start container process: ";

  static List<FailedStart> of(Pod pod) {
    if (!ContainerStatuses.any(pod, FailedStart::waitsAsAfterFailedStart)) {
      return List.of();
    }
    return PodContainer.of(pod).stream().map(FailedStart::of).flatMap(Optional::stream).toList();
  }

  /**
   * Whether {@link #of(PodContainer)} finds a failed start: a crash-looping container only counts when its last run
   * never started, which most crash-looping containers did.
   */
  private static boolean waitsAsAfterFailedStart(ContainerStatus status) {
    String waiting = ContainerStatuses.waitingReason(status);
    if (waiting == null) {
      return false;
    }
    return WAITING_REASONS.contains(waiting) || (CRASH_LOOP.equals(waiting) && status.getLastState() != null
        && ContainerStarts.failedToStart(status.getLastState().getTerminated()));
  }

  private static Optional<FailedStart> of(PodContainer container) {
    String waiting = container.waitingReason();
    if (WAITING_REASONS.contains(waiting)) {
      return Optional.of(new FailedStart(container, waiting, container.waitingMessage().orElse("")));
    }
    if (!CRASH_LOOP.equals(waiting)) {
      return Optional.empty();
    }
    return container.lastTerminated()
        .filter(ContainerStarts::failedToStart)
        .map(last -> new FailedStart(container, last.getReason(),
            Objects.requireNonNullElse(last.getMessage(), "").trim()));
  }

  /**
   * The error without the chain of runtime layers that precedes runc's own words ("failed to create containerd task:
   * failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process:"),
   * which says nothing more and would crowd the quote out of the finding's 1 KiB.
   */
  String shortError() {
    int start = error.lastIndexOf(RUNC_PREFIX);
    return start < 0 ? error : error.substring(start + RUNC_PREFIX.length());
  }

  /**
   * Whether a volume could not be mounted into the container: subPath mounts are prepared when the container is
   * created and bound into its root file system when it starts, after the pod's volumes are set up.
   */
  boolean isVolumeMount() {
    return error.contains("failed to prepare subPath") || error.contains("volume-subpaths")
        || error.contains("mount a directory onto a file");
  }

  /** "waits in CreateContainerConfigError", "failed to start (StartError) and waits in CrashLoopBackOff". */
  String state() {
    return reason.equals(container.waitingReason()) ? "waits in " + reason
        : "failed to start (" + reason + ") and waits in " + container.waitingReason();
  }
}
