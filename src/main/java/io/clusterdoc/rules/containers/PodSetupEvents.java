package io.clusterdoc.rules.containers;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The Warning Events recorded while a pod is set up on its node: pulling images, creating the sandbox, attaching and
 * mounting volumes. The pod's status holds only part of the story (a pod waiting for a volume is just
 * ContainerCreating); these Events hold the rest.
 */
final class PodSetupEvents {
  /** Waiting reasons of a container whose pod the kubelet is still preparing. */
  private static final Set<String> NOT_YET_CREATED = Set.of("ContainerCreating", "PodInitializing");

  private PodSetupEvents() {
  }

  /** The store key of the pod a Warning Event with one of these reasons is about; nothing for any other object. */
  static Collection<String> podKeyOf(HasMetadata changed, Set<String> reasons) {
    if (!(changed instanceof Event event) || !"Warning".equals(event.getType()) || event.getReason() == null
        || !reasons.contains(event.getReason())) {
      return List.of();
    }
    ObjectReference about = event.getInvolvedObject();
    boolean aboutPod = about != null && "Pod".equals(about.getKind()) && about.getNamespace() != null
        && about.getName() != null;
    return aboutPod ? List.of(Keys.of(about.getNamespace(), about.getName())) : List.of();
  }

  /** The pod's Warning Events with one of these reasons and a message, oldest first. */
  static List<Event> about(Pod pod, ClusterView view, Set<String> reasons) {
    return view.warningEventsAbout(pod).stream()
        .filter(event -> event.getReason() != null && event.getMessage() != null)
        .filter(event -> reasons.contains(event.getReason()))
        .toList();
  }

  /**
   * Whether the pod is still being set up: Pending, not being deleted, and no container created yet. Setup Events
   * outlive what they report by an hour (the API server's Event TTL); once a container exists they are history.
   */
  static boolean stillSettingUp(Pod pod) {
    boolean pending = pod.getStatus() != null && "Pending".equals(pod.getStatus().getPhase());
    return pending && pod.getMetadata().getDeletionTimestamp() == null
        && PodContainer.of(pod).stream().allMatch(c -> NOT_YET_CREATED.contains(c.waitingReason()));
  }

  /** When the oldest of these Events first happened, as its producer wrote it. */
  static String firstSeen(List<Event> events) {
    return events.stream().map(PodSetupEvents::firstTime).filter(Objects::nonNull).sorted().findFirst()
        .orElse("an unknown time");
  }

  private static String firstTime(Event event) {
    if (event.getFirstTimestamp() != null) {
      return event.getFirstTimestamp();
    }
    if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
      return event.getEventTime().getTime();
    }
    return event.getMetadata() == null ? null : event.getMetadata().getCreationTimestamp();
  }
}
