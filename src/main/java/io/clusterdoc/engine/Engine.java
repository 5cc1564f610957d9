package io.clusterdoc.engine;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
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
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
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

  /** An enabled rule with what the engine looks up on each of its evaluations: its threshold and its findings. */
  private record RuleState(Rule rule, Threshold threshold, Map<String, List<Finding>> findingsBySubject) {
  }

  private final ClusterView view;
  private final EngineConfig config;
  private final Clock clock;
  private final Listener listener;
  private final RuleMonitor monitor;
  private final List<RuleState> rules = new ArrayList<>();
  private final Map<Kind, List<RuleState>> rulesByKind = new EnumMap<>(Kind.class);
  private final Map<Finding.Key, TrackedFinding> current = new HashMap<>();
  private final Map<Finding.Key, TrackedFinding> restored = new HashMap<>();
  private final Map<Subject, Instant> rechecks = new HashMap<>();
  private final Set<String> reportedFailures = new HashSet<>();
  private long version;

  public Engine(ClusterView view, Collection<Rule> rules, EngineConfig config, Clock clock, Listener listener) {
    this(view, rules, config, clock, listener, RuleMonitor.NONE);
  }

  public Engine(ClusterView view, Collection<Rule> rules, EngineConfig config, Clock clock, Listener listener,
      RuleMonitor monitor) {
    this.view = view;
    this.config = config;
    this.clock = clock;
    this.listener = listener;
    this.monitor = monitor;
    for (Rule rule : rules) {
      if (config.enabled(rule)) {
        RuleState state = new RuleState(rule, config.threshold(rule), new HashMap<>());
        this.rules.add(state);
        rule.reads().forEach(kind -> rulesByKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(state));
      }
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
    // First the subjects that had findings, so that those no longer listed resolve; then the others, each once.
    // Evaluating a subject twice would change nothing, so the listed ones (every pod, for many rules) are not
    // gathered into a set: only the few with findings are.
    Map<RuleState, Set<String>> hadFindings = new IdentityHashMap<>();
    rules.forEach(state -> hadFindings.put(state, new LinkedHashSet<>(state.findingsBySubject().keySet())));
    Map<RuleState, List<List<Finding>>> foundByObject = checkEachObjectOnce(hadFindings, now);
    for (RuleState state : rules) {
      Set<String> had = hadFindings.get(state);
      had.forEach(subject -> evaluate(state, subject, null, now, true));
      List<List<Finding>> found = foundByObject.get(state);
      if (found != null) {
        found.forEach(findings -> apply(List.of(), findings, now, true));
        continue;
      }
      for (String subject : allSubjects(state.rule())) {
        if (!had.contains(subject)) {
          evaluate(state, subject, null, now, true);
        }
      }
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
    Optional<Kind> kind = Kind.of(any);
    if (kind.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    String beforeKey = keyOf(before);
    String afterKey = keyOf(after);
    Stored stored = Stored.of(kind.get(), afterKey != null ? afterKey : beforeKey, view);
    for (RuleState state : rulesByKind.getOrDefault(kind.get(), List.of())) {
      Collection<String> was = subjectsAffectedBy(state.rule(), before, beforeKey);
      Collection<String> is = subjectsAffectedBy(state.rule(), after, afterKey);
      for (String subject : eachOnce(was, is)) {
        evaluate(state, subject, stored.objectFor(state, subject), now, false);
      }
    }
  }

  /**
   * The subjects named before or after a change, each once, in that order. Usually both name the same single subject
   * (the changed object itself), which needs no set.
   */
  private static Collection<String> eachOnce(Collection<String> was, Collection<String> is) {
    if (was.size() <= 1 && is.size() <= 1) {
      if (is.isEmpty() || was.containsAll(is)) {
        return was;
      }
      if (was.isEmpty()) {
        return is;
      }
    }
    Set<String> subjects = new LinkedHashSet<>(was);
    subjects.addAll(is);
    return subjects;
  }

  /**
   * The changed object as the store holds it now, read once for the dozen object rules whose subject it is rather
   * than looked up by each of them.
   */
  private record Stored(Kind kind, String key, HasMetadata object) {

    static Stored of(Kind kind, String key, ClusterView view) {
      return new Stored(kind, key, key == null ? null : view.get(kind.type(), key).orElse(null));
    }

    /** The object, for an object rule whose subject it is; null otherwise, and the rule reads its subject itself. */
    HasMetadata objectFor(RuleState state, String subject) {
      return state.rule() instanceof ObjectRule<?> rule && rule.subjectType() == kind.type() && subject.equals(key)
          ? object : null;
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
    due.forEach(s -> evaluate(stateOf(s.rule()), s.key(), null, now, false));
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
   * Evaluates one subject, reading {@code fetched} as its object when the caller has it (else null). lastSeen moves
   * only on full passes ({@code confirm}): moving it on every incremental re-evaluation would turn each update of a
   * failing object into a status write.
   */
  private void evaluate(RuleState state, String subject, HasMetadata fetched, Instant now, boolean confirm) {
    List<Finding> previous = state.findingsBySubject().getOrDefault(subject, List.of());
    List<Finding> found = checkAndKeep(state, subject, fetched, previous, now);
    if (!previous.isEmpty() || !found.isEmpty()) {
      apply(previous, found, now, confirm);
    }
  }

  /**
   * Checks the subjects of object rules object by object instead of rule by rule: each object is read once, while
   * it is in the processor's cache, by all the rules of its kind. Reading each of 150,000 pods again for each of a
   * dozen pod rules cost more than their checks. Only the findings are returned, for each rule in the order its
   * subjects are listed: the caller tells them rule by rule, as a rule-by-rule pass would. Subjects that had findings
   * are left to the caller.
   */
  private Map<RuleState, List<List<Finding>>> checkEachObjectOnce(Map<RuleState, Set<String>> hadFindings,
      Instant now) {
    Map<Class<? extends HasMetadata>, List<RuleState>> rulesBySubjectType = new LinkedHashMap<>();
    Map<RuleState, List<List<Finding>>> found = new IdentityHashMap<>();
    for (RuleState state : rules) {
      if (state.rule() instanceof ObjectRule<?> objectRule) {
        rulesBySubjectType.computeIfAbsent(objectRule.subjectType(), type -> new ArrayList<>()).add(state);
        found.put(state, new ArrayList<>());
      }
    }
    rulesBySubjectType.forEach((type, states) -> {
      for (String key : view.keys(type)) {
        HasMetadata object = view.get(type, key).orElseThrow();
        for (RuleState state : states) {
          if (!hadFindings.get(state).contains(key)) {
            List<Finding> findings = checkAndKeep(state, key, object, List.of(), now);
            if (!findings.isEmpty()) {
              found.get(state).add(findings);
            }
          }
        }
      }
    });
    return found;
  }

  /**
   * Checks one subject (reading the given object when the caller has fetched it), keeps the findings and the
   * recheck it asks for, and returns the findings; telling the listener is left to the caller.
   */
  private List<Finding> checkAndKeep(RuleState state, String subject, HasMetadata fetched, List<Finding> previous,
      Instant now) {
    Rule rule = state.rule();
    RuleContext context = new RuleContext(now, state.threshold());
    long started = System.nanoTime();
    List<Finding> checked = check(rule, subject, fetched, context, previous);
    monitor.evaluated(rule.id(), System.nanoTime() - started);
    List<Finding> found = kept(checked);
    if (found.isEmpty()) {
      state.findingsBySubject().remove(subject);
    } else {
      state.findingsBySubject().put(subject, found);
    }
    context.recheck().ifPresentOrElse(at -> rechecks.put(new Subject(rule, subject), at),
        () -> rechecks.remove(new Subject(rule, subject)));
    return found;
  }

  /** The findings the diagnosis keeps, with their configured severity; most checks find nothing to filter. */
  private List<Finding> kept(List<Finding> checked) {
    if (checked.isEmpty()) {
      return List.of();
    }
    return checked.stream()
        .filter(f -> config.namespaces().allows(f.object().owningNamespace()))
        .filter(f -> !Silencing.silenced(f, view))
        .map(config::withConfiguredSeverity)
        .toList();
  }

  /** The store key, built once per change for all the rules; null without metadata, so that rules fail as before. */
  private static String keyOf(HasMetadata object) {
    return object == null || object.getMetadata() == null ? null : Keys.of(object);
  }

  private RuleState stateOf(Rule rule) {
    return rules.stream().filter(state -> state.rule() == rule).findFirst().orElseThrow();
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

  // One broken object must not stop the other rules: each call into a rule falls back on failure and goes on.

  private List<Finding> check(Rule rule, String subject, HasMetadata fetched, RuleContext context,
      List<Finding> previous) {
    try {
      List<Finding> found = fetched == null ? rule.check(subject, view, context)
          : ((ObjectRule<?>) rule).checkFetched(fetched, view, context);
      return Objects.requireNonNullElse(found, previous);
    } catch (RuntimeException e) {
      reportFailure(rule, subject, e);
      return previous;
    }
  }

  private Collection<String> subjectsAffectedBy(Rule rule, HasMetadata changed, String changedKey) {
    if (changed == null) {
      return List.of();
    }
    try {
      return Objects.requireNonNullElse(rule.subjectsAffectedBy(changed, changedKey, view), List.of());
    } catch (RuntimeException e) {
      reportFailure(rule, "map " + changed.getKind(), e);
      return List.of();
    }
  }

  private Collection<String> allSubjects(Rule rule) {
    try {
      return Objects.requireNonNullElse(rule.allSubjects(view), List.of());
    } catch (RuntimeException e) {
      reportFailure(rule, "list subjects", e);
      return List.of();
    }
  }

  /** Counts every failure, and logs the first per rule and subject. */
  private void reportFailure(Rule rule, String subject, RuntimeException e) {
    monitor.failed(rule.id());
    if (reportedFailures.size() > MAX_REMEMBERED_FAILURES) {
      reportedFailures.clear();
    }
    if (reportedFailures.add(rule.id() + "|" + subject)) {
      LOG.debug("rule {} could not evaluate {}: {}", rule.id(), subject, e.toString(), e);
    }
  }
}
