package io.clusterdoc.engine;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Kind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Collection;
import java.util.List;

/**
 * A rule about something the cluster has once (its DNS, its CA): one subject, named after the rule, evaluated again
 * whenever an object it {@link #concerns} changes.
 */
public abstract class ClusterRule extends AbstractRule {

  protected ClusterRule(String id, Severity severity, String description, Threshold defaultThreshold, Kind read,
      Kind... alsoReads) {
    super(id, severity, description, defaultThreshold, read, alsoReads);
  }

  /** Whether a change to this object can change the findings; runs on every change of the kinds read: keep it cheap. */
  protected abstract boolean concerns(HasMetadata changed, ClusterView view);

  /** The findings of the whole cluster for this rule. */
  protected abstract List<Finding> check(ClusterView view, RuleContext context);

  @Override
  public final Collection<String> subjectsAffectedBy(HasMetadata changed, ClusterView view) {
    return concerns(changed, view) ? List.of(id()) : List.of();
  }

  @Override
  public final Collection<String> allSubjects(ClusterView view) {
    return List.of(id());
  }

  @Override
  public final List<Finding> check(String subject, ClusterView view, RuleContext context) {
    return id().equals(subject) ? check(view, context) : List.of();
  }
}
