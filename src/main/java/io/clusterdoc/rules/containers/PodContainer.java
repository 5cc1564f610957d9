package io.clusterdoc.rules.containers;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** One init or app container of a pod: its status as the kubelet reports it, with its spec when the pod has one. */
record PodContainer(String kind, ContainerStatus status, Optional<Container> spec) {

  /** Init containers first, in the order the kubelet starts them; a pod without status has none. */
  static List<PodContainer> of(Pod pod) {
    if (pod.getStatus() == null) {
      return List.of();
    }
    List<Container> init = pod.getSpec() == null ? null : pod.getSpec().getInitContainers();
    List<Container> main = pod.getSpec() == null ? null : pod.getSpec().getContainers();
    return Stream.concat(
            paired("init container", pod.getStatus().getInitContainerStatuses(), init),
            paired("container", pod.getStatus().getContainerStatuses(), main))
        .toList();
  }

  private static Stream<PodContainer> paired(String kind, List<ContainerStatus> statuses, List<Container> specs) {
    return statuses == null ? Stream.empty() : statuses.stream()
        .filter(Objects::nonNull)
        .map(status -> new PodContainer(kind, status, specNamed(specs, status.getName())));
  }

  private static Optional<Container> specNamed(List<Container> specs, String name) {
    return specs == null ? Optional.empty()
        : specs.stream().filter(c -> c != null && Objects.equals(c.getName(), name)).findFirst();
  }

  String name() {
    return status.getName();
  }

  /** "container web", "init container migrate". */
  String display() {
    return kind + " " + name();
  }

  Optional<ContainerStateWaiting> waiting() {
    return Optional.ofNullable(status.getState()).map(state -> state.getWaiting());
  }

  /** The waiting reason, or "" when the container is not waiting (immutable sets reject null lookups). */
  String waitingReason() {
    return waiting().map(ContainerStateWaiting::getReason).orElse("");
  }

  Optional<String> waitingMessage() {
    return waiting().map(ContainerStateWaiting::getMessage).filter(message -> !message.isBlank()).map(String::trim);
  }

  Optional<ContainerStateTerminated> terminated() {
    return Optional.ofNullable(status.getState()).map(state -> state.getTerminated());
  }

  Optional<ContainerStateTerminated> lastTerminated() {
    return Optional.ofNullable(status.getLastState()).map(state -> state.getTerminated());
  }

  int restartCount() {
    return Objects.requireNonNullElse(status.getRestartCount(), 0);
  }

  /** The image the spec asks for: the status may show it resolved or, for an image never pulled, not at all. */
  String image() {
    return spec.map(Container::getImage).filter(image -> !image.isBlank())
        .orElse(Objects.requireNonNullElse(status.getImage(), "(unknown image)"));
  }
}
