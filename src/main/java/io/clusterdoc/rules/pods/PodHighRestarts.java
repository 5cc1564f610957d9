package io.clusterdoc.rules.pods;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.rules.ContainerStatuses;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Containers of a running pod that have restarted more often than the threshold but run now. Each restart loses
 * in-flight work and may go unnoticed because the pod looks Running; how the last run ended says why.
 * Containers in CrashLoopBackOff are left to pod-crash-looping.
 */
public final class PodHighRestarts extends ObjectRule<Pod> {
  public static final String ID = "pod-high-restarts";

  /** How the previous run ended, read from lastState.terminated. */
  private enum Ending {
    OUT_OF_MEMORY("was killed for using more memory than its limit",
        "OOMKilled: raise the memory limit to the container's peak use (a JVM heap must fit well below it) or find "
            + "the leak."),
    SIGKILL("was killed with SIGKILL",
        "Exit code 137 without OOMKilled: the kubelet killed it after a failed liveness probe outlasted the grace "
            + "period, or the node's OOM killer did (its kernel log says)."),
    SIGTERM("ended on SIGTERM",
        "Exit code 143: the kubelet stops a container with SIGTERM when its liveness probe fails. A liveness probe "
            + "should check the process only, not its dependencies, with a timeout it can meet under load; a slow "
            + "start needs a startupProbe, not a long initialDelaySeconds."),
    EXITED("exited on its own with code 0, and restartPolicy Always starts it again",
        "Exit code 0: the main process ends; it must stay in the foreground, and a task that ends belongs in a Job."),
    FAILED("exited with an error",
        "The previous run's logs say why it stopped."),
    UNRECORDED("has no recorded termination",
        "");

    private final String description;
    private final String advice;

    Ending(String description, String advice) {
      this.description = description;
      this.advice = advice;
    }

    static Ending of(ContainerStateTerminated last) {
      if (last == null) {
        return UNRECORDED;
      }
      if ("OOMKilled".equals(last.getReason())) {
        return OUT_OF_MEMORY;
      }
      return switch (Objects.requireNonNullElse(last.getExitCode(), -1)) {
        case 0 -> EXITED;
        case 137 -> SIGKILL;
        case 143 -> SIGTERM;
        default -> FAILED;
      };
    }
  }

  public PodHighRestarts() {
    super(ID, Severity.INFO,
        "Containers of running pods restarted more often than the threshold, with how their last run ended",
        Pod.class, Threshold.count(20));
  }

  @Override
  protected List<Finding> check(Pod pod, ClusterView view, RuleContext context) {
    if (!PodConditions.inPhase(pod, PodConditions.RUNNING) || PodConditions.isBeingDeleted(pod)) {
      return List.of();
    }
    long threshold = context.count();
    if (!ContainerStatuses.any(pod, status -> restarts(status) > threshold)) {
      return List.of();
    }
    List<ContainerStatus> restarting = PodConditions.containerStatuses(pod)
        .filter(status -> restarts(status) > context.count() && !PodConditions.isCrashLooping(status))
        .toList();
    if (restarting.isEmpty()) {
      return List.of();
    }
    return List.of(finding(pod)
        .message("Pod " + Keys.of(pod) + " has containers that restarted more than " + context.count() + " times: "
            + restarting.stream().map(PodHighRestarts::summary).collect(Collectors.joining("; ")) + ".")
        .cause(restarting.stream().map(PodHighRestarts::cause).collect(Collectors.joining(" "))
            + " restartCount counts from the pod's creation and resets only when the pod is replaced.")
        .remediation(remediation(pod, restarting))
        .build());
  }

  private static int restarts(ContainerStatus status) {
    return Objects.requireNonNullElse(status.getRestartCount(), 0);
  }

  private static ContainerStateTerminated last(ContainerStatus status) {
    return status.getLastState() == null ? null : status.getLastState().getTerminated();
  }

  /** "container api (37 restarts, last exit code 137, OOMKilled, restarted at 2026-11-20T08:14:05Z)" */
  private static String summary(ContainerStatus status) {
    String restartedAt = restartedAt(status).map(time -> ", restarted at " + time).orElse("");
    return "container " + status.getName() + " (" + PodText.count(restarts(status), "restart")
        + exitCode(status).map(code -> ", last " + code).orElse("") + restartedAt + ")";
  }

  private static Optional<String> exitCode(ContainerStatus status) {
    return Optional.ofNullable(last(status)).map(last -> "exit code "
        + Objects.requireNonNullElse(last.getExitCode(), -1)
        + (last.getReason() == null ? "" : ", " + last.getReason()));
  }

  /** When the current run began, else when the previous one ended. */
  private static Optional<String> restartedAt(ContainerStatus status) {
    Optional<String> started = Optional.ofNullable(status.getState())
        .map(state -> state.getRunning())
        .map(running -> running.getStartedAt());
    return started.or(() -> Optional.ofNullable(last(status)).map(ContainerStateTerminated::getFinishedAt));
  }

  private static String cause(ContainerStatus status) {
    ContainerStateTerminated last = last(status);
    String said = Optional.ofNullable(last).map(ContainerStateTerminated::getMessage)
        .map(message -> " Its termination message: \"" + message.trim() + "\".").orElse("");
    return "Container " + status.getName() + " " + Ending.of(last).description + "." + said;
  }

  private static String remediation(Pod pod, List<ContainerStatus> restarting) {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    String logs = restarting.stream()
        .map(s -> "kubectl logs -n " + namespace + " " + name + " -c " + s.getName() + " --previous")
        .collect(Collectors.joining("; "));
    String advice = restarting.stream().map(s -> Ending.of(last(s))).distinct().map(e -> e.advice)
        .filter(text -> !text.isEmpty()).collect(Collectors.joining(" "));
    return ("Read the run before the last restart: " + logs + "; kubectl describe pod -n " + namespace + " " + name
        + " shows the last state and the kubelet's events (Killing ... failed liveness probe). " + advice
        + " If every pod on the node restarted at the same time, the node rebooted: look at the node, not the pod.")
        .replaceAll("\\s+", " ");
  }
}
