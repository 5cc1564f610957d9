package io.clusterdoc.rules.pods;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.AbstractRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Pods the kubelet evicted (phase Failed, reason Evicted). They are grouped by owner: a ReplicaSet whose pods keep
 * being evicted leaves hundreds of Failed pods behind that share one cause and one fix, so it gets one finding.
 */
public final class PodEvicted extends AbstractRule {
  public static final String ID = "pod-evicted";

  private static final String OWNER_SUBJECT = "owner:";
  private static final String POD_SUBJECT = "pod:";
  private static final int SHOWN_MESSAGES = 3;
  private static final int SHOWN_NODES = 5;

  /** What ran out, read from the kubelet's eviction message. */
  private enum Cause {
    EMPTY_DIR_LIMIT("emptyDir volume over its sizeLimit",
        "An emptyDir volume grew past its sizeLimit.",
        "Raise the volume's sizeLimit or have the app clean it; data that keeps growing belongs on a "
            + "PersistentVolume."),
    STORAGE_LIMIT("ephemeral-storage limit exceeded",
        "A container, or the pod as a whole, wrote more to its writable layer, logs and emptyDir volumes than its "
            + "ephemeral-storage limit.",
        "Raise the ephemeral-storage limit to the real need, or write less locally: logs to stdout, data to a "
            + "PersistentVolume."),
    NODE_MEMORY("node low on memory",
        "The node ran short of memory; the kubelet evicts first the pods using the most memory above their requests.",
        "Set memory requests to the real use (pods above their requests go first) and relieve the node (see "
            + "node-pressure)."),
    NODE_DISK("node low on ephemeral storage",
        "The node's disk or inodes fell below the kubelet's eviction threshold (by default under 10% free on nodefs "
            + "or 15% on imagefs); pods using the most ephemeral storage above their requests go first.",
        "Free disk on the node (unused images, logs; see node-pressure) and give the containers ephemeral-storage "
            + "requests and limits."),
    OTHER("other reason",
        "",
        "kubectl describe pod shows the kubelet's full message.");

    private final String label;
    private final String explanation;
    private final String remediation;

    Cause(String label, String explanation, String remediation) {
      this.label = label;
      this.explanation = explanation;
      this.remediation = remediation;
    }

    /** Matches the kubelet's message formats; the limit checks first, their messages name no node resource. */
    static Cause of(String message) {
      if (message.contains("Usage of EmptyDir volume")) {
        return EMPTY_DIR_LIMIT;
      }
      if (message.contains("ephemeral local storage") || message.contains("local ephemeral storage")) {
        return STORAGE_LIMIT;
      }
      if (message.contains("low on resource: memory") || message.contains("[MemoryPressure]")) {
        return NODE_MEMORY;
      }
      boolean disk = message.contains("low on resource: ephemeral-storage")
          || message.contains("low on resource: inodes") || message.contains("[DiskPressure]");
      return disk ? NODE_DISK : OTHER;
    }
  }

  public PodEvicted() {
    super(ID, Severity.WARNING,
        "Pods evicted by the kubelet (node memory or disk pressure, ephemeral-storage limits), grouped by owner", null,
        Kind.POD);
  }

  // The engine passes the pod as it was and as it is: one of them is evicted whenever the group can change.
  @Override
  public Collection<String> subjectsAffectedBy(HasMetadata changed, ClusterView view) {
    return changed instanceof Pod pod && isEvicted(pod) ? List.of(subjectOf(pod)) : List.of();
  }

  @Override
  public Collection<String> allSubjects(ClusterView view) {
    return view.all(Pod.class).stream().filter(PodEvicted::isEvicted).map(PodEvicted::subjectOf).distinct().toList();
  }

  @Override
  public List<Finding> check(String subject, ClusterView view, RuleContext context) {
    List<Pod> evicted = candidates(subject, view).stream()
        .filter(PodEvicted::isEvicted)
        .filter(pod -> subject.equals(subjectOf(pod)))
        .sorted(Comparator.comparing(pod -> pod.getMetadata().getName()))
        .toList();
    return evicted.isEmpty() ? List.of() : List.of(finding(evicted));
  }

  private static boolean isEvicted(Pod pod) {
    return pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase())
        && "Evicted".equals(pod.getStatus().getReason());
  }

  /** The owner's uid for owned pods (its controller first), the pod's own key otherwise. */
  private static String subjectOf(Pod pod) {
    return owner(pod)
        .map(ref -> OWNER_SUBJECT + pod.getMetadata().getNamespace() + "/" + ref.getUid())
        .orElse(POD_SUBJECT + Keys.of(pod));
  }

  private static Optional<OwnerReference> owner(Pod pod) {
    List<OwnerReference> refs = pod.getMetadata().getOwnerReferences();
    return refs == null ? Optional.empty() : refs.stream()
        .filter(ref -> ref.getUid() != null)
        .min(Comparator.comparing(ref -> !Boolean.TRUE.equals(ref.getController())));
  }

  private static Collection<Pod> candidates(String subject, ClusterView view) {
    if (subject.startsWith(OWNER_SUBJECT)) {
      return view.podsOwnedBy(subject.substring(subject.lastIndexOf('/') + 1));
    }
    String key = subject.substring(POD_SUBJECT.length());
    return view.get(Pod.class, key).map(List::of).orElse(List.of());
  }

  private Finding finding(List<Pod> evicted) {
    Pod first = evicted.get(0);
    String namespace = first.getMetadata().getNamespace();
    Optional<OwnerReference> owner = owner(first);
    ObjectRef object = owner.map(ref -> ObjectRef.owner(ref, namespace)).orElse(ObjectRef.of(first));
    Map<Cause, Long> causes = evicted.stream().collect(Collectors.groupingBy(pod -> Cause.of(evictionMessage(pod)),
        () -> new EnumMap<>(Cause.class), Collectors.counting()));
    String what = owner.isPresent()
        ? object.kind() + " " + namespace + "/" + object.name() + " has " + PodText.count(evicted.size(), "evicted pod")
        : "Pod " + namespace + "/" + object.name() + " was evicted";
    return finding(object)
        .message(what + " (" + summary(causes) + ")" + onNodes(evicted) + ".")
        .cause(cause(causes, evicted))
        .remediation(remediation(causes, namespace, owner.isPresent()))
        .related(evicted.stream().map(ObjectRef::of).toList())
        .build();
  }

  private static String evictionMessage(Pod pod) {
    return Objects.requireNonNullElse(pod.getStatus().getMessage(), "").trim();
  }

  private static String summary(Map<Cause, Long> causes) {
    if (causes.size() == 1) {
      return causes.keySet().iterator().next().label;
    }
    return causes.entrySet().stream().map(e -> e.getKey().label + ": " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static String onNodes(List<Pod> evicted) {
    List<String> nodes = evicted.stream()
        .map(pod -> pod.getSpec() == null ? null : pod.getSpec().getNodeName())
        .filter(Objects::nonNull).distinct().sorted().toList();
    if (nodes.isEmpty()) {
      return "";
    }
    return (nodes.size() == 1 ? " on node " : " on nodes ") + PodText.shown(nodes, SHOWN_NODES, ", ");
  }

  // Explanations first: when the text is clipped, what goes is the tail of the quoted messages.
  private static String cause(Map<Cause, Long> causes, List<Pod> evicted) {
    String explanations = causes.keySet().stream().map(c -> c.explanation).filter(text -> !text.isEmpty())
        .collect(Collectors.joining(" "));
    List<String> messages = evicted.stream().map(PodEvicted::evictionMessage).filter(m -> !m.isEmpty())
        .distinct().map(m -> "\"" + m + "\"").toList();
    String quoted = messages.isEmpty() ? "The pods carry no eviction message."
        : "The kubelet said: " + PodText.shown(messages, SHOWN_MESSAGES, "; ") + ".";
    return explanations.isEmpty() ? quoted : explanations + " " + quoted;
  }

  private static String remediation(Map<Cause, Long> causes, String namespace, boolean owned) {
    String fixes = causes.keySet().stream().map(c -> c.remediation).collect(Collectors.joining(" "));
    String kept = owned
        ? "Evicted pods stay as Failed objects for inspection (kubectl describe pod); their controller creates "
            + "replacements (a Job only within its backoffLimit) and kube-controller-manager deletes them only beyond "
            + "--terminated-pod-gc-threshold (12500)."
        : "Nothing recreates a pod without owner: create it again, better under a Deployment or Job.";
    return fixes + " " + kept + " To delete only evicted pods: kubectl get pods -n " + namespace
        + " -o json | jq -r '.items[] | select(.status.reason==\"Evicted\") | .metadata.name' | xargs -r kubectl "
        + "delete pod -n " + namespace + ". Avoid `kubectl get pods --all-namespaces | grep Evicted | ... | xargs "
        + "kubectl delete pod`: the STATUS column is not status.reason (evicted pods may show Error or "
        + "ContainerStatusUnknown), and its variants also delete Pending, Completed or ImagePullBackOff pods.";
  }
}
