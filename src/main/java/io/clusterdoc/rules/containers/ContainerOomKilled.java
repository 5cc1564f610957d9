package io.clusterdoc.rules.containers;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.rules.ContainerStatuses;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Containers the kernel killed for exceeding their memory. A container restarted after the kill is reported for the
 * threshold's time after it: the kubelet keeps the last termination in the status until the next one, so a container
 * killed weeks ago and fine since would otherwise be reported for ever. A pod that failed because of the kill (a
 * Job's pod with restartPolicy Never) stays failed, and is reported as long as it exists. Containers waiting in
 * CrashLoopBackOff are left to pod-crash-looping, which names the OOM kill itself.
 */
public final class ContainerOomKilled extends ObjectRule<Pod> {
  public static final String ID = "container-oom-killed";

  private static final String OOM_KILLED = "OOMKilled";
  private static final String CRASH_LOOP = "CrashLoopBackOff";

  /**
   * One OOM kill: the container and its termination, from its current state if it has not been restarted, and
   * whether the pod failed because of it.
   */
  private record Kill(PodContainer container, ContainerStateTerminated termination, boolean stopped,
      boolean podFailed) {

    Optional<Instant> at() {
      try {
        return Optional.ofNullable(termination.getFinishedAt()).map(Instant::parse);
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }

    /** Until when a kill the container got over is reported; one without a readable time cannot be dated. */
    Optional<Instant> reportedUntil(Duration threshold) {
      return at().map(time -> time.plus(threshold));
    }

    boolean reportedAt(Instant now, Duration threshold) {
      return podFailed || reportedUntil(threshold).filter(now::isBefore).isPresent();
    }
  }

  public ContainerOomKilled() {
    super(ID, Severity.WARNING,
        "Containers killed for exceeding their memory: until the threshold after the kill, or while the pod stays "
            + "failed",
        Pod.class, Threshold.of(Duration.ofHours(1)));
  }

  @Override
  protected List<Finding> check(Pod pod, ClusterView view, RuleContext context) {
    if (!ContainerStatuses.any(pod, ContainerOomKilled::endedByOomKill)) {
      return List.of();
    }
    List<Kill> recent = PodContainer.of(pod).stream()
        .filter(c -> !CRASH_LOOP.equals(c.waitingReason()))
        .map(c -> lastKill(pod, c))
        .flatMap(Optional::stream)
        .filter(kill -> kill.reportedAt(context.now(), context.threshold()))
        .toList();
    // A kill the container got over stops being reported with time alone, no object changing.
    recent.stream().filter(kill -> !kill.podFailed()).forEach(kill -> context.recheckAt(
        kill.reportedUntil(context.threshold()).orElseThrow()));
    if (recent.isEmpty()) {
      return List.of();
    }
    return List.of(finding(pod)
        .message(ContainerRuleText.pod(pod) + ": " + recent.stream().map(ContainerOomKilled::summary)
            .collect(Collectors.joining("; ")) + ".")
        .cause(recent.stream().map(kill -> cause(pod, kill)).collect(Collectors.joining(" ")))
        .remediation(remediation(pod, recent))
        .build());
  }

  /** Whether the container's current or last termination was an OOM kill: only such pods need a closer look. */
  private static boolean endedByOomKill(ContainerStatus status) {
    return isOomKill(status.getState()) || isOomKill(status.getLastState());
  }

  private static boolean isOomKill(ContainerState state) {
    return state != null && state.getTerminated() != null && OOM_KILLED.equals(state.getTerminated().getReason());
  }

  /** The container's latest termination, if the OOM killer ended it. */
  private static Optional<Kill> lastKill(Pod pod, PodContainer container) {
    Optional<ContainerStateTerminated> current = container.terminated();
    boolean stopped = current.map(t -> OOM_KILLED.equals(t.getReason())).orElse(false);
    Optional<ContainerStateTerminated> kill = stopped ? current
        : container.lastTerminated().filter(t -> OOM_KILLED.equals(t.getReason()));
    boolean podFailed = stopped && "Failed".equals(pod.getStatus().getPhase());
    return kill.map(t -> new Kill(container, t, stopped, podFailed));
  }

  /** "container api was OOM-killed at 2026-11-20T09:58:41Z (memory limit 512Mi, 3 restarts)" */
  private static String summary(Kill kill) {
    PodContainer c = kill.container();
    String limit = memoryLimit(c).map(l -> "memory limit " + l).orElse("no memory limit");
    String restarts = c.restartCount() + (c.restartCount() == 1 ? " restart" : " restarts");
    String when = Optional.ofNullable(kill.termination().getFinishedAt()).map(at -> " at " + at).orElse("");
    if (kill.podFailed()) {
      return c.display() + " was OOM-killed" + when + " and the pod failed (" + limit + ")";
    }
    return c.display() + " was OOM-killed" + when + " (" + limit + ", "
        + (kill.stopped() ? "not restarted yet" : restarts) + ")";
  }

  private static String cause(Pod pod, Kill kill) {
    PodContainer c = kill.container();
    String name = ContainerRuleText.capitalized(c.display());
    String why = memoryLimit(c)
        .map(limit -> name + " used more than its memory limit of " + limit + ", and the kernel's OOM killer ended it.")
        .orElse(name + " has no memory limit: it was killed when node " + ContainerRuleText.node(pod).orElse("NODE")
            + ", or the memory allocatable to its pods, ran out, the kernel choosing it among the node's processes "
            + "(those using more than their memory request first).");
    String hook = c.spec().map(Container::getLifecycle).map(l -> l.getPreStop()).isPresent()
        ? " Its preStop hook did not run: the kernel, not the kubelet, stopped the container, so there was neither "
            + "preStop nor SIGTERM and the process could not finish its work."
        : " An OOM kill comes from the kernel, not the kubelet: no preStop hook runs and no SIGTERM is sent, so the "
            + "process cannot finish its work.";
    return why + memoryVolumes(pod, c) + hook;
  }

  /** emptyDir volumes in memory count towards the limit of the container that writes to them. */
  private static String memoryVolumes(Pod pod, PodContainer container) {
    List<Volume> volumes = pod.getSpec() == null ? null : pod.getSpec().getVolumes();
    List<VolumeMount> mounts = container.spec().map(Container::getVolumeMounts).orElse(null);
    if (volumes == null || mounts == null) {
      return "";
    }
    List<String> inMemory = volumes.stream()
        .filter(v -> v.getEmptyDir() != null && "Memory".equals(v.getEmptyDir().getMedium()))
        .map(Volume::getName)
        .filter(volume -> mounts.stream().anyMatch(m -> Objects.equals(m.getName(), volume)))
        .toList();
    return inMemory.isEmpty() ? "" : " Files it writes to emptyDir " + String.join(", ", inMemory)
        + " (medium: Memory) count as its memory.";
  }

  private static String remediation(Pod pod, List<Kill> kills) {
    String containers = kills.stream().map(k -> k.container().name()).distinct().collect(Collectors.joining(", "));
    boolean unlimited = kills.stream().anyMatch(k -> memoryLimit(k.container()).isEmpty());
    boolean inMemoryVolumes = kills.stream().anyMatch(k -> !memoryVolumes(pod, k.container()).isEmpty());
    String look = kills.stream().allMatch(Kill::podFailed)
        ? ContainerRuleText.describe(pod) + " shows the last state of " + containers + "; the failed pod stays until "
            + "it or its Job is deleted, and the pods that replace it need the new limit in the pod template."
        : "kubectl top pod -n " + pod.getMetadata().getNamespace() + " " + pod.getMetadata().getName()
            + " --containers shows the memory in use now, and " + ContainerRuleText.describe(pod)
            + " the last state of " + containers + ".";
    return look + " Set the memory limit above the container's peak, with a request to match, or make it use less: a "
        + "JVM's heap and native memory must fit below the limit (-XX:MaxRAMPercentage well under 100)."
        + (inMemoryVolumes ? " Give the emptyDir in memory a sizeLimit, or move its files to disk." : "")
        + (unlimited ? " Give containers without a limit one, so that they are stopped before the node runs out." : "")
        + " For a graceful stop before the limit, the notes' workaround is a liveness probe that fails at about 95% "
        + "of the limit (kubemem), so that the kubelet stops the container with its preStop hook and SIGTERM; the "
        + "container is restarted all the same, and memory that grows faster than the probe period still ends in an "
        + "OOM kill.";
  }

  private static Optional<String> memoryLimit(PodContainer container) {
    return container.spec()
        .map(Container::getResources)
        .map(resources -> resources.getLimits() == null ? null : resources.getLimits().get("memory"))
        .map(Quantity::toString);
  }
}
