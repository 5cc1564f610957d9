package io.clusterdoc.rules.pods;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.rules.ContainerStarts;
import io.clusterdoc.rules.ContainerStatuses;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Containers in CrashLoopBackOff: each run ends and the kubelet waits longer before the next, up to five minutes. */
public final class PodCrashLooping extends ObjectRule<Pod> {
  public static final String ID = "pod-crash-looping";
  private static final String CRASH_LOOP = "CrashLoopBackOff";

  /** How the last run ended, from lastState.terminated, with what to do about it. */
  private enum Exit {
    OOM_KILLED("was killed for using more memory than its limit",
        "Set the memory limit above the container's peak use, with a request to match, or make it use less (a JVM "
            + "heap must fit well below the limit)."),
    KILLED("was killed with SIGKILL",
        "Check kubectl describe pod for a failing liveness probe (raise initialDelaySeconds or timeoutSeconds if the "
            + "app is only slow) and the node's kernel log for the OOM killer."),
    APP_ERROR("stopped on an application error",
        "The previous logs say why: configuration, a missing Secret or file, a dependency it cannot reach."),
    NOT_EXECUTABLE("could not execute its command: permission denied, or not a binary for this platform",
        "Make the command executable in the image (chmod +x) and check that the image matches the node's "
            + "architecture."),
    NOT_FOUND("ran a command that does not exist in the image",
        "Compare command and args in the pod spec with the image: a typo, a missing binary, no shell in the image."),
    SEGFAULT("crashed on SIGSEGV, a segmentation fault",
        "A native crash: check the image's native libraries and that it is built for the node's architecture."),
    TERMINATED("ended on SIGTERM without handling it",
        "The kubelet sends SIGTERM when a liveness probe fails: check the probe in kubectl describe pod, and let "
            + "the app exit cleanly on SIGTERM."),
    COMPLETED("exited successfully, but restartPolicy Always starts it again",
        "The main process must stay in the foreground; a task that ends belongs in a Job."),
    OTHER("exited with an error",
        "The previous logs and the termination message say why it stopped."),
    UNRECORDED("has no recorded termination",
        "kubectl describe pod shows the events of its last start.");

    private final String description;
    private final String advice;

    Exit(String description, String advice) {
      this.description = description;
      this.advice = advice;
    }

    static Exit of(ContainerStateTerminated last) {
      if (last == null) {
        return UNRECORDED;
      }
      if ("OOMKilled".equals(last.getReason())) {
        return OOM_KILLED;
      }
      return switch (Objects.requireNonNullElse(last.getExitCode(), -1)) {
        case 0 -> COMPLETED;
        case 1 -> APP_ERROR;
        case 126 -> NOT_EXECUTABLE;
        case 127 -> NOT_FOUND;
        case 137 -> KILLED;
        case 139 -> SEGFAULT;
        case 143 -> TERMINATED;
        default -> OTHER;
      };
    }
  }

  /** A container waiting in CrashLoopBackOff, with its spec for the memory limit. */
  private record Crashing(String kind, ContainerStatus status, Optional<Container> spec) {

    String name() {
      return status.getName();
    }

    ContainerStateTerminated last() {
      return status.getLastState() == null ? null : status.getLastState().getTerminated();
    }

    Exit exit() {
      return Exit.of(last());
    }
  }

  public PodCrashLooping() {
    super(ID, Severity.WARNING, "Containers in CrashLoopBackOff, with how their last run ended", Pod.class);
  }

  @Override
  protected List<Finding> check(Pod pod, ClusterView view, RuleContext context) {
    List<Crashing> crashing = crashing(pod);
    if (crashing.isEmpty()) {
      return List.of();
    }
    return List.of(finding(pod)
        .message("Pod " + Keys.of(pod) + " is in CrashLoopBackOff: "
            + crashing.stream().map(PodCrashLooping::summary).collect(Collectors.joining("; ")) + ".")
        .cause(crashing.stream().map(PodCrashLooping::cause).collect(Collectors.joining(" ")))
        .remediation(remediation(pod, crashing))
        .build());
  }

  private static List<Crashing> crashing(Pod pod) {
    if (!ContainerStatuses.any(pod, status -> CRASH_LOOP.equals(ContainerStatuses.waitingReason(status)))) {
      return List.of();
    }
    List<Container> init = pod.getSpec() == null ? null : pod.getSpec().getInitContainers();
    List<Container> main = pod.getSpec() == null ? null : pod.getSpec().getContainers();
    return Stream.concat(
            inCrashLoop("init container", pod.getStatus().getInitContainerStatuses(), init),
            inCrashLoop("container", pod.getStatus().getContainerStatuses(), main))
        .toList();
  }

  private static Stream<Crashing> inCrashLoop(String kind, List<ContainerStatus> statuses, List<Container> specs) {
    return statuses == null ? Stream.empty() : statuses.stream()
        .filter(s -> CRASH_LOOP.equals(ContainerStatuses.waitingReason(s)))
        .filter(s -> s.getLastState() == null || !ContainerStarts.failedToStart(s.getLastState().getTerminated()))
        .map(s -> new Crashing(kind, s, specNamed(specs, s.getName())));
  }

  private static Optional<Container> specNamed(List<Container> specs, String name) {
    return specs == null ? Optional.empty() : specs.stream().filter(c -> Objects.equals(c.getName(), name)).findFirst();
  }

  /** "container app (14 restarts, last exit code 137, OOMKilled)" */
  private static String summary(Crashing c) {
    int restarts = Objects.requireNonNullElse(c.status().getRestartCount(), 0);
    return c.kind() + " " + c.name() + " (" + PodText.count(restarts, "restart")
        + exitCode(c).map(code -> ", last " + code).orElse("") + ")";
  }

  /** "exit code 137, OOMKilled" */
  private static Optional<String> exitCode(Crashing c) {
    return Optional.ofNullable(c.last()).map(last -> "exit code " + Objects.requireNonNullElse(last.getExitCode(), -1)
        + (last.getReason() == null ? "" : ", " + last.getReason()));
  }

  private static String cause(Crashing c) {
    String ending = c.exit() == Exit.OOM_KILLED ? outOfMemory(c) : c.exit().description;
    String said = Optional.ofNullable(c.last()).map(ContainerStateTerminated::getMessage)
        .map(message -> " Its termination message: \"" + message.trim() + "\".").orElse("");
    String backOff = c.status().getState().getWaiting().getMessage();
    return capitalized(c.kind()) + " " + c.name() + " " + ending + exitCode(c).map(code -> " (" + code + ")").orElse("")
        + "." + said + (backOff == null ? "" : " Kubelet: " + backOff + ".");
  }

  private static String outOfMemory(Crashing c) {
    return memoryLimit(c)
        .map(limit -> Exit.OOM_KILLED.description + " of " + limit)
        .orElse("was killed for lack of memory; it has no memory limit, so the node itself ran out");
  }

  private static Optional<String> memoryLimit(Crashing c) {
    return c.spec()
        .map(Container::getResources)
        .map(resources -> resources.getLimits() == null ? null : resources.getLimits().get("memory"))
        .map(Quantity::toString);
  }

  private static String remediation(Pod pod, List<Crashing> crashing) {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    String logs = crashing.stream()
        .map(c -> "kubectl logs -n " + namespace + " " + name + " -c " + c.name() + " --previous")
        .collect(Collectors.joining("; "));
    String advice = crashing.stream().map(Crashing::exit).distinct().map(exit -> exit.advice)
        .collect(Collectors.joining(" "));
    return "Read the output of the crashed run: " + logs + ". kubectl describe pod -n " + namespace + " " + name
        + " shows the events and the last state. " + advice;
  }

  private static String capitalized(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
