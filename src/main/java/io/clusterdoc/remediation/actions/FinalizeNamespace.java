package io.clusterdoc.remediation.actions;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.remediation.Decision;
import io.clusterdoc.remediation.FreshReads;
import io.clusterdoc.remediation.RemediationAction;
import io.clusterdoc.remediation.Write;
import io.clusterdoc.rules.Timestamps;
import io.clusterdoc.rules.namespaces.NamespaceStuckTerminating;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Clears a Terminating namespace's spec.finalizers through its finalize subresource, as people do by hand with
 * curl, but only once the namespace controller has nothing left to delete: clearing them while objects remain
 * would orphan those objects in etcd. When an unavailable APIService blocks the deletion, the fix is the
 * APIService, and this action says so instead of acting.
 */
public final class FinalizeNamespace implements RemediationAction {
  public static final String ID = "finalize-namespace";

  /** Conditions the namespace controller sets True while it still has work it cannot finish, and why that blocks. */
  private static final Map<String, String> BLOCKING_CONDITIONS = Map.of(
      "NamespaceContentRemaining", "objects remain in it",
      "NamespaceFinalizersRemaining", "objects in it still have finalizers",
      "NamespaceDeletionDiscoveryFailure", "API discovery fails (an APIService is unavailable): fix the APIService "
          + "instead, then the namespace controller finishes by itself",
      "NamespaceDeletionGroupVersionParsingFailure", "an API group version cannot be parsed",
      "NamespaceDeletionContentFailure", "deleting its content failed");

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String ruleId() {
    return NamespaceStuckTerminating.ID;
  }

  @Override
  public Optional<Duration> defaultThreshold() {
    return Optional.of(Duration.ofMinutes(30));
  }

  @Override
  public Decision decide(Finding finding, FreshReads reads, Duration threshold, Instant now) {
    Optional<Namespace> read = reads.namespace(finding.object().name());
    if (read.isEmpty()) {
      return Decision.refuse("namespace " + finding.object().name() + " is gone");
    }
    Namespace namespace = read.get();
    Optional<Instant> deleted = Timestamps.parse(namespace.getMetadata().getDeletionTimestamp());
    if (deleted.isEmpty()) {
      return Decision.refuse("namespace is not Terminating");
    }
    Duration terminating = Duration.between(deleted.get(), now);
    if (terminating.compareTo(threshold) < 0) {
      return Decision.refuse("Terminating for less than the " + threshold.toMinutes() + "m this action waits for");
    }
    Optional<String> blocked = blockingCondition(namespace);
    if (blocked.isPresent()) {
      return Decision.refuse(blocked.get());
    }
    List<String> finalizers = namespace.getSpec() == null || namespace.getSpec().getFinalizers() == null
        ? List.of() : namespace.getSpec().getFinalizers();
    if (finalizers.isEmpty()) {
      List<String> held = Objects.requireNonNullElse(namespace.getMetadata().getFinalizers(), List.of());
      return Decision.refuse("spec.finalizers is already empty" + (held.isEmpty() ? ""
          : "; metadata.finalizers " + held + " belong to another controller, which must remove them"));
    }
    return Decision.act(List.of(new Write.FinalizeNamespace(namespace)), "Terminating for "
        + terminating.toMinutes() + "m with nothing left to delete");
  }

  private static Optional<String> blockingCondition(Namespace namespace) {
    List<NamespaceCondition> conditions = namespace.getStatus() == null || namespace.getStatus().getConditions() == null
        ? List.of() : namespace.getStatus().getConditions();
    return conditions.stream()
        .filter(c -> c != null && "True".equals(c.getStatus()) && BLOCKING_CONDITIONS.containsKey(c.getType()))
        .findFirst()
        .map(c -> c.getType() + " is True: " + BLOCKING_CONDITIONS.get(c.getType())
            + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")"));
  }
}
