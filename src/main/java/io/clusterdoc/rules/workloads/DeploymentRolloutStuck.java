package io.clusterdoc.rules.workloads;

import io.clusterdoc.rules.Timestamps;
import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.engine.Durations;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Deployment whose rollout the controller gave up on (ProgressDeadlineExceeded), or whose replicas stay unavailable
 * longer than the threshold. The controller's own deadline is already a wait, so that case fires at once; the
 * unavailable case covers Deployments the deadline never judges: a finished rollout whose pods later fail, or a
 * deadline longer than the threshold.
 */
public final class DeploymentRolloutStuck extends ObjectRule<Deployment> {
  public static final String ID = "deployment-rollout-stuck";

  private static final String DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";
  private static final String ROLLOUT_COMPLETE = "NewReplicaSetAvailable";
  private static final int DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
  /** The controller names the new ReplicaSet in its messages: {@code ReplicaSet "web-7d9c8b6f4" is progressing.} */
  private static final Pattern REPLICA_SET = Pattern.compile("(?:ReplicaSet|replica set) \"([^\"]+)\"");

  public DeploymentRolloutStuck() {
    super(ID, Severity.WARNING,
        "Deployment rollout exceeded its progress deadline, or replicas stay unavailable longer than the threshold",
        Deployment.class, Threshold.of(Duration.ofMinutes(10)));
  }

  @Override
  protected List<Finding> check(Deployment deployment, ClusterView view, RuleContext context) {
    // Scaled to zero or paused on purpose: nothing is expected to become available.
    if (deployment.getStatus() == null || desired(deployment) == 0 || isPaused(deployment)) {
      return List.of();
    }
    return stall(deployment, context).map(stall -> List.of(finding(deployment, stall))).orElse(List.of());
  }

  /** Why the Deployment counts as stuck, as part of a sentence; empty when it does not. */
  private static Optional<String> stall(Deployment deployment, RuleContext context) {
    DeploymentStatus status = deployment.getStatus();
    Optional<DeploymentCondition> progressing = condition(status, "Progressing");
    if (progressing.filter(DeploymentRolloutStuck::deadlineExceeded).isPresent()) {
      return Optional.of("its rollout exceeded the progress deadline"
          + Timestamps.parse(progressing.get().getLastTransitionTime()).map(at -> " at " + at).orElse(""));
    }
    if (count(status.getUnavailableReplicas()) == 0) {
      return Optional.empty();
    }
    Optional<Instant> since = unavailableSince(deployment, progressing);
    if (since.isEmpty()) {
      return Optional.empty();
    }
    Duration wait = allowedWait(deployment, progressing, context.threshold());
    Instant stuck = since.get().plus(wait);
    if (context.now().isBefore(stuck)) {
      // Staying unavailable is only time passing: no object change would make the engine look again.
      context.recheckAt(stuck);
      return Optional.empty();
    }
    return Optional.of("it has had " + count(status.getUnavailableReplicas()) + " unavailable replica(s) since "
        + since.get() + ", longer than " + Durations.format(wait));
  }

  /**
   * During a rollout the owner's progressDeadlineSeconds says how long a step may take (slow starters set it
   * longer): the threshold does not cut it short.
   */
  private static Duration allowedWait(Deployment deployment, Optional<DeploymentCondition> progressing,
      Duration threshold) {
    boolean rollingOut = progressing
        .filter(c -> "True".equals(c.getStatus()) && !ROLLOUT_COMPLETE.equals(c.getReason()))
        .isPresent();
    Duration deadline = Duration.ofSeconds(progressDeadlineSeconds(deployment));
    return rollingOut && deadline.compareTo(threshold) > 0 ? deadline : threshold;
  }

  /**
   * The earliest of: Available turning False, and the last progress of a rollout that has not updated every
   * replica. lastUpdateTime is the progress mark: lastTransitionTime of Progressing stays put from one rollout to
   * the next while its status stays True.
   */
  private static Optional<Instant> unavailableSince(Deployment deployment, Optional<DeploymentCondition> progressing) {
    DeploymentStatus status = deployment.getStatus();
    Optional<Instant> unavailable = condition(status, "Available")
        .filter(c -> "False".equals(c.getStatus()))
        .flatMap(c -> Timestamps.parse(c.getLastTransitionTime()));
    Optional<Instant> notUpdated = count(status.getUpdatedReplicas()) < desired(deployment)
        ? progressing.flatMap(DeploymentRolloutStuck::lastProgress) : Optional.empty();
    return Stream.of(unavailable, notUpdated).flatMap(Optional::stream).min(Comparator.naturalOrder());
  }

  private static boolean deadlineExceeded(DeploymentCondition progressing) {
    return "False".equals(progressing.getStatus()) && DEADLINE_EXCEEDED.equals(progressing.getReason());
  }

  private static Optional<Instant> lastProgress(DeploymentCondition condition) {
    return Timestamps.parse(condition.getLastUpdateTime())
        .or(() -> Timestamps.parse(condition.getLastTransitionTime()));
  }

  private Finding finding(Deployment deployment, String stall) {
    String namespace = deployment.getMetadata().getNamespace();
    Optional<String> replicaSet = newestReplicaSet(deployment.getStatus());
    Finding.Builder finding = finding(deployment)
        .message("Deployment " + Keys.of(deployment) + " is stuck: " + stall + "; " + replicas(deployment)
            + replicaSet.map(rs -> "; newest ReplicaSet " + rs).orElse("") + ".")
        .cause(cause(deployment))
        .remediation(remediation(deployment, replicaSet));
    replicaSet.ifPresent(rs -> finding.related(new ObjectRef("apps/v1", "ReplicaSet", namespace, rs, null)));
    return finding.build();
  }

  /** "3 desired, 1 updated, 3 ready, 3 available" */
  private static String replicas(Deployment deployment) {
    DeploymentStatus status = deployment.getStatus();
    return desired(deployment) + " desired, " + count(status.getUpdatedReplicas()) + " updated, "
        + count(status.getReadyReplicas()) + " ready, " + count(status.getAvailableReplicas()) + " available";
  }

  private static String cause(Deployment deployment) {
    DeploymentStatus status = deployment.getStatus();
    String conditions = Stream.of("Progressing", "Available", "ReplicaFailure")
        .map(type -> condition(status, type))
        .flatMap(Optional::stream)
        .filter(c -> !"True".equals(c.getStatus()) || "ReplicaFailure".equals(c.getType()))
        .map(DeploymentRolloutStuck::describe)
        .reduce((a, b) -> a + "; " + b)
        .map(text -> "Conditions: " + text + ". ")
        .orElse("");
    return conditions + "Replicas stay unavailable when their pods cannot be created (a quota or admission webhook "
        + "refuses them: ReplicaFailure), cannot be scheduled (resources, affinity, taints), cannot pull their image, "
        + "crash at start or fail their readiness probe, or wait for a ReadWriteOnce volume still attached to an old "
        + "pod on another node. " + progress(deployment);
  }

  private static String progress(Deployment deployment) {
    Optional<DeploymentCondition> progressing = condition(deployment.getStatus(), "Progressing");
    if (progressing.filter(DeploymentRolloutStuck::deadlineExceeded).isPresent()) {
      return "The controller marked the rollout failed after spec.progressDeadlineSeconds ("
          + progressDeadlineSeconds(deployment) + "s) without progress, but keeps trying; the old ReplicaSet's pods "
          + "keep serving meanwhile.";
    }
    return progressing.filter(c -> ROLLOUT_COMPLETE.equals(c.getReason())).isPresent()
        ? "Its last rollout completed: pods that were available stopped being so, or a scale-up cannot be met."
        : "";
  }

  private static String describe(DeploymentCondition condition) {
    return condition.getType() + "=" + condition.getStatus()
        + (condition.getReason() == null ? "" : " " + condition.getReason())
        + (condition.getMessage() == null ? "" : " (" + withoutFinalPeriod(condition.getMessage()) + ")");
  }

  private static String withoutFinalPeriod(String text) {
    String trimmed = text.trim();
    return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }

  private static String remediation(Deployment deployment, Optional<String> newestReplicaSet) {
    String namespace = deployment.getMetadata().getNamespace();
    String name = deployment.getMetadata().getName();
    String kubectl = "kubectl -n " + namespace + " ";
    String pods = newestReplicaSet
        .map(rs -> kubectl + "describe replicaset " + rs + " (FailedCreate events) and " + kubectl + "get pods"
            + templateHash(name, rs).map(hash -> " -l pod-template-hash=" + hash).orElse("")
            + ", then kubectl describe pod and kubectl logs on one of them")
        .orElse(kubectl + "describe deployment " + name + " (NewReplicaSet) and kubectl describe pod and kubectl "
            + "logs on its pods");
    return kubectl + "rollout status deployment/" + name + " shows where the rollout stands (it exits non-zero "
        + "when the rollout failed). Find why the pods are not available: " + pods + ". Fix the cause and the "
        + "rollout resumes by itself; kubectl rollout restart only starts another rollout of the same template. If "
        + "the new version is at fault, go back with " + kubectl + "rollout undo deployment/" + name + ", then fix the "
        + "manifest too, or the next apply brings the broken version back. A ReadWriteOnce volume needs strategy "
        + "Recreate (downtime) or a StatefulSet.";
  }

  /** ReplicaSets of a Deployment are named {@code <deployment>-<pod-template-hash>}. */
  private static Optional<String> templateHash(String deployment, String replicaSet) {
    String prefix = deployment + "-";
    return replicaSet.startsWith(prefix) && replicaSet.length() > prefix.length()
        ? Optional.of(replicaSet.substring(prefix.length())) : Optional.empty();
  }

  private static Optional<String> newestReplicaSet(DeploymentStatus status) {
    return condition(status, "Progressing")
        .map(DeploymentCondition::getMessage)
        .map(REPLICA_SET::matcher)
        .filter(Matcher::find)
        .map(m -> m.group(1));
  }

  private static Optional<DeploymentCondition> condition(DeploymentStatus status, String type) {
    return status.getConditions() == null ? Optional.empty()
        : status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  private static boolean isPaused(Deployment deployment) {
    return deployment.getSpec() != null && Boolean.TRUE.equals(deployment.getSpec().getPaused());
  }

  /** spec.replicas defaults to 1. */
  private static int desired(Deployment deployment) {
    return deployment.getSpec() == null ? 1 : Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
  }

  private static int progressDeadlineSeconds(Deployment deployment) {
    return deployment.getSpec() == null ? DEFAULT_PROGRESS_DEADLINE_SECONDS
        : Objects.requireNonNullElse(deployment.getSpec().getProgressDeadlineSeconds(),
            DEFAULT_PROGRESS_DEADLINE_SECONDS);
  }

  private static int count(Integer replicas) {
    return Objects.requireNonNullElse(replicas, 0);
  }
}
