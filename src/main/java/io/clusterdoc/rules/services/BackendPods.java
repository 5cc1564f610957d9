package io.clusterdoc.rules.services;

import io.clusterdoc.rules.Timestamps;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** The pods behind a Service as the endpoints controller sees them: whether it may list them, and on which port. */
final class BackendPods {
  private static final String DEFAULT_PROTOCOL = "TCP";

  private BackendPods() {
  }

  /** Whether the endpoints controller lists the pod under ready addresses: Running, Ready and not being deleted. */
  static boolean isServing(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
        && "Running".equals(pod.getStatus().getPhase())
        && condition(pod, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** When the pod last turned Ready; the epoch when the kubelet did not say. */
  static Instant readySince(Pod pod) {
    return condition(pod, "Ready")
        .flatMap(c -> Timestamps.parse(c.getLastTransitionTime()))
        .orElse(Instant.EPOCH);
  }

  /**
   * Whether the Service port leads to a port of this pod. A numeric targetPort (or none: it defaults to the port)
   * always does; a named one must be the name of a container port with the same protocol.
   */
  static boolean resolves(ServicePort port, Pod pod) {
    IntOrString target = port.getTargetPort();
    if (target == null || target.getStrVal() == null) {
      return true;
    }
    String protocol = protocol(port.getProtocol());
    return containerPorts(pod).anyMatch(p -> target.getStrVal().equals(p.getName())
        && protocol.equals(protocol(p.getProtocol())));
  }

  /** The container ports a pod declares, as {@code name (8080/TCP)} or {@code 8080/TCP}. */
  static Stream<String> declaredPorts(Pod pod) {
    return containerPorts(pod).map(p -> {
      String number = p.getContainerPort() + "/" + protocol(p.getProtocol());
      return p.getName() == null ? number : p.getName() + " (" + number + ")";
    });
  }

  /** {@code name (Phase: why)}: what keeps the pod out of the ready addresses, as far as its status says. */
  static String state(Pod pod) {
    String name = pod.getMetadata().getName();
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return name + " (being deleted)";
    }
    String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Unknown"
        : pod.getStatus().getPhase();
    String shown = "Running".equals(phase) ? "Running, not Ready" : phase;
    String detail = detail(pod);
    return name + " (" + shown + (detail.isEmpty() ? "" : ": " + detail) + ")";
  }

  /** Why containers wait (CrashLoopBackOff, ImagePullBackOff), else the first condition that is not True. */
  private static String detail(Pod pod) {
    List<String> waiting = statuses(pod)
        .filter(s -> s.getState() != null && s.getState().getWaiting() != null
            && s.getState().getWaiting().getReason() != null)
        .map(s -> s.getName() + " " + s.getState().getWaiting().getReason())
        .toList();
    if (!waiting.isEmpty()) {
      return String.join(", ", waiting);
    }
    if (pod.getStatus() != null && pod.getStatus().getReason() != null) {
      return pod.getStatus().getReason();
    }
    return Stream.of("PodScheduled", "Ready")
        .map(type -> condition(pod, type))
        .flatMap(Optional::stream)
        .filter(c -> !"True".equals(c.getStatus()))
        .map(c -> c.getMessage() != null ? c.getMessage() : Objects.requireNonNullElse(c.getReason(), ""))
        .findFirst()
        .orElse("");
  }

  private static Optional<PodCondition> condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream().filter(c -> c != null && type.equals(c.getType())).findFirst();
  }

  private static Stream<ContainerStatus> statuses(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Stream.empty();
    }
    return pod.getStatus().getContainerStatuses().stream().filter(Objects::nonNull);
  }

  /** The ports of the app containers and of sidecars (init containers that keep running), where lookups look. */
  private static Stream<ContainerPort> containerPorts(Pod pod) {
    if (pod.getSpec() == null) {
      return Stream.empty();
    }
    Stream<Container> sidecars = Objects.requireNonNullElse(pod.getSpec().getInitContainers(), List.<Container>of())
        .stream().filter(c -> c != null && "Always".equals(c.getRestartPolicy()));
    Stream<Container> containers = Objects.requireNonNullElse(pod.getSpec().getContainers(), List.<Container>of())
        .stream().filter(Objects::nonNull);
    return Stream.concat(containers, sidecars)
        .flatMap(c -> Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of()).stream())
        .filter(Objects::nonNull);
  }

  private static String protocol(String protocol) {
    return protocol == null ? DEFAULT_PROTOCOL : protocol;
  }
}
