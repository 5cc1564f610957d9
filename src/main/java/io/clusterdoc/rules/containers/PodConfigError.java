package io.clusterdoc.rules.containers;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.rules.containers.KnownError.Explained;
import io.clusterdoc.rules.containers.KnownError.Match;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Containers the kubelet cannot create or start although their image is there: a missing ConfigMap, Secret or key,
 * runAsNonRoot that cannot be verified, a command that is not in the image. Failures to mount a volume into the
 * container are pod-mount-failed's.
 */
public final class PodConfigError extends ObjectRule<Pod> {
  public static final String ID = "pod-config-error";

  /** The runtime's "exec: "app": " with the command as group 1; Docker escapes the quotes once or twice. */
  private static final String EXEC = "exec: \\\\*\"([^\"\\\\]+)\\\\*\": ";
  private static final KnownError MISSING_CONFIG_MAP = new KnownError("configmap \"([^\"]+)\" not found",
      "ConfigMap {1} not found",
      "The container takes environment variables from ConfigMap {namespace}/{1}{refs}, which does not exist.",
      "Create ConfigMap {1} in namespace {namespace} (kubectl create configmap {1} -n {namespace} "
          + "--from-env-file=FILE, or apply it with the rest of the application), or correct the name in the pod "
          + "template. Mark the reference optional: true only if the application works without it.");
  private static final KnownError MISSING_SECRET = new KnownError("secret \"([^\"]+)\" not found",
      "Secret {1} not found",
      "The container takes environment variables from Secret {namespace}/{1}{refs}, which does not exist.",
      "Create Secret {1} in namespace {namespace} (kubectl create secret generic {1} -n {namespace} "
          + "--from-literal=KEY=VALUE), or correct the name in the pod template. If a controller writes it (External "
          + "Secrets, Sealed Secrets, cert-manager), its status says why it has not.");
  private static final KnownError MISSING_KEY =
      new KnownError("couldn't find key (\\S+) in (ConfigMap|Secret) ([^/\\s]+)/(\\S+)",
          "key {1} missing from {2} {4}",
          "{2} {3}/{4} exists but has no key {1}{refs}.",
          "Add key {1} to {2} {3}/{4}, or correct the key in the pod template (keys are case-sensitive): kubectl get "
              + "{2} {4} -n {3} -o go-template='{{range $k, $v := .data}}{{$k}} {{end}}' lists its keys without "
              + "their values.");
  private static final List<KnownError> KNOWN = List.of(MISSING_CONFIG_MAP, MISSING_SECRET, MISSING_KEY,
      new KnownError("non-numeric user \\(([^)]*)\\)",
          "runAsNonRoot with the non-numeric image user {1}",
          "runAsNonRoot is set and the image's USER is the name {1}, not a number: the kubelet cannot verify that {1} "
              + "is not root, so it does not start the container.",
          "Set securityContext.runAsUser to a numeric uid other than 0 in the container or the pod, best the uid of "
              + "{1} in the image (docker run --rm --entrypoint id {image} prints it), or build the image with a "
              + "numeric USER. Removing runAsNonRoot would let the container run as root."),
      new KnownError("image will run as root",
          "runAsNonRoot but the image runs as root",
          "runAsNonRoot is set and the image runs as uid 0.",
          "Use an image built to run as a non-root user (many have an -unprivileged or -nonroot variant), or set "
              + "securityContext.runAsUser to a non-zero uid the image works with; removing runAsNonRoot gives the "
              + "container root."),
      new KnownError("(?:running hook|prestart hook).*?" + EXEC + "executable file not found",
          "runtime hook {1} missing on node {node}",
          "The container runtime on node {node} runs the hook {1} before starting the container, and the hook's "
              + "binary is not installed there: a problem of the node, not of the image.",
          "On node {node}, reinstall what provides {1} (the NVIDIA container toolkit provides "
              + "nvidia-container-runtime-hook), or remove the hook from the runtime's configuration if the node has "
              + "no GPU any more. Every pod using that runtime on the node fails alike: kubectl cordon {node} until it "
              + "is fixed."),
      new KnownError(
          EXEC + "(?:executable file not found|stat [^:]*: no such file|no such file)",
          "command {1} not found in the image",
          "The runtime cannot find {1}, the command the container starts with (command in the pod spec, else the "
              + "image's ENTRYPOINT): it is not in the image or not on its PATH, or it is a script whose #! "
              + "interpreter is missing.",
          "Compare command and args in the pod spec with the image: docker run --rm --entrypoint sh {image} -c "
              + "'command -v {1}' (an image without a shell: docker image inspect {image} shows Entrypoint and "
              + "Cmd). Use an absolute path, or fix the image."),
      new KnownError(EXEC + "permission denied",
          "command {1} not executable",
          "{1} exists in the image but may not be executed: no execute permission, or a file system mounted noexec.",
          "Make it executable in the image (RUN chmod +x in the Dockerfile); a script from a ConfigMap volume needs "
              + "defaultMode: 0755."),
      new KnownError("exec format error",
          "image built for another architecture",
          "The command is a binary for another CPU architecture than node {node}'s.",
          "kubectl get node {node} -o jsonpath='{.status.nodeInfo.architecture}' shows the node's architecture; use "
              + "an image built for it, or a multi-architecture image (docker buildx build --platform "
              + "linux/amd64,linux/arm64)."));

  private static final String RUNTIME_LOGS = "Look at the runtime on node {node} (crictl ps -a, journalctl -u "
      + "containerd -u kubelet): name conflicts and \"context deadline exceeded\" point at an overloaded runtime.";

  /** A failed container with what its error means. */
  private record Diagnosis(FailedStart failure, Explained explained) {
  }

  public PodConfigError() {
    super(ID, Severity.WARNING, "Containers that cannot be created or started: missing ConfigMap, Secret or key, "
        + "runAsNonRoot not verifiable, command not in the image", Pod.class);
  }

  @Override
  protected List<Finding> check(Pod pod, ClusterView view, RuleContext context) {
    List<Diagnosis> diagnoses = FailedStart.of(pod).stream()
        .filter(failure -> !failure.isVolumeMount())
        .map(failure -> new Diagnosis(failure, explain(pod, failure)))
        .toList();
    if (diagnoses.isEmpty()) {
      return List.of();
    }
    return List.of(finding(pod)
        .message(ContainerRuleText.pod(pod) + ContainerRuleText.onNode(pod) + " cannot start " + diagnoses.stream()
            .map(d -> d.failure().container().display() + ": " + d.explained().label() + " ("
                + d.failure().reason() + ")")
            .collect(Collectors.joining("; ")) + ".")
        .cause(diagnoses.stream().map(PodConfigError::cause).collect(Collectors.joining(" ")))
        .remediation(remediation(pod, diagnoses))
        .build());
  }

  private static Explained explain(Pod pod, FailedStart failure) {
    Optional<Match> match = KnownError.first(KNOWN, failure.error());
    Map<String, String> values = Map.of(
        "namespace", pod.getMetadata().getNamespace(),
        "node", ContainerRuleText.node(pod).orElse("NODE"),
        "image", failure.container().image(),
        "refs", match.map(m -> references(failure.container(), m)).orElse(""));
    return match.map(m -> m.explained(values)).orElseGet(() -> unrecognised(failure).filled(values));
  }

  /** Errors no pattern knows: said in the kubelet's own words, with where to look by the stage that failed. */
  private static Explained unrecognised(FailedStart failure) {
    return switch (failure.reason()) {
      case "CreateContainerConfigError" -> new Explained("configuration not buildable",
          "The kubelet could not build the container's configuration from the pod spec.",
          "Compare the pod spec with the error: env, envFrom, volumeMounts and securityContext are read at this "
              + "stage.");
      case "CreateContainerError" -> new Explained("container not created",
          "The container runtime could not create the container.", RUNTIME_LOGS);
      default -> new Explained("process not started",
          "The container runtime created the container but could not start its process.", RUNTIME_LOGS);
    };
  }

  /** Where the container refers to the missing object or key: " (through env DB_HOST, envFrom)". */
  private static String references(PodContainer container, Match match) {
    if (container.spec().isEmpty()) {
      return "";
    }
    Container spec = container.spec().get();
    Map<String, String> groups = match.groups();
    List<String> refs;
    if (match.error() == MISSING_CONFIG_MAP || match.error() == MISSING_SECRET) {
      refs = referencesTo(spec, match.error() == MISSING_CONFIG_MAP, groups.get("1"), null);
    } else if (match.error() == MISSING_KEY) {
      refs = referencesTo(spec, "ConfigMap".equals(groups.get("2")), groups.get("4"), groups.get("1"));
    } else {
      refs = List.of();
    }
    return refs.isEmpty() ? "" : " (through " + String.join(", ", refs) + ")";
  }

  private static List<String> referencesTo(Container container, boolean configMap, String name, String key) {
    List<String> refs = new ArrayList<>();
    for (EnvVar env : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
      if (env.getValueFrom() == null) {
        continue;
      }
      ConfigMapKeySelector fromConfigMap = env.getValueFrom().getConfigMapKeyRef();
      SecretKeySelector fromSecret = env.getValueFrom().getSecretKeyRef();
      boolean matches = configMap
          ? fromConfigMap != null && selects(fromConfigMap.getName(), fromConfigMap.getKey(), name, key)
          : fromSecret != null && selects(fromSecret.getName(), fromSecret.getKey(), name, key);
      if (matches) {
        refs.add("env " + env.getName());
      }
    }
    if (key == null) {
      for (EnvFromSource from : Objects.requireNonNullElse(container.getEnvFrom(), List.<EnvFromSource>of())) {
        String source = configMap
            ? (from.getConfigMapRef() == null ? null : from.getConfigMapRef().getName())
            : (from.getSecretRef() == null ? null : from.getSecretRef().getName());
        if (name.equals(source)) {
          refs.add("envFrom");
        }
      }
    }
    return refs;
  }

  /** Whether a reference names the object and, when a key is missing, that key. */
  private static boolean selects(String refName, String refKey, String name, String key) {
    return name.equals(refName) && (key == null || key.equals(refKey));
  }

  private static String cause(Diagnosis diagnosis) {
    FailedStart failure = diagnosis.failure();
    String said = failure.error().isEmpty() ? ""
        : " The kubelet said: " + ContainerRuleText.quotedSentence(failure.shortError());
    return ContainerRuleText.capitalized(failure.container().display()) + " " + failure.state() + ". "
        + diagnosis.explained().explanation() + said;
  }

  private static String remediation(Pod pod, List<Diagnosis> diagnoses) {
    Set<String> remedies = new LinkedHashSet<>();
    diagnoses.forEach(d -> remedies.add(d.explained().remedy()));
    return String.join(" ", remedies) + " The kubelet retries by itself, so the container starts once the cause is "
        + "fixed; a change to the pod template replaces the pods. " + ContainerRuleText.describe(pod)
        + " shows the error in the container's state and Events.";
  }
}
