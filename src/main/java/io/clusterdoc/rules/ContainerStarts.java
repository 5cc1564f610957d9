package io.clusterdoc.rules;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import java.util.Set;

/**
 * A container whose last run never started: the runtime could not create or start its process (StartError with
 * containerd, ContainerCannotRun with Docker). It waits in CrashLoopBackOff like a crashing one, but the fix is in
 * its spec or image, so pod-config-error reports it rather than pod-crash-looping.
 */
public final class ContainerStarts {
  private static final Set<String> START_FAILURES = Set.of("StartError", "ContainerCannotRun");

  private ContainerStarts() {
  }

  public static boolean failedToStart(ContainerStateTerminated last) {
    return last != null && last.getReason() != null && START_FAILURES.contains(last.getReason());
  }
}
