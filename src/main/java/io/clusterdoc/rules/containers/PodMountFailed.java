package io.clusterdoc.rules.containers;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.rules.containers.KnownError.Explained;
import io.clusterdoc.rules.containers.KnownError.Match;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Volumes that cannot be attached or mounted. While the pod is set up, the kubelet and the attach/detach controller
 * report in FailedMount and FailedAttachVolume Events and the pod only shows ContainerCreating; a subPath mount fails
 * later, when its container is created or started, and shows in the container's state.
 */
public final class PodMountFailed extends ObjectRule<Pod> {
  public static final String ID = "pod-mount-failed";

  private static final Set<String> REASONS = Set.of("FailedMount", "FailedAttachVolume", "FailedMapVolume");
  private static final Pattern VOLUME = Pattern.compile("for volume \"([^\"]+)\"");
  private static final Pattern SUBPATH_SOURCE = Pattern.compile("volume-subpaths/([^/\\s\"\\\\]+)/[^/\\s]+/(\\d+)");

  /** Most specific first: the summary "Unable to attach or mount volumes" comes with the Event that explains it. */
  private static final List<KnownError> SETUP_ERRORS = List.of(
      new KnownError("Multi-Attach error for volume \"([^\"]+)\"",
          "volume {1} is attached to another node (Multi-Attach)",
          "A ReadWriteOnce volume is attached to one node at a time (pods on that one node may share it; "
              + "ReadWriteOncePod allows a single pod), and the pods named in the Event still hold {1} on another "
              + "node. A Deployment with a ReadWriteOnce claim hits this in every rolling update whose new pod lands "
              + "on another node.",
          "kubectl get pods -n {namespace} -o wide shows where the holder runs. For a rollout, use strategy: "
              + "Recreate (with downtime) or a StatefulSet, or a ReadWriteMany volume. If the holder's node is down, "
              + "the volume moves only once that pod is deleted: kubectl delete pod --force only when the node is "
              + "really off (otherwise two nodes write to one file system), or taint a shut-down node with "
              + "node.kubernetes.io/out-of-service. kubectl get volumeattachment | grep {1} shows the attachment."),
      new KnownError("(configmap|secret) \"([^\"]+)\" not found",
          "{1} {2} of volume {volume} not found",
          "Volume {volume} takes its files from {1} {namespace}/{2}, which does not exist.",
          "Create {1} {2} in namespace {namespace}, or correct the name in the pod template's volumes; optional: true "
              + "lets the pod start without it. The kubelet retries the mount by itself."),
      new KnownError("references non-existent (?:config|secret) key: (\\S+)",
          "key {1} missing for volume {volume}",
          "Volume {volume} lists key {1} under items, and the ConfigMap or Secret it names has no such key.",
          "Add key {1} to the ConfigMap or Secret of volume {volume}, or correct items[].key in the pod template "
              + "(keys are case-sensitive)."),
      new KnownError("failed to sync (configmap|secret) cache",
          "{1} of volume {volume} not delivered in time",
          "The kubelet on node {node} did not get the {1} of volume {volume} from the API server in time: the API "
              + "server is slow or unreachable from the node, or the kubelet is throttled while many pods start at "
              + "once. The kubelet retries about every two minutes.",
          "Wait for the next retry. If it persists, check the kubelet and its connection to the API server on node "
              + "{node} (journalctl -u kubelet | grep -i cache; kubectl get --raw='/readyz?verbose'), then delete the "
              + "pod so that its controller creates a new one, as the notes do; a pod without a controller is gone "
              + "for good."),
      new KnownError("driver name (\\S+) not found in the list of registered CSI drivers",
          "CSI driver {1} not registered on node {node}",
          "The node plugin of CSI driver {1} (a DaemonSet pod) does not run on node {node}, so the kubelet cannot "
              + "mount the volume there.",
          "kubectl get csinode {node} -o yaml lists the drivers registered on the node; check the driver's "
              + "DaemonSet, its tolerations and node selector, and its pod on {node}."),
      new KnownError("bad option; for several filesystems|you might need a /sbin/mount",
          "file system client missing on node {node}",
          "Node {node} has no mount helper for the volume's file system: NFS and SMB need a client installed on "
              + "every node; the kubelet mounts them directly, without an attach step.",
          "Install the client on every node that may run the pod: nfs-utils (RHEL family) or nfs-common (Debian, "
              + "Ubuntu) for NFS, cifs-utils for SMB."),
      new KnownError("AttachVolume\\.Attach failed for volume \"([^\"]+)\"",
          "volume {1} cannot be attached to node {node}",
          "The storage back end did not attach {1} to node {node}; its error follows. Usual causes: a disk in "
              + "another zone than the node, the node's limit of attached disks, a detach from an old node still "
              + "running.",
          "kubectl get volumeattachment | grep {1}, kubectl describe pvc -n {namespace}, and the logs of the CSI "
              + "driver's controller (its csi-attacher container)."),
      new KnownError("mount failed: exit status \\d+|MountVolume\\.(?:SetUp|MountDevice) failed",
          "mount of volume {volume} failed on node {node}",
          "The node could not mount volume {volume}; the error that follows says why (for a network file system: "
              + "server unreachable, export not allowed for this node, wrong path).",
          "Try the same mount by hand on node {node} (for NFS: showmount -e SERVER, then mount -t nfs), and check the "
              + "server's export rules and firewall."),
      new KnownError("unmounted volumes=\\[([^\\]]*)\\]",
          "volumes [{1}] not mounted in time",
          "The kubelet waited for volumes [{1}] to be attached and mounted, gave up for now and keeps retrying. This "
              + "Event is a summary: the reason is in the claim, the storage driver or the VolumeAttachment.",
          "kubectl describe pvc -n {namespace} for each claim of the pod (a claim still Pending has no volume yet), "
              + "kubectl get volumeattachment, and the logs of the storage driver's pod on node {node}."));
  private static final Explained SETUP_UNKNOWN = new Explained("volume {volume} cannot be set up",
      "The kubelet could not attach or mount volume {volume}.",
      "The Event that follows says why; kubectl describe pvc -n {namespace} covers claims.");
  private static final List<KnownError> INTO_CONTAINER_ERRORS = List.of(
      new KnownError("failed to prepare subPath for volumeMount \"([^\"]+)\"",
          "subPath of volume mount {1} cannot be prepared",
          "The kubelet could not prepare the subPath of volume mount {1}: the path leaves the volume (through .. or "
              + "a symbolic link), or cannot be created in it.",
          "Check subPath against the volume's content: a relative path inside the volume, without .. and without "
              + "symbolic links that lead out of it."),
      new KnownError("mount a directory onto a file|not a directory",
          "file and directory mixed up in the mount of {mount}",
          "The runtime cannot bind-mount {mount}: one is a file, the other a directory. With subPath, typically "
              + "one file of a ConfigMap or Secret over a directory of the image.",
          "Make mountPath the file's full path ({fileMountPath}) rather than the directory that holds it; for a "
              + "hostPath volume, set type: File or Directory so that the kubelet "
              + "checks the host path first. A file mounted with subPath never receives updates of its ConfigMap: "
              + "to get them, mount the ConfigMap in a directory of its own and point the application, or a "
              + "symbolic link, at it."));
  private static final Explained INTO_CONTAINER_UNKNOWN = new Explained("volume mount failed",
      "The runtime could not mount a volume into the container.",
      "Compare the container's volumeMounts with the volumes and the image.");

  /** One volume problem: what it is and the words that show it. */
  private record Problem(Explained explained, String evidence) {
  }

  public PodMountFailed() {
    super(ID, Severity.WARNING,
        "Volumes that cannot be attached or mounted: missing ConfigMap or Secret, Multi-Attach, timeouts, subPath",
        Pod.class, Kind.EVENT);
  }

  @Override
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    return PodSetupEvents.podKeyOf(changed, REASONS);
  }

  @Override
  protected List<Finding> check(Pod pod, ClusterView view, RuleContext context) {
    List<Problem> problems = new ArrayList<>();
    if (PodSetupEvents.stillSettingUp(pod)) {
      setupProblem(pod, PodSetupEvents.about(pod, view, REASONS)).ifPresent(problems::add);
    }
    FailedStart.of(pod).stream().filter(FailedStart::isVolumeMount).map(f -> intoContainer(pod, f))
        .forEach(problems::add);
    if (problems.isEmpty()) {
      return List.of();
    }
    Set<String> remedies = new LinkedHashSet<>();
    problems.forEach(p -> remedies.add(p.explained().remedy()));
    return List.of(finding(pod)
        .message(ContainerRuleText.pod(pod) + ContainerRuleText.onNode(pod) + " cannot mount its volumes: "
            + problems.stream().map(p -> p.explained().label()).collect(Collectors.joining("; ")) + ".")
        .cause(problems.stream().map(p -> p.explained().explanation() + " " + p.evidence())
            .collect(Collectors.joining(" ")))
        .remediation(String.join(" ", remedies) + " " + ContainerRuleText.describe(pod) + " shows the pod's Events.")
        .build());
  }

  /** The most specific problem the Events tell, in the words of the newest Event that tells it. */
  private static Optional<Problem> setupProblem(Pod pod, List<Event> events) {
    if (events.isEmpty()) {
      return Optional.empty();
    }
    record Told(Event event, Optional<Match> match) {
      int rank() {
        return match.map(m -> SETUP_ERRORS.indexOf(m.error())).orElse(SETUP_ERRORS.size());
      }
    }
    List<Event> newestFirst = new ArrayList<>(events);
    Collections.reverse(newestFirst);
    Told told = newestFirst.stream()
        .map(event -> new Told(event, KnownError.first(SETUP_ERRORS, event.getMessage())))
        .reduce(BinaryOperator.minBy(Comparator.comparingInt(Told::rank)))
        .orElseThrow();
    String message = told.event().getMessage();
    Map<String, String> values = values(pod);
    values.put("volume", group(VOLUME, message, 1).orElse("of the pod"));
    Explained explained = told.match().map(m -> m.explained(values)).orElseGet(() -> SETUP_UNKNOWN.filled(values));
    return Optional.of(new Problem(explained, told.event().getReason() + " event (since "
        + PodSetupEvents.firstSeen(List.of(told.event())) + "): " + ContainerRuleText.quotedSentence(message)));
  }

  private static Problem intoContainer(Pod pod, FailedStart failure) {
    Map<String, String> values = values(pod);
    values.putAll(mountValues(failure));
    Explained explained = KnownError.first(INTO_CONTAINER_ERRORS, failure.error())
        .map(m -> m.explained(values))
        .orElseGet(() -> INTO_CONTAINER_UNKNOWN.filled(values));
    return new Problem(explained, ContainerRuleText.capitalized(failure.container().display()) + " "
        + failure.state() + "; the runtime said: " + ContainerRuleText.quotedSentence(failure.shortError()));
  }

  /**
   * The mount the runtime could not bind, as "mount" ("volume config (subPath nginx.conf) at /etc/nginx/conf.d") and,
   * when it is known, the mountPath that names the file as "fileMountPath". The runtime names a subPath's source
   * .../volume-subpaths/VOLUME/CONTAINER/INDEX, INDEX being the mount's position in the container's list.
   */
  private static Map<String, String> mountValues(FailedStart failure) {
    Matcher source = SUBPATH_SOURCE.matcher(failure.error());
    if (!source.find()) {
      return Map.of("mount", "a volume of " + failure.container().display(), "fileMountPath", "MOUNTPATH/FILE");
    }
    int index = Integer.parseInt(source.group(2));
    List<VolumeMount> mounts = failure.container().spec().map(Container::getVolumeMounts).orElse(null);
    if (mounts == null || index >= mounts.size() || mounts.get(index).getSubPath() == null
        || mounts.get(index).getMountPath() == null) {
      return Map.of("mount", "volume " + source.group(1), "fileMountPath", "MOUNTPATH/FILE");
    }
    VolumeMount mount = mounts.get(index);
    String file = mount.getSubPath().substring(mount.getSubPath().lastIndexOf('/') + 1);
    return Map.of(
        "mount", "volume " + mount.getName() + " (subPath " + mount.getSubPath() + ") at " + mount.getMountPath(),
        "fileMountPath", mount.getMountPath().replaceAll("/+$", "") + "/" + file);
  }

  private static Map<String, String> values(Pod pod) {
    Map<String, String> values = new HashMap<>();
    values.put("namespace", pod.getMetadata().getNamespace());
    values.put("node", ContainerRuleText.node(pod).orElse("NODE"));
    return values;
  }

  private static Optional<String> group(Pattern pattern, String text, int group) {
    Matcher matcher = pattern.matcher(text);
    return matcher.find() ? Optional.of(matcher.group(group)) : Optional.empty();
  }
}
