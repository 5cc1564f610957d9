package io.clusterdoc.rules;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.function.Predicate;

/**
 * A quick look at a pod's container statuses, for rules that report only a few pods: every rule looks at every pod
 * on a full pass and on each of its updates, so the common healthy pod must be dismissed without building anything.
 */
public final class ContainerStatuses {
  private ContainerStatuses() {
  }

  /**
   * Whether any init or app container status passes the test; false for a pod without status. A null entry counts
   * as passing, so that the rule's full reading handles a malformed status as it always has.
   */
  public static boolean any(Pod pod, Predicate<ContainerStatus> test) {
    if (pod.getStatus() == null) {
      return false;
    }
    return anyIn(pod.getStatus().getInitContainerStatuses(), test)
        || anyIn(pod.getStatus().getContainerStatuses(), test);
  }

  /** The reason the container waits, or null when it is not waiting. */
  public static String waitingReason(ContainerStatus status) {
    return status.getState() == null || status.getState().getWaiting() == null ? null
        : status.getState().getWaiting().getReason();
  }

  private static boolean anyIn(List<ContainerStatus> statuses, Predicate<ContainerStatus> test) {
    if (statuses == null) {
      return false;
    }
    for (ContainerStatus status : statuses) {
      if (status == null || test.test(status)) {
        return true;
      }
    }
    return false;
  }
}
