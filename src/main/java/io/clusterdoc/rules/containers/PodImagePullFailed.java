package io.clusterdoc.rules.containers;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.rules.ContainerStatuses;
import io.clusterdoc.rules.containers.KnownError.Explained;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Containers that cannot start because their image cannot be pulled or used. The waiting reason says only that the
 * pull failed; the registry's answer is in the kubelet's "Failed to pull image" Events, and it decides the fix.
 */
public final class PodImagePullFailed extends ObjectRule<Pod> {
  public static final String ID = "pod-image-pull-failed";

  private static final Set<String> PULL_REASONS =
      Set.of("ErrImagePull", "ImagePullBackOff", "ImageInspectError", "InvalidImageName", "ErrImageNeverPull");
  private static final String PULL_FAILED = "Failed";
  private static final String PULL_SECRET_MISSING = "FailedToRetrieveImagePullSecret";
  private static final Set<String> EVENT_REASONS = Set.of(PULL_FAILED, PULL_SECRET_MISSING);
  private static final String BACK_OFF_MESSAGE = "Back-off pulling image";
  private static final String DOCKER_HUB = "docker.io";

  private static final Explained UNKNOWN = new Explained("pull failed",
      "The kubelet's pull error is not in view.",
      "On node {node}, crictl pull {image} repeats the pull and shows the registry's answer.");
  /** Errors told by the waiting reason alone. */
  private static final Map<String, Explained> BY_REASON = Map.of(
      "InvalidImageName", new Explained("invalid image name",
          "The image reference cannot be parsed: upper-case letters in the repository, a scheme such as https://, "
              + "spaces, or two tags.",
          "Fix the image in the pod template: a lower-case registry/repository followed by :tag or @sha256:digest."),
      "ErrImageNeverPull", new Explained("image absent and imagePullPolicy Never",
          "imagePullPolicy is Never and the image is not on node {node}, so the kubelet does not pull it.",
          "Load the image on every node that may run the pod (ctr -n k8s.io images import IMAGE.tar, kind load "
              + "docker-image, minikube image load), or push it to a registry and set imagePullPolicy: IfNotPresent."),
      "ImageInspectError", new Explained("image on the node unreadable",
          "The image is on node {node} but the container runtime cannot inspect it: the image in the runtime's "
              + "storage is corrupted or half deleted.",
          "On node {node}, crictl rmi {image} removes it so that the next start pulls it again (with imagePullPolicy "
              + "Never it must be loaded again by hand). If it recurs, check the node's disk and the runtime's log "
              + "(journalctl -u containerd)."));
  /** The registry's answers, most specific first: "pull access denied" would also read as an authentication failure. */
  private static final List<KnownError> ANSWERS = List.of(
      new KnownError("(?i)429 too many requests|toomanyrequests|pull qps exceeded", "registry rate limit",
          "The registry {registry} refused the pull for too many requests (HTTP 429), or the kubelet's own pull rate "
              + "limit (registryPullQPS) was exceeded.",
          "Authenticate the pulls with an imagePullSecret (accounts get higher limits than anonymous pulls), pull "
              + "through a mirror or cache, or copy the image to a registry you run; a fixed tag with "
              + "imagePullPolicy IfNotPresent avoids a pull at every start."),
      new KnownError("(?i)pull access denied|repository does not exist", "repository missing or private",
          "The registry gives the same answer for a repository that does not exist and for one the pull may not "
              + "read: the name is wrong, or credentials are missing. {secrets}",
          "Check the repository name first (on Docker Hub an image without organisation is library/NAME); if it is "
              + "right, give the pod credentials for {registry} as for an authentication failure: kubectl create "
              + "secret docker-registry regcred -n {namespace} --docker-server={server} --docker-username=... "
              + "--docker-password=..., then imagePullSecrets in the pod template."),
      new KnownError("(?i)unauthorized|authentication required|403 forbidden|no basic auth credentials|denied:",
          "registry refused the credentials",
          "The registry {registry} requires credentials that the pull did not have, or rejected them. {secrets}",
          "Create a pull Secret for {registry} (kubectl create secret docker-registry regcred -n {namespace} "
              + "--docker-server={server} --docker-username=... --docker-password=...) and list it under "
              + "imagePullSecrets in the pod template, or in the ServiceAccount's imagePullSecrets: those are copied "
              + "into pods only when pods are created, so existing pods must be recreated. An existing Secret must "
              + "name {registry} with valid credentials: kubectl get secret -n {namespace} NAME -o "
              + "jsonpath='{.data.\\.dockerconfigjson}' | base64 -d."),
      new KnownError("(?i)x509|certificate|http response to https client", "registry certificate not trusted",
          "The container runtime on node {node} does not trust the TLS certificate of {registry} (x509), or the "
              + "registry answers in plain HTTP.",
          "Install the registry's CA certificate for the runtime on every node (containerd: "
              + "/etc/containerd/certs.d/{registry}/ca.crt with a hosts.toml; Docker: "
              + "/etc/docker/certs.d/{registry}/ca.crt) or give the registry a certificate from a trusted CA. "
              + "Declaring it an insecure registry turns off verification: for a lab only."),
      new KnownError("(?i)no such host|dial tcp|i/o timeout|connection refused|no route to host|network is unreachable"
          + "|handshake timeout|deadline exceeded|connection reset", "registry unreachable from the node",
          "Node {node} could not reach {registry}: name resolution, routing, a firewall or a proxy. The container "
              + "runtime on the node pulls the image, not a pod, so the node's own DNS and network settings apply.",
          "On node {node}, nslookup {registry}, curl -v https://{registry}/v2/ and crictl pull {image} show which "
              + "step fails. A node behind a proxy needs HTTPS_PROXY and NO_PROXY in the container runtime's service "
              + "environment (systemctl edit containerd); nodes without internet access need a registry mirror."),
      new KnownError("(?i)not ?found|manifest unknown", "image or tag not found",
          "The registry has no such repository or tag: a typo, or a tag that was never pushed or has been deleted.",
          "Check what the registry holds (skopeo list-tags docker://{repository}, or the registry's UI) and fix the "
              + "image in the pod template of the workload."));

  /** A container whose image cannot be used, with the registry's answer when one is in view and what it means. */
  private record FailedPull(PodContainer container, Optional<String> answer, Explained explained) {
  }

  public PodImagePullFailed() {
    super(ID, Severity.WARNING,
        "Containers that cannot start because their image cannot be pulled, classified by the registry's answer",
        Pod.class, Kind.EVENT);
  }

  @Override
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    return PodSetupEvents.podKeyOf(changed, EVENT_REASONS);
  }

  @Override
  protected List<Finding> check(Pod pod, ClusterView view, RuleContext context) {
    if (!ContainerStatuses.any(pod, PodImagePullFailed::waitsForItsImage)) {
      return List.of();
    }
    List<PodContainer> waiting = PodContainer.of(pod).stream()
        .filter(c -> PULL_REASONS.contains(c.waitingReason()))
        .toList();
    if (waiting.isEmpty()) {
      return List.of();
    }
    List<Event> events = PodSetupEvents.about(pod, view, EVENT_REASONS);
    List<FailedPull> pulls = waiting.stream().map(c -> failedPull(pod, c, events)).toList();
    return List.of(finding(pod)
        .message(message(pod, pulls))
        .cause(cause(pulls, events))
        .remediation(remediation(pod, pulls))
        .build());
  }

  private static boolean waitsForItsImage(ContainerStatus status) {
    String waiting = ContainerStatuses.waitingReason(status);
    return waiting != null && PULL_REASONS.contains(waiting);
  }

  private static FailedPull failedPull(Pod pod, PodContainer container, List<Event> events) {
    Optional<String> answer = registryAnswer(container, events);
    Explained meaning = Optional.ofNullable(BY_REASON.get(container.waitingReason()))
        .or(() -> answer.flatMap(text -> KnownError.first(ANSWERS, text)).map(match -> match.error().texts()))
        .orElse(UNKNOWN);
    String image = container.image();
    return new FailedPull(container, answer, meaning.filled(Map.of(
        "registry", registry(image),
        "server", DOCKER_HUB.equals(registry(image)) ? "https://index.docker.io/v1/" : registry(image),
        "repository", repository(image),
        "image", image,
        "node", ContainerRuleText.node(pod).orElse("NODE"),
        "namespace", pod.getMetadata().getNamespace(),
        "secrets", pullSecrets(pod))));
  }

  /** The newest "Failed to pull image" Event about the image, else the waiting message unless it only says back-off. */
  private static Optional<String> registryAnswer(PodContainer container, List<Event> events) {
    String prefix = "Failed to pull image \"" + container.image() + "\"";
    Optional<String> fromEvent = events.stream()
        .filter(e -> PULL_FAILED.equals(e.getReason()) && e.getMessage().startsWith(prefix))
        .reduce((older, newer) -> newer)
        .map(Event::getMessage);
    return fromEvent.or(() -> container.waitingMessage().filter(m -> !m.startsWith(BACK_OFF_MESSAGE)));
  }

  private static String message(Pod pod, List<FailedPull> pulls) {
    String what = pulls.stream()
        .map(p -> p.container().display() + ": " + p.container().image() + " (" + p.explained().label() + ")")
        .collect(Collectors.joining("; "));
    return ContainerRuleText.pod(pod) + ContainerRuleText.onNode(pod) + " cannot pull "
        + (pulls.size() == 1 ? "the image of " : "the images of ") + what + ".";
  }

  private static String cause(List<FailedPull> pulls, List<Event> events) {
    String each = pulls.stream()
        .map(p -> ContainerRuleText.capitalized(p.container().display()) + " waits in "
            + p.container().waitingReason() + ". " + p.explained().explanation()
            + p.answer().map(answer -> " The kubelet said: " + ContainerRuleText.quotedSentence(answer)).orElse(""))
        .collect(Collectors.joining(" "));
    Optional<String> missingSecret = events.stream()
        .filter(e -> PULL_SECRET_MISSING.equals(e.getReason()))
        .reduce((older, newer) -> newer)
        .map(e -> " It also said: " + ContainerRuleText.quotedSentence(e.getMessage()));
    return each + missingSecret.orElse("");
  }

  private static String remediation(Pod pod, List<FailedPull> pulls) {
    Set<String> remedies = new LinkedHashSet<>();
    pulls.forEach(p -> remedies.add(p.explained().remedy()));
    return String.join(" ", remedies) + " " + ContainerRuleText.describe(pod) + " shows the pull Events. The "
        + "kubelet retries the pull by itself, waiting up to 5 minutes between attempts; deleting the pod only "
        + "restarts that wait, and its controller recreates it with the same image and pull secrets.";
  }

  private static String pullSecrets(Pod pod) {
    List<LocalObjectReference> refs = pod.getSpec() == null ? null : pod.getSpec().getImagePullSecrets();
    List<String> names = refs == null ? List.of()
        : refs.stream().map(LocalObjectReference::getName).filter(Objects::nonNull).toList();
    return names.isEmpty() ? "The pod has no imagePullSecrets."
        : "The pod's imagePullSecrets: " + String.join(", ", names) + ".";
  }

  /** The registry host of an image reference; references without one are Docker Hub's. */
  private static String registry(String image) {
    int slash = image.indexOf('/');
    if (slash < 0) {
      return DOCKER_HUB;
    }
    String first = image.substring(0, slash);
    return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : DOCKER_HUB;
  }

  /** The reference without its tag or digest. */
  private static String repository(String image) {
    String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
  }
}
