package io.clusterdoc.rules.namespaces;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Durations;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.rules.Timestamps;
import io.clusterdoc.rules.namespaces.DeletionBlockers.Blocker;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A namespace still Terminating after the threshold. Users see only the phase; the namespace controller writes
 * the reason into the status conditions, and this rule turns it into what to fix first. Removing the namespace's
 * finalizer by hand is offered only when nothing is left, because it orphans whatever remains.
 */
public final class NamespaceStuckTerminating extends ObjectRule<Namespace> {
  public static final String ID = "namespace-stuck-terminating";

  public NamespaceStuckTerminating() {
    super(ID, Severity.CRITICAL, "Namespace has been Terminating longer than the threshold; says what blocks it",
        Namespace.class, Threshold.of(Duration.ofMinutes(5)), Kind.API_SERVICE);
  }

  @Override
  protected List<Finding> check(Namespace namespace, ClusterView view, RuleContext context) {
    Optional<Instant> deleted = deletionTime(namespace);
    if (deleted.isEmpty()) {
      return List.of();
    }
    Instant stuck = deleted.get().plus(context.threshold());
    if (context.now().isBefore(stuck)) {
      // Becoming stuck is only time passing: no object change would make the engine look again.
      context.recheckAt(stuck);
      return List.of();
    }
    return List.of(finding(namespace, DeletionBlockers.of(namespace, view), context.threshold()));
  }

  /** Any APIService can break discovery, and a discovery failure blocks every namespace deletion. */
  @Override
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    return view.all(Namespace.class).stream()
        .filter(namespace -> namespace.getMetadata().getDeletionTimestamp() != null)
        .map(Keys::of)
        .toList();
  }

  private Finding finding(Namespace namespace, List<Blocker> blockers, Duration threshold) {
    String name = namespace.getMetadata().getName();
    return finding(namespace)
        .message("Namespace " + name + " has been Terminating since " + namespace.getMetadata().getDeletionTimestamp()
            + ", longer than " + Durations.format(threshold) + ": "
            + blockers.stream().map(Blocker::summary).collect(Collectors.joining("; ")) + ".")
        .cause(blockers.stream().map(Blocker::cause).collect(Collectors.joining(" ")) + finalizerNote(namespace))
        .remediation(blockers.stream().map(Blocker::remedy).collect(Collectors.joining(" ")))
        .related(blockers.stream().flatMap(b -> b.related().stream()).distinct().toList())
        .build();
  }

  private static String finalizerNote(Namespace namespace) {
    return DeletionBlockers.specFinalizers(namespace).contains(DeletionBlockers.KUBERNETES_FINALIZER)
        ? " spec.finalizers still holds kubernetes, which the namespace controller removes only after the namespace "
            + "is empty; the API server deletes the namespace once no finalizer is left."
        : "";
  }

  /** A timestamp the API server did not write cannot be judged; such a namespace is left alone. */
  private static Optional<Instant> deletionTime(Namespace namespace) {
    return Timestamps.parse(namespace.getMetadata().getDeletionTimestamp());
  }
}
