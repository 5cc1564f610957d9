package io.clusterdoc.remediation;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosisStatus;
import io.clusterdoc.api.v1alpha1.FindingObject;
import io.clusterdoc.api.v1alpha1.RemediationRecord;
import io.clusterdoc.api.v1alpha1.RemediationSettings.Mode;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Runs the planner's decisions under each ClusterDiagnosis's policy: the hourly limits, the mode (a dry run
 * writes nothing), the writes themselves, and the audit of every decision. A decision is recorded when it differs
 * from the last one for the same finding, so a guard that keeps refusing is said once, not on every review.
 * Not thread-safe, but for {@link #history}: one remediation thread drives it.
 */
public final class Remediator {
  /** After acting (or pretending to) on a finding, how long before acting again if it is still there. */
  static final Duration REPEAT_AFTER = Duration.ofHours(1);
  /** After a failed write, how long before trying again. */
  static final Duration RETRY_FAILED_AFTER = Duration.ofMinutes(10);

  /** Writes to the API server, or says in one line why it could not. */
  public interface Writer {
    void apply(Write write) throws WriteFailedException;
  }

  /** Told of every recorded decision: Events, metrics and the status follow from it. */
  public interface Audit {
    void recorded(String diagnosis, ObjectRef object, Outcome outcome, RemediationRecord record);
  }

  /** A write the API server refused or never saw. */
  public static final class WriteFailedException extends Exception {
    public WriteFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private record Attempt(Outcome outcome, String reason, Instant retryAt) {
  }

  private static final class State {
    final RemediationPolicy policy;
    final RateLimiter limiter;
    final Map<String, Attempt> attempts;
    final List<RemediationRecord> history;

    State(RemediationPolicy policy, RateLimiter limiter, Map<String, Attempt> attempts, List<RemediationRecord> history) {
      this.policy = policy;
      this.limiter = limiter;
      this.attempts = attempts;
      this.history = history;
    }
  }

  private final Planner planner;
  private final Writer writer;
  private final Audit audit;
  private final Clock clock;
  private final Map<String, State> states = new HashMap<>();
  private final Map<String, List<RemediationRecord>> published = new ConcurrentHashMap<>();

  public Remediator(Planner planner, Writer writer, Audit audit, Clock clock) {
    this.planner = planner;
    this.writer = writer;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Sets the policy of a diagnosis. The limiter and what was decided survive a policy change; the history starts
   * from what the status held, so a restart loses no record.
   */
  public void configure(String diagnosis, RemediationPolicy policy, List<RemediationRecord> statusHistory) {
    State previous = states.get(diagnosis);
    State state = previous != null
        ? new State(policy, previous.limiter, previous.attempts, previous.history)
        : new State(policy, new RateLimiter(), new HashMap<>(), new ArrayList<>(statusHistory));
    states.put(diagnosis, state);
    published.put(diagnosis, List.copyOf(state.history));
  }

  /** Keeps only these diagnoses: the others were deleted. */
  public void retain(Set<String> diagnoses) {
    states.keySet().retainAll(diagnoses);
    published.keySet().retainAll(diagnoses);
  }

  /** Whether any diagnosis asks for remediation at all: most clusters never do. */
  public boolean anyActive() {
    return states.values().stream().anyMatch(state -> state.policy.active());
  }

  /** The recorded decisions of a diagnosis, newest first; safe from any thread. */
  public List<RemediationRecord> history(String diagnosis) {
    return published.getOrDefault(diagnosis, List.of());
  }

  /** Looks at the current findings of a diagnosis and acts on those its policy and their owners allow. */
  public void review(String diagnosis, List<Finding> findings, FreshReads reads) {
    State state = states.get(diagnosis);
    if (state == null || !state.policy.active()) {
      return;
    }
    Set<String> present = new HashSet<>();
    for (Finding finding : findings) {
      Optional<RemediationAction> action = planner.actionFor(finding.rule()).filter(state.policy::allows);
      if (action.isPresent()) {
        String key = action.get().id() + "|" + finding.key();
        present.add(key);
        consider(diagnosis, state, action.get(), finding, key, reads);
      }
    }
    state.attempts.keySet().retainAll(present);
  }

  private void consider(String diagnosis, State state, RemediationAction action, Finding finding, String key,
      FreshReads reads) {
    Instant now = clock.instant();
    Attempt last = state.attempts.get(key);
    if (last != null && now.isBefore(last.retryAt())) {
      return;
    }
    Optional<Decision> decision;
    try {
      decision = planner.plan(finding, state.policy, reads, now);
    } catch (RuntimeException e) {
      decision = Optional.of(Decision.refuse("cannot read what the guards check: " + e.getMessage()));
    }
    if (decision.isEmpty()) {
      state.attempts.remove(key);
      return;
    }
    Attempt attempt = carryOut(state, action, decision.get(), now);
    if (last == null || last.outcome() != attempt.outcome() || !last.reason().equals(attempt.reason())) {
      record(diagnosis, state, action, finding.object(), attempt, now);
    }
    state.attempts.put(key, attempt);
  }

  private Attempt carryOut(State state, RemediationAction action, Decision decision, Instant now) {
    if (decision.refused()) {
      return new Attempt(Outcome.SKIPPED, decision.reason(), now);
    }
    RemediationPolicy policy = state.policy;
    if (!state.limiter.tryAcquire(action.id(), now, policy.maxPerHour(), policy.maxPerHourPerAction())) {
      return new Attempt(Outcome.RATE_LIMITED, "rate limit reached: at most " + policy.maxPerHour()
          + " actions per hour, " + policy.maxPerHourPerAction() + " of " + action.id(), now);
    }
    String writes = decision.writes().stream().map(Write::describe).collect(Collectors.joining("; "));
    if (policy.mode() == Mode.DRY_RUN) {
      return new Attempt(Outcome.DRY_RUN, "would " + writes + " (" + decision.reason() + ")",
          now.plus(REPEAT_AFTER));
    }
    int done = 0;
    for (Write write : decision.writes()) {
      try {
        writer.apply(write);
        done++;
      } catch (WriteFailedException e) {
        String progress = decision.writes().size() > 1 ? " after " + done + " of " + decision.writes().size() : "";
        return new Attempt(Outcome.FAILED, "could not " + write.describe() + progress + ": " + e.getMessage(),
            now.plus(RETRY_FAILED_AFTER));
      }
    }
    return new Attempt(Outcome.APPLIED, writes + " (" + decision.reason() + ")", now.plus(REPEAT_AFTER));
  }

  private void record(String diagnosis, State state, RemediationAction action, ObjectRef object, Attempt attempt,
      Instant now) {
    RemediationRecord record = new RemediationRecord(now.truncatedTo(ChronoUnit.SECONDS).toString(), action.id(),
        new FindingObject(object.apiVersion(), object.kind(), object.namespace(), object.name(), object.uid()),
        attempt.outcome().display(), attempt.reason());
    state.history.add(0, record);
    if (state.history.size() > ClusterDiagnosisStatus.MAX_REMEDIATIONS) {
      state.history.subList(ClusterDiagnosisStatus.MAX_REMEDIATIONS, state.history.size()).clear();
    }
    published.put(diagnosis, List.copyOf(state.history));
    audit.recorded(diagnosis, object, attempt.outcome(), record);
  }
}
