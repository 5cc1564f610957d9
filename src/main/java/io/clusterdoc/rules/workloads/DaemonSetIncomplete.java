package io.clusterdoc.rules.workloads;

import io.clusterdoc.rules.Timestamps;
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
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
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
  private static final String SYSTEM_NODE_CRITICAL = "system-node-critical";

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
    super(ID, Severity.WARNING,
        "DaemonSet lacks ready pods, or a system DaemonSet does not tolerate some nodes' taints", DaemonSet.class,
        Threshold.of(Duration.ofMinutes(5)), Kind.NODE, Kind.POD, Kind.EVENT);
  }

  @Override
  protected List<Finding> check(DaemonSet daemonSet, ClusterView view, RuleContext context) {
    Role role = Role.of(daemonSet);
    Optional<Shortfall> shortfall = shortfall(daemonSet, view, context);
    List<Untolerated> untolerated = role.needsEveryNode() ? untolerated(daemonSet, role, view, context) : List.of();
    if (shortfall.isEmpty() && untolerated.isEmpty()) {
      return List.of();
    }
    return List.of(finding(daemonSet, role, shortfall, untolerated, view, context.threshold()));
  }

  /**
   * Pods map to their DaemonSet through ownerReferences and Events through their involved object. Only a node with
   * a NoSchedule or NoExecute taint, before or after the change, can open or close a gap, and only for the
   * DaemonSets that must cover every node.
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
    if (changed instanceof Node node && DaemonSetPlacement.hasBlockingTaint(node)) {
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
      if (!DaemonSetPods.isUnfinished(pod) || pod.getMetadata().getDeletionTimestamp() != null
          || DaemonSetPods.isReady(pod)) {
        continue;
      }
      Optional<Instant> since = DaemonSetPods.notReadySince(pod);
      if (since.isPresent() && !since.get().isAfter(cutoff)) {
        notReady.add(pod);
      } else {
        since.ifPresent(t -> context.recheckAt(t.plus(context.threshold())));
      }
    }
    notReady.sort(Comparator.comparing(DaemonSetPods::nodeName).thenComparing(p -> p.getMetadata().getName()));
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
        .map(o -> Timestamps.parse(o.getMetadata().getCreationTimestamp()))
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
        .filter(DaemonSetPods::isUnfinished)
        .map(DaemonSetPods::nodeName)
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
      Optional<Instant> added = Timestamps.parse(taint.getTimeAdded())
          .or(() -> Timestamps.parse(node.getMetadata().getCreationTimestamp()));
      if (added.isEmpty() || !added.get().isAfter(cutoff)) {
        settled.add(taint);
      } else {
        context.recheckAt(added.get().plus(context.threshold()));
      }
    }
    return settled;
  }

  // ---- the finding

  /** What one gap adds to the finding. */
  private record Part(String what, String why, String todo, List<ObjectRef> related) {
  }

  private Finding finding(DaemonSet daemonSet, Role role, Optional<Shortfall> shortfall, List<Untolerated> untolerated,
      ClusterView view, Duration threshold) {
    List<Part> parts = new ArrayList<>();
    shortfall.ifPresent(s -> parts.add(shortfallPart(daemonSet, s, view, threshold)));
    if (!untolerated.isEmpty()) {
      parts.add(untoleratedPart(daemonSet, role, untolerated));
    }
    return finding(daemonSet, role.severity)
        .message("DaemonSet " + Keys.of(daemonSet) + " " + joined(parts, Part::what, "; it ") + ".")
        .cause(joined(parts, Part::why, " "))
        .remediation(joined(parts, Part::todo, " "))
        .related(parts.stream().flatMap(p -> p.related().stream()).toList())
        .build();
  }

  private static Part shortfallPart(DaemonSet daemonSet, Shortfall shortfall, ClusterView view, Duration threshold) {
    String namespace = daemonSet.getMetadata().getNamespace();
    List<String> counts = new ArrayList<>();
    List<String> why = new ArrayList<>();
    List<String> todo = new ArrayList<>();
    List<Pod> notReady = shortfall.notReady();
    if (!notReady.isEmpty()) {
      counts.add(notReady.size() + " not Ready for more than " + Durations.format(threshold) + " on "
          + shown(notReady.stream().map(DaemonSetPods::nodeName).distinct().toList()));
      why.add("Not Ready: " + shown(notReady.stream().map(DaemonSetIncomplete::podState).toList()) + ".");
      todo.add(notReadyRemedy(daemonSet, notReady, view));
    }
    shortfall.failedCreate().ifPresent(event -> {
      counts.add(shortfall.missing() + " cannot be created");
      why.add("The DaemonSet controller cannot create its pods: \"" + clip(event.getMessage()) + "\".");
      todo.add("kubectl -n " + namespace + " describe daemonset " + daemonSet.getMetadata().getName() + " shows "
          + "the FailedCreate events: fix what refuses the pods (a ResourceQuota; a PodSecurity level too strict for "
          + "a node agent, which needs pod-security.kubernetes.io/enforce=privileged on its namespace; an admission "
          + "webhook).");
    });
    return new Part("has " + shortfall.ready() + " of " + shortfall.desired() + " pods ready ("
        + String.join(", ", counts) + ")", String.join(" ", why), String.join(" ", todo),
        notReady.stream().map(ObjectRef::of).toList());
  }

  /** What to read first, and the two causes the objects can show: a node that is down, no room on the node. */
  private static String notReadyRemedy(DaemonSet daemonSet, List<Pod> notReady, ClusterView view) {
    String namespace = daemonSet.getMetadata().getNamespace();
    String first = notReady.get(0).getMetadata().getName();
    StringBuilder todo = new StringBuilder("kubectl -n " + namespace + " describe pod " + first + " (events, probe "
        + "failures) and kubectl -n " + namespace + " logs " + first + " (--previous after a restart).");
    List<String> downNodes = notReady.stream().filter(pod -> DaemonSetPods.onNotReadyNode(pod, view))
        .map(DaemonSetPods::nodeName).distinct().toList();
    if (!downNodes.isEmpty()) {
      todo.append(" Pods on NotReady nodes (").append(shown(downNodes))
          .append(") recover with the node: see node-not-ready.");
    }
    if (notReady.stream().anyMatch(DaemonSetPods::isUnscheduled) && !SYSTEM_NODE_CRITICAL.equals(priorityClass(
        daemonSet))) {
      todo.append(" Pods Pending for lack of CPU or memory get placed once the DaemonSet has priorityClassName: ")
          .append(SYSTEM_NODE_CRITICAL).append(", which lets the scheduler preempt other pods.");
    }
    return todo.toString();
  }

  private static Part untoleratedPart(DaemonSet daemonSet, Role role, List<Untolerated> untolerated) {
    String nodes = shown(untolerated.stream()
        .map(u -> u.node().getMetadata().getName() + " (" + u.taints().stream().map(DaemonSetPlacement::display)
            .collect(Collectors.joining(", ")) + ")")
        .toList());
    String keys = untolerated.stream().flatMap(u -> u.taints().stream()).map(Taint::getKey).distinct()
        .collect(Collectors.joining(", "));
    return new Part(
        "has no pod on " + (untolerated.size() == 1 ? "node " : "nodes ") + nodes + ", whose taints it does not "
            + "tolerate",
        "Daemon pods go only to nodes whose NoSchedule and NoExecute taints they tolerate (the controller adds "
            + "tolerations only for not-ready, unreachable, unschedulable and pressure taints), and other nodes are "
            + "left out of desiredNumberScheduled, so kubectl get daemonset shows no gap. " + role.impact,
        "Add tolerations to the pod template (kubectl -n " + daemonSet.getMetadata().getNamespace()
            + " edit daemonset " + daemonSet.getMetadata().getName() + "): `- operator: Exists` with `effect: "
            + "NoSchedule`, and again with `effect: NoExecute`, tolerates every taint, as node agents need; or "
            + "tolerate only the keys " + keys + ". If a Helm chart or an operator manages the DaemonSet, change it "
            + "there, or the edit is reverted.",
        untolerated.stream().map(u -> ObjectRef.of(u.node())).toList());
  }

  /** "pod on node (state since time)". */
  private static String podState(Pod pod) {
    return pod.getMetadata().getName() + " on " + DaemonSetPods.nodeName(pod) + " (" + DaemonSetPods.state(pod)
        + DaemonSetPods.notReadySince(pod).map(t -> " since " + t).orElse("") + ")";
  }

  private static String priorityClass(DaemonSet daemonSet) {
    return daemonSet.getSpec() == null || daemonSet.getSpec().getTemplate() == null
        || daemonSet.getSpec().getTemplate().getSpec() == null ? null
        : daemonSet.getSpec().getTemplate().getSpec().getPriorityClassName();
  }

  /** The time an Event last happened, whichever field its producer filled in. */
  private static Optional<Instant> eventTime(Event event) {
    if (event.getLastTimestamp() != null) {
      return Timestamps.parse(event.getLastTimestamp());
    }
    if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
      return Timestamps.parse(event.getEventTime().getTime());
    }
    return Timestamps.parse(event.getMetadata().getCreationTimestamp());
  }

  private static String joined(List<Part> parts, Function<Part, String> text, String separator) {
    return parts.stream().map(text).filter(t -> !t.isEmpty()).collect(Collectors.joining(separator));
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
