package io.clusterdoc.engine;

import io.clusterdoc.cluster.Kind;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The identity every rule declares: id, severity, description, the kinds it reads and its default threshold. */
public abstract class AbstractRule implements Rule {
  private final String id;
  private final Severity severity;
  private final String description;
  private final Set<Kind> reads;
  private final Threshold defaultThreshold;

  /** @param defaultThreshold null for rules without a threshold */
  protected AbstractRule(String id, Severity severity, String description, Threshold defaultThreshold, Kind read,
      Kind... alsoReads) {
    this.id = id;
    this.severity = severity;
    this.description = description;
    this.defaultThreshold = defaultThreshold;
    Set<Kind> kinds = EnumSet.of(read);
    kinds.addAll(List.of(alsoReads));
    this.reads = Set.copyOf(kinds);
  }

  /** A finding of this rule about the given object, to be completed by the caller. */
  protected Finding.Builder finding(ObjectRef object) {
    return Finding.builder(id, severity, object);
  }

  /** A finding with another severity than the rule's default, for rules whose severity depends on the object. */
  protected Finding.Builder finding(ObjectRef object, Severity severity) {
    return Finding.builder(id, severity, object);
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final Severity severity() {
    return severity;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final Set<Kind> reads() {
    return reads;
  }

  @Override
  public final Optional<Threshold> defaultThreshold() {
    return Optional.ofNullable(defaultThreshold);
  }
}
