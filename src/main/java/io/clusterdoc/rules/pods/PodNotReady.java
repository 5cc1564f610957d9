package io.clusterdoc.rules.pods;

import io.clusterdoc.rules.Timestamps;
import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Durations;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.rules.dns.CorednsNotReady;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A pod that runs but has not been Ready for longer than the threshold: every Service that selects it has dropped
 * it from its endpoints, so it gets no traffic while it looks alive in {@code kubectl get pods}. The kubelet's
 * Unhealthy events carry the probe's own words, which tell an application that says "not ready" from one that
 * does not answer at all.
 */
public final class PodNotReady extends ObjectRule<Pod> {
  public static final String ID = "pod-not-ready";

  private static final String UNHEALTHY = "Unhealthy";
  private static final String READINESS_FAILED = "Readiness probe failed";
  private static final Pattern STATUS_CODE = Pattern.compile("statuscode: (\\d{3})");
  /** The container an event is about: "spec.containers{api}". */
  private static final Pattern CONTAINER_FIELD = Pattern.compile("spec\\.(?:init)?[cC]ontainers\\{([^}]+)}");

  /** What the probe's failure message says about the application. */
  private enum ProbeFailure {
    SERVER_ERROR("The application answers the probe but reports itself not ready: usually a dependency it checks "
        + "(a database, another service) is unavailable, or it is still loading.",
        "Its logs name what it waits for; the probe itself works. A readiness probe that checks a dependency shared "
            + "by all replicas takes them all out of the Service at once when that dependency fails."),
    CLIENT_ERROR("The application answers, but not on the probe's path: the probe asks for a path this version "
        + "does not serve, or one that needs authentication.",
        "Point the probe's httpGet path and port at the health endpoint this version serves."),
    REFUSED("Nothing listens on the probe's port: the probe names another port than the application's, the "
        + "application listens on 127.0.0.1 only, or it has not opened the port.",
        "Compare the probe's port with the port the application listens on (its logs at startup, or kubectl exec into "
            + "the container and run ss -ltn or netstat -ltn if the image has them); make it listen on 0.0.0.0."),
    SLOW("The application does not answer within the probe's timeoutSeconds (1s by default): it is overloaded, "
        + "blocked on something, or short of CPU.",
        "Check its logs and CPU use (kubectl top pod); raise the probe's timeoutSeconds if the check is slow by "
            + "nature, or give the container more CPU."),
    UNREACHABLE("The kubelet cannot reach the pod's IP at all: the pod network on the node (CNI) or the host's "
        + "firewall drops the probe.",
        "Check the network plugin's pods on the node and its host firewall rules: other pods on the same node are "
            + "likely affected too."),
    OTHER("", ""),
    NO_EVENT("No readiness probe failure is in view (events expire after an hour by default).",
        "A pod whose node went NotReady is marked not Ready by the node controller without any probe event.");

    private final String explanation;
    private final String remedy;

    ProbeFailure(String explanation, String remedy) {
      this.explanation = explanation;
      this.remedy = remedy;
    }

    static ProbeFailure of(Optional<Event> event) {
      if (event.isEmpty()) {
        return NO_EVENT;
      }
      String message = Objects.requireNonNullElse(event.get().getMessage(), "");
      Matcher status = STATUS_CODE.matcher(message);
      if (status.find()) {
        return status.group(1).startsWith("5") ? SERVER_ERROR : CLIENT_ERROR;
      }
      if (message.contains("connection refused")) {
        return REFUSED;
      }
      if (message.contains("i/o timeout") || message.contains("no route to host")) {
        return UNREACHABLE;
      }
      boolean slow = message.contains("Client.Timeout") || message.contains("context deadline exceeded")
          || message.contains("timed out");
      return slow ? SLOW : OTHER;
    }
  }

  public PodNotReady() {
    super(ID, Severity.WARNING,
        "Pod Running but not Ready longer than the threshold, with the failing readiness probe's message",
        Pod.class, Threshold.of(Duration.ofMinutes(5)), Kind.EVENT);
  }

  @Override
  protected List<Finding> check(Pod pod, ClusterView view, RuleContext context) {
    if (!PodConditions.inPhase(pod, PodConditions.RUNNING) || PodConditions.isBeingDeleted(pod) || CorednsNotReady.isDnsPod(pod)
        || PodConditions.hasWaitingContainer(pod)) {
      return List.of();
    }
    Optional<PodCondition> notReady = PodConditions.condition(pod, "Ready").filter(PodNotReady::isFalse)
        .or(() -> PodConditions.condition(pod, "ContainersReady").filter(PodNotReady::isFalse));
    Optional<Instant> since = notReady.flatMap(c -> Timestamps.parse(c.getLastTransitionTime()));
    if (since.isEmpty() || !PodConditions.lastedThreshold(since.get(), context)) {
      return List.of();
    }
    Optional<Event> probeFailure = latestReadinessFailure(pod, since.get(), view);
    ProbeFailure failure = ProbeFailure.of(probeFailure);
    List<String> gates = unreadyGates(pod);
    boolean onlyGates = unreadyContainers(pod).isEmpty() && !gates.isEmpty();
    return List.of(finding(pod)
        .message("Pod " + Keys.of(pod) + " has been Running but not Ready since " + since.get() + ", longer than "
            + Durations.format(context.threshold()) + ": " + what(pod, probeFailure, gates) + ".")
        .cause(cause(pod, failure, onlyGates))
        .remediation(onlyGates ? gatesRemediation(pod, gates) : remediation(pod, failure, gates))
        .build());
  }

  /** An Unhealthy event re-evaluates the pod it is about. */
  @Override
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    if (changed instanceof Event event && UNHEALTHY.equals(event.getReason())) {
      ObjectReference about = event.getInvolvedObject();
      if (about != null && "Pod".equals(about.getKind()) && about.getName() != null) {
        return List.of(Keys.of(about.getNamespace(), about.getName()));
      }
    }
    return List.of();
  }

  private static boolean isFalse(PodCondition condition) {
    return "False".equals(condition.getStatus());
  }


  /** Failures that ended before the pod turned unready belong to an earlier episode and explain nothing now. */
  private static Optional<Event> latestReadinessFailure(Pod pod, Instant notReadySince, ClusterView view) {
    List<Event> failures = view.warningEventsAbout(pod).stream()
        .filter(e -> UNHEALTHY.equals(e.getReason()) && e.getMessage() != null
            && e.getMessage().startsWith(READINESS_FAILED))
        .filter(e -> lastSeen(e).map(time -> !time.isBefore(notReadySince)).orElse(true))
        .toList();
    return failures.isEmpty() ? Optional.empty() : Optional.of(failures.get(failures.size() - 1));
  }

  /** The probe's words, else which containers or gates are not ready. */
  private static String what(Pod pod, Optional<Event> probeFailure, List<String> gates) {
    if (probeFailure.isPresent()) {
      String container = containerOf(probeFailure.get()).map(name -> "container " + name + ": ").orElse("");
      return container + probeFailure.get().getMessage().trim();
    }
    List<String> containers = unreadyContainers(pod).stream().map(ContainerStatus::getName).toList();
    if (!containers.isEmpty()) {
      return (containers.size() == 1 ? "container " : "containers ") + String.join(", ", containers) + " not ready";
    }
    return gates.isEmpty() ? "no container reports why" : "readiness gates not passed: " + String.join(", ", gates);
  }

  private static String cause(Pod pod, ProbeFailure failure, boolean onlyGates) {
    String why = onlyGates
        ? "Its containers are ready, but its readiness gates are not: the controller that sets those conditions "
            + "(often a load balancer controller registering the pod as a target) has not marked it ready."
        : failure.explanation;
    String states = unreadyContainers(pod).stream().map(PodNotReady::state).collect(Collectors.joining(" "));
    return (why + " " + states + " Services that select the pod send it no traffic: the endpoints controller lists "
        + "its IP under notReadyAddresses.").replaceAll("\\s+", " ").trim();
  }

  private static String remediation(Pod pod, ProbeFailure failure, List<String> gates) {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    String look = "kubectl describe pod -n " + namespace + " " + name + " shows the probe (Readiness:) and its events; "
        + "kubectl logs -n " + namespace + " " + name + " what the application says.";
    String gatesAdvice = gates.isEmpty() ? "" : " Check the controller that owns the readiness gates "
        + String.join(", ", gates) + ".";
    return (look + " " + failure.remedy + gatesAdvice).trim();
  }

  private static String gatesRemediation(Pod pod, List<String> gates) {
    return "kubectl get pod -n " + pod.getMetadata().getNamespace() + " " + pod.getMetadata().getName()
        + " -o yaml shows the gate conditions under status.conditions. Check the controller that sets "
        + String.join(", ", gates) + " (its logs, and for a load balancer the health of the pod as a target): the pod "
        + "receives traffic only once it marks the gate True.";
  }

  private static List<ContainerStatus> unreadyContainers(Pod pod) {
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    return statuses == null ? List.of()
        : statuses.stream().filter(s -> !Boolean.TRUE.equals(s.getReady())).toList();
  }

  /** "Container api runs (since ...) but is not ready." */
  private static String state(ContainerStatus status) {
    ContainerState state = status.getState();
    String name = "Container " + status.getName();
    if (state != null && state.getRunning() != null) {
      boolean started = !Boolean.FALSE.equals(status.getStarted());
      return name + (started ? " runs but is not ready." : " runs but has not passed its startup probe.");
    }
    if (state != null && state.getWaiting() != null) {
      return name + " is waiting (" + Objects.requireNonNullElse(state.getWaiting().getReason(), "no reason") + ").";
    }
    if (state != null && state.getTerminated() != null) {
      return name + " has terminated (" + Objects.requireNonNullElse(state.getTerminated().getReason(), "no reason")
          + ").";
    }
    return name + " has no reported state.";
  }

  private static List<String> unreadyGates(Pod pod) {
    List<PodReadinessGate> gates = pod.getSpec() == null ? null : pod.getSpec().getReadinessGates();
    return gates == null ? List.of() : gates.stream()
        .map(PodReadinessGate::getConditionType)
        .filter(Objects::nonNull)
        .filter(type -> PodConditions.condition(pod, type).filter(c -> "True".equals(c.getStatus())).isEmpty())
        .toList();
  }

  /** When the event last happened, in whichever field its recorder keeps it. */
  private static Optional<Instant> lastSeen(Event event) {
    Optional<String> series = Optional.ofNullable(event.getSeries()).map(s -> s.getLastObservedTime())
        .map(time -> time.getTime());
    Optional<String> single = Optional.ofNullable(event.getEventTime()).map(time -> time.getTime());
    return Optional.ofNullable(event.getLastTimestamp()).or(() -> series).or(() -> single)
        .flatMap(Timestamps::parse);
  }

  private static Optional<String> containerOf(Event event) {
    String field = event.getInvolvedObject() == null ? null : event.getInvolvedObject().getFieldPath();
    if (field == null) {
      return Optional.empty();
    }
    Matcher container = CONTAINER_FIELD.matcher(field);
    return container.find() ? Optional.of(container.group(1)) : Optional.empty();
  }

}
