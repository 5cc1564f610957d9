package io.clusterdoc.rules.workloads;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Durations;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A DaemonSet that does not run a ready pod everywhere it should. Two gaps: fewer ready pods than
 * desiredNumberScheduled (pods not Ready, or pods the controller cannot create), and, for the DaemonSets a node
 * cannot do without (kube-system, the network plugin, kube-proxy), nodes whose taints the pods do not tolerate:
 * those nodes are left out of desiredNumberScheduled, so the DaemonSet looks complete while the node has no pod
 * network or no Service routing.
 */
public final class DaemonSetIncomplete extends ObjectRule<DaemonSet> {
  public static final String ID = "daemonset-incomplete";

  private static final String KUBE_SYSTEM = "kube-system";
  private static final String KUBE_PROXY = "kube-proxy";
  /** Network plugin DaemonSets, by name (architecture suffix removed) or k8s-app label. */
  private static final Set<String> NETWORK_PLUGINS = Set.of("calico-node", "cilium", "kube-flannel-ds", "weave-net",
      "canal", "kube-router", "antrea-agent", "aws-node");
  private static final Pattern ARCHITECTURE_SUFFIX = Pattern.compile("-(amd64|arm64|arm|ppc64le|s390x)$");
  private static final int SHOWN = 3;
  private static final int QUOTED_MESSAGE = 300;

  /** What a DaemonSet does for its nodes: decides the severity and whether missing nodes are looked for. */
  private enum Role {
    NETWORK_PLUGIN(Severity.CRITICAL, "Without the network plugin, pods on such a node get no pod network (names do "
        + "not resolve, Services do not answer) and the kubelet reports NetworkPluginNotReady."),
    SERVICE_PROXY(Severity.CRITICAL, "Without kube-proxy, Service IPs, the cluster DNS included, do not work from "
        + "pods on such a node."),
    SYSTEM(Severity.CRITICAL, "Such a node runs without this kube-system add-on."),
    WORKLOAD(Severity.WARNING, "");

    private final Severity severity;
    private final String impact;

    Role(Severity severity, String impact) {
      this.severity = severity;
      this.impact = impact;
    }

    static Role of(DaemonSet daemonSet) {
      String name = ARCHITECTURE_SUFFIX.matcher(daemonSet.getMetadata().getName()).replaceFirst("");
      String app = Objects.requireNonNullElse(daemonSet.getMetadata().getLabels(), Map.<String, String>of())
          .getOrDefault("k8s-app", "");
      if (NETWORK_PLUGINS.contains(name) || NETWORK_PLUGINS.contains(app)) {
        return NETWORK_PLUGIN;
      }
      if (KUBE_PROXY.equals(name) || KUBE_PROXY.equals(app)) {
        return SERVICE_PROXY;
      }
      return KUBE_SYSTEM.equals(daemonSet.getMetadata().getNamespace()) ? SYSTEM : WORKLOAD;
    }

    boolean needsEveryNode() {
      return this != WORKLOAD;
    }
  }

  /** Fewer pods ready than desired, with the evidence that it lasts: pods long not Ready, or failed creations. */
  private record Shortfall(int ready, int desired, List<Pod> notReady, int missing, Optional<Event> failedCreate) {
  }

  /** A node the DaemonSet has no pod on because of taints its pods do not tolerate. */
  private record Untolerated(Node node, List<Taint> taints) {
  }

  public DaemonSetIncomplete() {
    super(ID, Severity.WARNING, "DaemonSet lacks ready pods, or a system DaemonSet does not tolerate some nodes' taints",
        DaemonSet.class, Threshold.of(Duration.ofMinutes(5)), Kind.NODE, Kind.POD, Kind.EVENT);
  }

  @Override
  protected List<Finding> check(DaemonSet daemonSet, ClusterView view, RuleContext context) {
    Role role = Role.of(daemonSet);
    Optional<Shortfall> shortfall = shortfall(daemonSet, view, context);
    List<Untolerated> untolerated = role.needsEveryNode() ? untolerated(daemonSet, role, view, context) : List.of();
    if (shortfall.isEmpty() && untolerated.isEmpty()) {
      return List.of();
    }
    return List.of(finding(daemonSet, role, shortfall, untolerated, context.threshold()));
  }

  /**
   * Pods map to their DaemonSet through ownerReferences and Events through their involved object; a Node change
   * can only open or close a gap for the DaemonSets that must cover every node.
   */
  @Override
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    if (changed instanceof Pod pod && pod.getMetadata().getOwnerReferences() != null) {
      return pod.getMetadata().getOwnerReferences().stream()
          .filter(ref -> "DaemonSet".equals(ref.getKind()))
          .map(ref -> Keys.of(pod.getMetadata().getNamespace(), ref.getName()))
          .toList();
    }
    if (changed instanceof Event event) {
      ObjectReference about = event.getInvolvedObject();
      return about != null && "DaemonSet".equals(about.getKind())
          ? List.of(Keys.of(about.getNamespace(), about.getName())) : List.of();
    }
    if (changed instanceof Node) {
      return view.all(DaemonSet.class).stream().filter(ds -> Role.of(ds).needsEveryNode()).map(Keys::of).toList();
    }
    return List.of();
  }

  // ---- fewer ready pods than desired

  private static Optional<Shortfall> shortfall(DaemonSet daemonSet, ClusterView view, RuleContext context) {
    DaemonSetStatus status = daemonSet.getStatus();
    if (status == null || statusBehindSpec(daemonSet)) {
      return Optional.empty();
    }
    int desired = orZero(status.getDesiredNumberScheduled());
    int ready = orZero(status.getNumberReady());
    if (ready >= desired) {
      return Optional.empty();
    }
    Collection<Pod> pods = view.podsOwnedBy(daemonSet.getMetadata().getUid());
    List<Pod> notReady = longNotReady(pods, context);
    int missing = Math.max(0, desired - orZero(status.getCurrentNumberScheduled()));
    Optional<Event> failedCreate = missing > 0 ? lastingCreateFailure(daemonSet, pods, view, context)
        : Optional.empty();
    if (notReady.isEmpty() && failedCreate.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Shortfall(ready, desired, notReady, failedCreate.isPresent() ? missing : 0, failedCreate));
  }

  /** Until the controller has seen the latest spec, its counts describe the previous one. */
  private static boolean statusBehindSpec(DaemonSet daemonSet) {
    Long generation = daemonSet.getMetadata().getGeneration();
    Long observed = daemonSet.getStatus().getObservedGeneration();
    return generation != null && observed != null && observed < generation;
  }

  /**
   * Pods not Ready for longer than the threshold. A rollout replaces pods one node at a time and each new pod is
   * briefly not Ready; pods being deleted are on their way out.
   */
  private static List<Pod> longNotReady(Collection<Pod> pods, RuleContext context) {
    Instant cutoff = context.now().minus(context.threshold());
    List<Pod> notReady = new ArrayList<>();
    for (Pod pod : pods) {
      if (!isRunningOrPending(pod) || pod.getMetadata().getDeletionTimestamp() != null || isReady(pod)) {
        continue;
      }
      Optional<Instant> since = notReadySince(pod);
      if (since.isPresent() && !since.get().isAfter(cutoff)) {
        notReady.add(pod);
      } else {
        since.ifPresent(t -> context.recheckAt(t.plus(context.threshold())));
      }
    }
    notReady.sort(Comparator.comparing(DaemonSetIncomplete::nodeName).thenComparing(p -> p.getMetadata().getName()));
    return notReady;
  }

  /**
   * Pods that do not exist carry no time, so a missing pod counts only with the controller's own word: a
   * FailedCreate Event newer than its latest progress (the DaemonSet, its newest pod or the newest node), and no
   * progress for the threshold. A pod deleted and not yet replaced is thus never taken for a lasting gap.
   */
  private static Optional<Event> lastingCreateFailure(DaemonSet daemonSet, Collection<Pod> pods, ClusterView view,
      RuleContext context) {
    List<Event> failures = view.warningEventsAbout(daemonSet).stream()
        .filter(e -> "FailedCreate".equals(e.getReason()))
        .toList();
    if (failures.isEmpty()) {
      return Optional.empty();
    }
    Event latest = failures.get(failures.size() - 1);
    Instant progress = lastProgress(daemonSet, pods, view);
    Optional<Instant> failedAt = eventTime(latest);
    if (failedAt.isEmpty() || failedAt.get().isBefore(progress)) {
      return Optional.empty();
    }
    Instant lasting = progress.plus(context.threshold());
    if (context.now().isBefore(lasting)) {
      context.recheckAt(lasting);
      return Optional.empty();
    }
    return Optional.of(latest);
  }

  private static Instant lastProgress(DaemonSet daemonSet, Collection<Pod> pods, ClusterView view) {
    Stream<HasMetadata> progressed = Stream.concat(Stream.concat(Stream.of(daemonSet), pods.stream()),
        view.all(Node.class).stream());
    return progressed
        .map(o -> instant(o.getMetadata().getCreationTimestamp()))
        .flatMap(Optional::stream)
        .max(Comparator.naturalOrder())
        .orElse(Instant.EPOCH);
  }

  // ---- nodes left out because of taints

  private static List<Untolerated> untolerated(DaemonSet daemonSet, Role role, ClusterView view,
      RuleContext context) {
    PodSpec template = daemonSet.getSpec() == null || daemonSet.getSpec().getTemplate() == null ? null
        : daemonSet.getSpec().getTemplate().getSpec();
    if (template == null) {
      return List.of();
    }
    Set<String> nodesWithPod = view.podsOwnedBy(daemonSet.getMetadata().getUid()).stream()
        .filter(DaemonSetIncomplete::isRunningOrPending)
        .map(DaemonSetIncomplete::nodeName)
        .collect(Collectors.toSet());
    return view.all(Node.class).stream()
        .filter(node -> !nodesWithPod.contains(node.getMetadata().getName()))
        .filter(node -> DaemonSetPlacement.selects(template, node))
        .map(node -> new Untolerated(node, settledTaints(template, node, role, context)))
        .filter(u -> !u.taints().isEmpty())
        .sorted(Comparator.comparing(u -> u.node().getMetadata().getName()))
        .toList();
  }

  /**
   * Untolerated taints older than the threshold: a joining node carries not-ready or cloud-provider taints for a
   * few seconds. Many add-ons stay off control-plane nodes on purpose; only networking must run there too.
   */
  private static List<Taint> settledTaints(PodSpec template, Node node, Role role, RuleContext context) {
    Instant cutoff = context.now().minus(context.threshold());
    List<Taint> settled = new ArrayList<>();
    for (Taint taint : DaemonSetPlacement.untoleratedTaints(template, node)) {
      if (role == Role.SYSTEM && DaemonSetPlacement.isControlPlaneTaint(taint)) {
        continue;
      }
      Optional<Instant> added = instant(taint.getTimeAdded()).or(() -> instant(node.getMetadata()
          .getCreationTimestamp()));
      if (added.isEmpty() || !added.get().isAfter(cutoff)) {
        settled.add(taint);
      } else {
        context.recheckAt(added.get().plus(context.threshold()));
      }
    }
    return settled;
  }

  // ---- the finding

  private Finding finding(DaemonSet daemonSet, Role role, Optional<Shortfall> shortfall, List<Untolerated> untolerated,
      Duration threshold) {
    String namespace = daemonSet.getMetadata().getNamespace();
    String name = daemonSet.getMetadata().getName();
    List<String> what = new ArrayList<>();
    List<String> why = new ArrayList<>();
    List<String> todo = new ArrayList<>();
    List<ObjectRef> related = new ArrayList<>();
    shortfall.ifPresent(s -> {
      what.add(shortfallSummary(s, threshold));
      if (!s.notReady().isEmpty()) {
        why.add("Not Ready: " + shown(s.notReady().stream().map(DaemonSetIncomplete::podState).toList()) + ".");
        todo.add("kubectl -n " + namespace + " describe pod " + s.notReady().get(0).getMetadata().getName()
            + " and kubectl -n " + namespace + " logs " + s.notReady().get(0).getMetadata().getName() + " --previous. "
            + "Pods on a NotReady node recover with it (see node-not-ready); pods Pending for CPU or memory get placed "
            + "if the DaemonSet has priorityClassName: system-node-critical, which lets the scheduler preempt others.");
        s.notReady().stream().map(ObjectRef::of).forEach(related::add);
      }
      s.failedCreate().ifPresent(event -> {
        why.add("The DaemonSet controller cannot create its pods: \"" + clip(event.getMessage()) + "\".");
        todo.add("kubectl -n " + namespace + " describe daemonset " + name + " shows the FailedCreate events: fix "
            + "what refuses the pods (a ResourceQuota; a PodSecurity level too strict for a node agent, which needs "
            + "pod-security.kubernetes.io/enforce=privileged on its namespace; an admission webhook).");
      });
    });
    if (!untolerated.isEmpty()) {
      what.add(untoleratedSummary(untolerated));
      why.add("Daemon pods go only to nodes whose NoSchedule and NoExecute taints they tolerate (the controller adds "
          + "tolerations only for not-ready, unreachable, unschedulable and pressure taints), and other nodes are "
          + "left out of desiredNumberScheduled, so kubectl get daemonset shows no gap. " + role.impact);
      todo.add("Add tolerations to the pod template (kubectl -n " + namespace + " edit daemonset " + name + "): "
          + "`- operator: Exists` with `effect: NoSchedule`, and again with `effect: NoExecute`, tolerates every "
          + "taint, as node agents need; or tolerate only the keys " + taintKeys(untolerated) + ". If a Helm chart "
          + "or an operator manages the DaemonSet, change it there, or the edit is reverted.");
      untolerated.stream().map(u -> ObjectRef.of(u.node())).forEach(related::add);
    }
    return finding(daemonSet, role.severity)
        .message("DaemonSet " + namespace + "/" + name + " " + String.join("; it ", what) + ".")
        .cause(String.join(" ", why))
        .remediation(String.join(" ", todo))
        .related(related)
        .build();
  }

  private static String shortfallSummary(Shortfall s, Duration threshold) {
    List<String> details = new ArrayList<>();
    if (!s.notReady().isEmpty()) {
      details.add(s.notReady().size() + " not Ready for more than " + Durations.format(threshold) + " on "
          + shown(s.notReady().stream().map(DaemonSetIncomplete::nodeName).distinct().toList()));
    }
    if (s.missing() > 0) {
      details.add(s.missing() + " cannot be created");
    }
    return "has " + s.ready() + " of " + s.desired() + " pods ready (" + String.join(", ", details) + ")";
  }

  private static String untoleratedSummary(List<Untolerated> untolerated) {
    String nodes = shown(untolerated.stream()
        .map(u -> u.node().getMetadata().getName() + " (" + u.taints().stream().map(DaemonSetPlacement::display)
            .collect(Collectors.joining(", ")) + ")")
        .toList());
    return "has no pod on " + (untolerated.size() == 1 ? "node " : "nodes ") + nodes
        + ", whose taints it does not tolerate";
  }

  private static String taintKeys(List<Untolerated> untolerated) {
    return untolerated.stream().flatMap(u -> u.taints().stream()).map(Taint::getKey).distinct()
        .collect(Collectors.joining(", "));
  }

  /** "pod on node (state since time)", in the words kubectl shows. */
  private static String podState(Pod pod) {
    return pod.getMetadata().getName() + " on " + nodeName(pod) + " (" + state(pod)
        + notReadySince(pod).map(t -> " since " + t).orElse("") + ")";
  }

  private static String state(Pod pod) {
    Optional<PodCondition> unscheduled = condition(pod, "PodScheduled").filter(c -> "False".equals(c.getStatus()));
    if (unscheduled.isPresent()) {
      return "Pending: " + Objects.requireNonNullElse(unscheduled.get().getMessage(), "not scheduled");
    }
    List<ContainerStatus> containers = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    Optional<String> waiting = containers == null ? Optional.empty() : containers.stream()
        .filter(c -> c.getState() != null && c.getState().getWaiting() != null)
        .map(c -> c.getState().getWaiting().getReason())
        .filter(Objects::nonNull)
        .findFirst();
    String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending" : pod.getStatus()
        .getPhase();
    return waiting.orElse(phase + ", not Ready");
  }

  private static Optional<Instant> notReadySince(Pod pod) {
    return condition(pod, "Ready").flatMap(c -> instant(c.getLastTransitionTime()))
        .or(() -> instant(pod.getMetadata().getCreationTimestamp()));
  }

  private static boolean isReady(Pod pod) {
    return condition(pod, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private static Optional<PodCondition> condition(Pod pod, String type) {
    List<PodCondition> conditions = pod.getStatus() == null ? null : pod.getStatus().getConditions();
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Failed daemon pods are deleted and replaced by the controller; they are no gap of their own. */
  private static boolean isRunningOrPending(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  private static String nodeName(Pod pod) {
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    return node == null ? "no node" : node;
  }

  /** The time an Event last happened, whichever field its producer filled in. */
  private static Optional<Instant> eventTime(Event event) {
    if (event.getLastTimestamp() != null) {
      return instant(event.getLastTimestamp());
    }
    if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
      return instant(event.getEventTime().getTime());
    }
    return instant(event.getMetadata().getCreationTimestamp());
  }

  private static Optional<Instant> instant(String timestamp) {
    if (timestamp == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(timestamp));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String clip(String text) {
    String trimmed = Objects.requireNonNullElse(text, "").trim();
    return trimmed.length() <= QUOTED_MESSAGE ? trimmed : trimmed.substring(0, QUOTED_MESSAGE) + "…";
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  private static String shown(List<String> items) {
    String listed = String.join(", ", items.subList(0, Math.min(SHOWN, items.size())));
    return items.size() > SHOWN ? listed + " and " + (items.size() - SHOWN) + " more" : listed;
  }
}
