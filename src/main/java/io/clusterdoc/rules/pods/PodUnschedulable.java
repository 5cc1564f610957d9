package io.clusterdoc.rules.pods;

import io.clusterdoc.rules.Timestamps;
import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.engine.Durations;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.rules.pods.SchedulingObstacles.Obstacle;
import io.clusterdoc.rules.pods.SchedulingObstacles.Parsed;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A pod the scheduler has found no node for, longer than the threshold. The scheduler says why per node in the
 * PodScheduled condition; the finding sorts those reasons, as several usually apply at once (the control plane's
 * taint on one node, too little memory on the others).
 */
public final class PodUnschedulable extends ObjectRule<Pod> {
  public static final String ID = "pod-unschedulable";

  public PodUnschedulable() {
    super(ID, Severity.WARNING,
        "Pod Pending because no node fits, longer than the threshold; sorts the scheduler's reasons with their counts",
        Pod.class, Threshold.of(Duration.ofMinutes(5)));
  }

  @Override
  protected List<Finding> check(Pod pod, ClusterView view, RuleContext context) {
    if (!PodConditions.inPhase(pod, PodConditions.PENDING) || PodConditions.isBeingDeleted(pod) || isBound(pod)) {
      return List.of();
    }
    Optional<PodCondition> unschedulable = PodConditions.condition(pod, "PodScheduled")
        .filter(c -> "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason()));
    Optional<Instant> since = unschedulable.flatMap(c -> Timestamps.parse(c.getLastTransitionTime())
        .or(() -> Timestamps.parse(pod.getMetadata().getCreationTimestamp())));
    if (since.isEmpty() || !PodConditions.lastedThreshold(since.get(), context)) {
      return List.of();
    }
    String schedulerSaid = Objects.requireNonNullElse(unschedulable.get().getMessage(), "").trim();
    Parsed parsed = SchedulingObstacles.parse(schedulerSaid);
    return List.of(finding(pod)
        .message("Pod " + Keys.of(pod) + " has found no node since " + since.get() + ", longer than "
            + Durations.format(context.threshold()) + summary(parsed) + ".")
        .cause(cause(pod, parsed, schedulerSaid))
        .remediation(remediation(pod, parsed))
        .build());
  }

  private static boolean isBound(Pod pod) {
    return pod.getSpec() != null && pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty();
  }

  /** ": none of the 5 nodes fits (insufficient memory (4 nodes), untolerated taint ... (1 node))" */
  private static String summary(Parsed parsed) {
    if (parsed.reasons().isEmpty()) {
      return "";
    }
    String reasons = String.join(", ", SchedulingObstacles.labelsWithCounts(parsed));
    return parsed.nodes()
        .map(n -> (n == 1 ? ": the only node does not fit" : ": none of the " + n + " nodes fits"))
        .map(nodes -> nodes + " (" + reasons + ")")
        .orElse(": " + reasons);
  }

  // Explanations first: when the text is clipped, what goes is the tail of the scheduler's message.
  private static String cause(Pod pod, Parsed parsed, String schedulerSaid) {
    String explanations = parsed.obstacles().stream().map(Obstacle::explanation).filter(text -> !text.isEmpty())
        .collect(Collectors.joining(" "));
    String nominated = Optional.ofNullable(pod.getStatus().getNominatedNodeName())
        .map(node -> " The scheduler nominated node " + node + " and waits for the pods it preempts there to end.")
        .orElse("");
    String quoted = schedulerSaid.isEmpty() ? "The scheduler left no message."
        : "The scheduler said: \"" + schedulerSaid + "\"";
    return (explanations + requested(pod, parsed) + nominated + " " + quoted).trim();
  }

  private static String remediation(Pod pod, Parsed parsed) {
    List<Obstacle> obstacles = parsed.obstacles().isEmpty() ? List.of(Obstacle.OTHER) : parsed.obstacles();
    return obstacles.stream()
        .flatMap(obstacle -> remedies(obstacle, parsed))
        .filter(text -> !text.isEmpty())
        .map(text -> filledIn(text, pod))
        .collect(Collectors.joining(" "));
  }

  /** Well-known taints are explained one by one; the advice on tolerations is for the taints people set. */
  private static Stream<String> remedies(Obstacle obstacle, Parsed parsed) {
    if (obstacle != Obstacle.TAINTS) {
      return Stream.of(obstacle.remedy());
    }
    List<Optional<String>> meanings = parsed.detailsOf(Obstacle.TAINTS).stream()
        .map(SchedulingObstacles::taintMeaning).toList();
    boolean someUnexplained = meanings.stream().anyMatch(Optional::isEmpty);
    return Stream.concat(meanings.stream().flatMap(Optional::stream),
        someUnexplained ? Stream.of(obstacle.remedy()) : Stream.empty());
  }

  /** " It requests memory: worker 12Gi." for each resource the nodes lack. */
  private static String requested(Pod pod, Parsed parsed) {
    List<Container> containers = pod.getSpec() == null || pod.getSpec().getContainers() == null ? List.of()
        : pod.getSpec().getContainers();
    return parsed.detailsOf(Obstacle.INSUFFICIENT).stream()
        .map(resource -> Map.entry(resource, containers.stream()
            .flatMap(c -> request(c, resource).map(q -> c.getName() + " " + q).stream())
            .collect(Collectors.joining(", "))))
        .filter(entry -> !entry.getValue().isEmpty())
        .map(entry -> " It requests " + entry.getKey() + ": " + entry.getValue() + ".")
        .collect(Collectors.joining());
  }

  /** Extended resources such as GPUs are often given as limits only, which then also count as requests. */
  private static Optional<Quantity> request(Container container, String resource) {
    ResourceRequirements resources = container.getResources();
    if (resources == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(resources.getRequests()).map(r -> r.get(resource))
        .or(() -> Optional.ofNullable(resources.getLimits()).map(l -> l.get(resource)));
  }

  private static String filledIn(String text, Pod pod) {
    return text.replace("{namespace}", pod.getMetadata().getNamespace())
        .replace("{pod}", pod.getMetadata().getName())
        .replace("{claims}", claims(pod).isEmpty() ? "<claim>" : String.join(" ", claims(pod)));
  }

  private static List<String> claims(Pod pod) {
    List<Volume> volumes = pod.getSpec() == null ? null : pod.getSpec().getVolumes();
    return volumes == null ? List.of() : volumes.stream()
        .map(Volume::getPersistentVolumeClaim)
        .filter(Objects::nonNull)
        .map(claim -> claim.getClaimName())
        .filter(Objects::nonNull)
        .toList();
  }
}
