package io.clusterdoc.engine;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Kind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A failure pattern. A rule checks <em>subjects</em>: opaque keys it chooses (usually one object's store key)
 * whose findings it can compute from the {@link ClusterView} alone. The engine asks which subjects an object
 * change touches, so a change re-evaluates only what depends on it.
 */
public interface Rule {

  /** Stable kebab-case id used in status, Events, metrics, docs and the CLI. */
  String id();

  Severity severity();

  /** One line for {@code clusterdoc rules}. */
  String description();

  /** The kinds whose changes can change this rule's findings. */
  Set<Kind> reads();

  /** The threshold used when the ClusterDiagnosis sets none, for rules that have one. */
  default Optional<Threshold> defaultThreshold() {
    return Optional.empty();
  }

  /** Subjects whose findings may change when this object (of a kind in {@link #reads()}) is added, changed or deleted. */
  Collection<String> subjectsAffectedBy(HasMetadata changed, ClusterView view);

  /**
   * The same, given the changed object's store key ({@code Keys.of(changed)}, null if it has no metadata), which the
   * engine computes once per change rather than once per rule.
   */
  default Collection<String> subjectsAffectedBy(HasMetadata changed, String changedKey, ClusterView view) {
    return subjectsAffectedBy(changed, view);
  }

  /** Every subject that may have findings now, each once, for a full pass. */
  Collection<String> allSubjects(ClusterView view);

  /** The findings for one subject: empty when it is healthy or gone. */
  List<Finding> check(String subject, ClusterView view, RuleContext context);
}
