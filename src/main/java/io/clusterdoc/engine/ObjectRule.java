package io.clusterdoc.engine;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Collection;
import java.util.List;

/**
 * A rule whose subjects are the objects of one kind, keyed by their store key. Subclasses that read other kinds
 * map those objects to the subjects they affect in {@link #subjectsOfRelated}.
 */
public abstract class ObjectRule<T extends HasMetadata> extends AbstractRule {
  private final Class<T> subjectType;

  protected ObjectRule(String id, Severity severity, String description, Class<T> subjectType,
      Threshold defaultThreshold, Kind... alsoReads) {
    super(id, severity, description, defaultThreshold, Kind.of(subjectType).orElseThrow(), alsoReads);
    this.subjectType = subjectType;
  }

  protected ObjectRule(String id, Severity severity, String description, Class<T> subjectType, Kind... alsoReads) {
    this(id, severity, description, subjectType, (Threshold) null, alsoReads);
  }

  /** The findings for one object of the subject kind. */
  protected abstract List<Finding> check(T object, ClusterView view, RuleContext context);

  /** Subjects affected by a change to an object of another kind this rule reads. */
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    return List.of();
  }

  /** A finding of this rule about the given object, to be completed by the caller. */
  protected Finding.Builder finding(HasMetadata object) {
    return finding(ObjectRef.of(object));
  }

  /** A finding with another severity than the rule's default, for rules whose severity depends on the object. */
  protected Finding.Builder finding(HasMetadata object, Severity severity) {
    return finding(ObjectRef.of(object), severity);
  }

  @Override
  public final Collection<String> subjectsAffectedBy(HasMetadata changed, ClusterView view) {
    return subjectType.isInstance(changed) ? List.of(Keys.of(changed)) : subjectsOfRelated(changed, view);
  }

  /** Takes the key the engine built once for the change rather than building it again for every rule. */
  @Override
  public final Collection<String> subjectsAffectedBy(HasMetadata changed, String changedKey, ClusterView view) {
    return changedKey != null && subjectType.isInstance(changed) ? List.of(changedKey)
        : subjectsAffectedBy(changed, view);
  }

  @Override
  public final Collection<String> allSubjects(ClusterView view) {
    return view.keys(subjectType);
  }

  @Override
  public final List<Finding> check(String subject, ClusterView view, RuleContext context) {
    return view.get(subjectType, subject).map(o -> check(o, view, context)).orElse(List.of());
  }

  /** The kind of object whose store keys are this rule's subjects. */
  final Class<T> subjectType() {
    return subjectType;
  }

  /** The findings for a subject whose object the engine has fetched already, for all the rules of its kind. */
  final List<Finding> checkFetched(HasMetadata object, ClusterView view, RuleContext context) {
    return check(subjectType.cast(object), view, context);
  }
}
