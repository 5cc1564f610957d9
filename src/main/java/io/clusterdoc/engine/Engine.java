package io.clusterdoc.engine;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Kind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the findings of one diagnosis current. A full pass evaluates every subject of every rule; after that,
 * {@link #onChange} re-evaluates only the subjects the changed object affects, and {@link #runDueRechecks}
 * the ones whose findings depend on time passing. Findings are keyed by rule and object identity, so replaying
 * the same objects (after a watch restart) changes nothing. Not thread-safe: one thread drives an engine.
 */
public final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  private static final int MAX_REMEMBERED_FAILURES = 10_000;

  /** Told once when a finding appears and once when it resolves; never on re-evaluation. */
  public interface Listener {
    void appeared(TrackedFinding finding);

    void resolved(TrackedFinding finding);

    /** This listener, then the other. */
    default Listener andThen(Listener other) {
      Listener first = this;
      return new Listener() {
        @Override
        public void appeared(TrackedFinding finding) {
          first.appeared(finding);
          other.appeared(finding);
        }

        @Override
        public void resolved(TrackedFinding finding) {
          first.resolved(finding);
          other.resolved(finding);
        }
      };
    }

    Listener NONE = new Listener() {
      @Override
      public void appeared(TrackedFinding finding) {
      }

      @Override
      public void resolved(TrackedFinding finding) {
      }
    };
  }

  private record Subject(Rule rule, String key) {
  }

  private final ClusterView view;
  private final EngineConfig config;
  private final Clock clock;
  private final Listener listener;
  private final RuleTimer timer;
  private final List<Rule> rules;
  private final Map<Kind, List<Rule>> rulesByKind = new EnumMap<>(Kind.class);
  private final Map<Rule, Map<String, List<Finding>>> findingsBySubject = new HashMap<>();
  private final Map<Finding.Key, TrackedFinding> current = new HashMap<>();
  private final Map<Finding.Key, TrackedFinding> restored = new HashMap<>();
  private final Map<Subject, Instant> rechecks = new HashMap<>();
  private final Set<String> reportedFailures = new HashSet<>();
  private long version;

  public Engine(ClusterView view, Collection<Rule> rules, EngineConfig config, Clock clock, Listener listener) {
    this(view, rules, config, clock, listener, RuleTimer.NONE);
  }

  public Engine(ClusterView view, Collection<Rule> rules, EngineConfig config, Clock clock, Listener listener,
      RuleTimer timer) {
    this.view = view;
    this.config = config;
    this.clock = clock;
    this.listener = listener;
    this.timer = timer;
    this.rules = rules.stream().filter(config::enabled).toList();
    for (Rule rule : this.rules) {
      findingsBySubject.put(rule, new HashMap<>());
      rule.reads().forEach(kind -> rulesByKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(rule));
    }
  }

  /**
   * Findings known from before a restart: if the first full pass finds them again they keep their firstSeen and
   * announce nothing; if not, they are announced as resolved.
   */
  public void restore(Collection<TrackedFinding> previous) {
    previous.forEach(t -> restored.put(t.finding().key(), t));
  }

  /** Evaluates every subject of every enabled rule. Repairs any drift left by missed changes. */
  public void fullPass() {
    Instant now = clock.instant();
    for (Rule rule : rules) {
      Set<String> subjects = new LinkedHashSet<>(findingsBySubject.get(rule).keySet());
      subjects.addAll(safely(rule, "list subjects", () -> rule.allSubjects(view), List.of()));
      subjects.forEach(subject -> evaluate(rule, subject, now, true));
    }
    restored.values().forEach(listener::resolved);
    restored.clear();
    if (!current.isEmpty()) {
      version++;
    }
  }

  /** Re-evaluates what a change can affect; pass the object as it was before and as it is now (either may be null). */
  public void onChange(HasMetadata before, HasMetadata after) {
    HasMetadata any = after != null ? after : before;
    if (any == null) {
      return;
    }
    if (any instanceof Namespace && Silencing.changed(before, after)) {
      // Silencing a namespace touches findings of any rule on any object in it; such changes are rare.
      fullPass();
      return;
    }
    Instant now = clock.instant();
    for (Rule rule : Kind.of(any).map(k -> rulesByKind.getOrDefault(k, List.of())).orElse(List.of())) {
      Set<String> subjects = new LinkedHashSet<>();
      for (HasMetadata state : new HasMetadata[] {before, after}) {
        if (state != null) {
          subjects.addAll(safely(rule, "map " + state.getKind(), () -> rule.subjectsAffectedBy(state, view), List.of()));
        }
      }
      subjects.forEach(subject -> evaluate(rule, subject, now, false));
    }
  }

  /** Evaluates the subjects that asked for another look at or before now. */
  public void runDueRechecks() {
    Instant now = clock.instant();
    List<Subject> due = new ArrayList<>();
    for (Iterator<Map.Entry<Subject, Instant>> it = rechecks.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Subject, Instant> entry = it.next();
      if (!entry.getValue().isAfter(now)) {
        due.add(entry.getKey());
        it.remove();
      }
    }
    due.forEach(s -> evaluate(s.rule(), s.key(), now, false));
  }

  public Optional<Instant> nextRecheck() {
    return rechecks.values().stream().min(Comparator.naturalOrder());
  }

  /** Current findings, most severe first. */
  public List<TrackedFinding> findings() {
    return current.values().stream()
        .sorted(Comparator.comparing(TrackedFinding::finding, TrackedFinding.ORDER))
        .toList();
  }

  /** Increases whenever the findings (or their lastSeen after a full pass) change. */
  public long version() {
    return version;
  }

  /**
   * Evaluates one subject. lastSeen moves only on full passes ({@code confirm}): moving it on every incremental
   * re-evaluation would turn each update of a failing object into a status write.
   */
  private void evaluate(Rule rule, String subject, Instant now, boolean confirm) {
    RuleContext context = new RuleContext(now, config.threshold(rule));
    List<Finding> previous = findingsBySubject.get(rule).getOrDefault(subject, List.of());
    long started = System.nanoTime();
    List<Finding> checked = safely(rule, subject, () -> rule.check(subject, view, context), previous);
    timer.evaluated(rule.id(), System.nanoTime() - started);
    List<Finding> found = checked.stream()
        .filter(f -> config.namespaces().allows(f.object().owningNamespace()))
        .filter(f -> !Silencing.silenced(f, view))
        .map(config::withConfiguredSeverity)
        .toList();
    if (found.isEmpty()) {
      findingsBySubject.get(rule).remove(subject);
    } else {
      findingsBySubject.get(rule).put(subject, found);
    }
    context.recheck().ifPresentOrElse(at -> rechecks.put(new Subject(rule, subject), at),
        () -> rechecks.remove(new Subject(rule, subject)));
    apply(previous, found, now, confirm);
  }

  private void apply(List<Finding> previous, List<Finding> found, Instant now, boolean confirm) {
    Set<Finding.Key> foundKeys = new HashSet<>();
    for (Finding finding : found) {
      Finding.Key key = finding.key();
      foundKeys.add(key);
      TrackedFinding known = current.get(key);
      if (known != null) {
        if (!known.finding().equals(finding)) {
          version++;
        }
        current.put(key, new TrackedFinding(finding, known.firstSeen(), confirm ? now : known.lastSeen()));
        continue;
      }
      TrackedFinding before = restored.remove(key);
      TrackedFinding tracked = new TrackedFinding(finding, before != null ? before.firstSeen() : now, now);
      current.put(key, tracked);
      version++;
      if (before == null) {
        listener.appeared(tracked);
      }
    }
    for (Finding finding : previous) {
      Finding.Key key = finding.key();
      if (!foundKeys.contains(key)) {
        TrackedFinding gone = current.remove(key);
        if (gone != null) {
          version++;
          listener.resolved(gone);
        }
      }
    }
  }

  /** One broken object must not stop the other rules: log the first failure per rule and subject, keep going. */
  private <T> T safely(Rule rule, String subject, java.util.function.Supplier<T> work, T fallback) {
    try {
      return Objects.requireNonNullElse(work.get(), fallback);
    } catch (RuntimeException e) {
      if (reportedFailures.size() > MAX_REMEMBERED_FAILURES) {
        reportedFailures.clear();
      }
      if (reportedFailures.add(rule.id() + "|" + subject)) {
        LOG.debug("rule {} could not evaluate {}: {}", rule.id(), subject, e.toString(), e);
      }
      return fallback;
    }
  }
}
