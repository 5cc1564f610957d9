package io.clusterdoc.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisStatus;
import io.clusterdoc.api.v1alpha1.FindingObject;
import io.clusterdoc.api.v1alpha1.FindingSummary;
import io.clusterdoc.api.v1alpha1.RemediationRecord;
import io.clusterdoc.api.v1alpha1.StatusFinding;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.TrackedFinding;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** Converts between engine findings and the ClusterDiagnosis status. */
final class StatusMapper {
  static final String READY = "Ready";
  static final String REASON_DIAGNOSING = "Diagnosing";
  static final String REASON_INVALID_SPEC = "InvalidSpec";
  /**
   * Findings are listed until their serialized size reaches this, whatever maxFindings says: the whole object
   * must stay far below the API server's 1 MiB limit (etcd's request limit is 1.5 MiB).
   */
  static final int FINDINGS_BUDGET_BYTES = 512 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusMapper() {
  }

  /** The status listing these findings: most severe first, at most maxFindings, the rest counted. */
  static ClusterDiagnosisStatus findings(List<TrackedFinding> findings, ClusterDiagnosisSpec spec, long generation,
      ClusterDiagnosisStatus previous, int ruleCount) {
    int max = maxFindings(spec);
    ClusterDiagnosisStatus status = new ClusterDiagnosisStatus();
    status.setObservedGeneration(generation);
    status.setSummary(summary(findings));
    status.setFindings(listed(findings, max));
    status.setTruncated(findings.size() - status.getFindings().size());
    status.setTruncatedByRule(perRule(findings.subList(status.getFindings().size(), findings.size())));
    status.setConditions(List.of(ready(previous, "True", REASON_DIAGNOSING,
        ruleCount + " rules are watching the cluster")));
    return status;
  }

  /** The status of a diagnosis whose spec cannot be used: the previous findings stay, Ready turns False. */
  static ClusterDiagnosisStatus invalid(String problem, long generation, ClusterDiagnosisStatus previous) {
    ClusterDiagnosisStatus status = new ClusterDiagnosisStatus();
    if (previous != null) {
      status.setSummary(previous.getSummary());
      status.setFindings(previous.getFindings());
      status.setTruncated(previous.getTruncated());
      status.setTruncatedByRule(previous.getTruncatedByRule());
    }
    status.setObservedGeneration(generation);
    status.setConditions(List.of(ready(previous, "False", REASON_INVALID_SPEC, problem)));
    return status;
  }

  /** The findings a status held, so a restarted operator keeps firstSeen and announces nothing twice. */
  static List<TrackedFinding> known(ClusterDiagnosisStatus status) {
    if (status == null || status.getFindings() == null) {
      return List.of();
    }
    return status.getFindings().stream().map(StatusMapper::fromStatus).flatMap(Optional::stream).toList();
  }

  /** The remediation history a status held, newest first. */
  static List<RemediationRecord> remediations(ClusterDiagnosisStatus status) {
    return status == null || status.getRemediations() == null ? List.of() : status.getRemediations();
  }

  private static List<StatusFinding> listed(List<TrackedFinding> findings, int max) {
    List<StatusFinding> listed = new ArrayList<>();
    long bytes = 0;
    for (TrackedFinding tracked : findings) {
      StatusFinding finding = toStatus(tracked);
      bytes += serializedSize(finding);
      if (listed.size() == max || bytes > FINDINGS_BUDGET_BYTES) {
        break;
      }
      listed.add(finding);
    }
    return listed;
  }

  /** The findings left out, counted per rule (the list ends at the first that does not fit); null for none. */
  private static Map<String, Integer> perRule(List<TrackedFinding> unlisted) {
    if (unlisted.isEmpty()) {
      return null;
    }
    Map<String, Integer> counts = new TreeMap<>();
    unlisted.forEach(tracked -> counts.merge(tracked.finding().rule(), 1, Integer::sum));
    return counts;
  }

  private static int serializedSize(StatusFinding finding) {
    try {
      return JSON.writeValueAsBytes(finding).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a status finding cannot be serialized", e);
    }
  }

  static int maxFindings(ClusterDiagnosisSpec spec) {
    Integer max = spec == null ? null : spec.getMaxFindings();
    int value = max == null ? ClusterDiagnosisSpec.DEFAULT_MAX_FINDINGS : max;
    return Math.max(1, Math.min(value, ClusterDiagnosisSpec.MAX_FINDINGS_LIMIT));
  }

  static String timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static FindingSummary summary(List<TrackedFinding> findings) {
    int critical = 0;
    int warning = 0;
    int info = 0;
    for (TrackedFinding t : findings) {
      switch (t.finding().severity()) {
        case CRITICAL -> critical++;
        case WARNING -> warning++;
        case INFO -> info++;
      }
    }
    return new FindingSummary(critical, warning, info);
  }

  private static Condition ready(ClusterDiagnosisStatus previous, String status, String reason, String message) {
    Optional<Condition> before = previous == null || previous.getConditions() == null ? Optional.empty()
        : previous.getConditions().stream().filter(c -> READY.equals(c.getType())).findFirst();
    String since = before.filter(c -> status.equals(c.getStatus())).map(Condition::getLastTransitionTime)
        .orElse(timestamp(Instant.now()));
    return new ConditionBuilder().withType(READY).withStatus(status).withReason(reason).withMessage(message)
        .withLastTransitionTime(since).build();
  }

  private static StatusFinding toStatus(TrackedFinding tracked) {
    Finding f = tracked.finding();
    StatusFinding s = new StatusFinding();
    s.setRule(f.rule());
    s.setSeverity(f.severity().id());
    s.setObject(toStatus(f.object()));
    s.setMessage(f.message());
    s.setCause(f.cause());
    s.setRemediation(f.remediation());
    s.setRelated(f.related().stream().map(StatusMapper::toStatus).toList());
    s.setFirstSeen(timestamp(tracked.firstSeen()));
    s.setLastSeen(timestamp(tracked.lastSeen()));
    return s;
  }

  private static FindingObject toStatus(ObjectRef ref) {
    return new FindingObject(ref.apiVersion(), ref.kind(), ref.namespace(), ref.name(), ref.uid());
  }

  private static Optional<TrackedFinding> fromStatus(StatusFinding s) {
    Optional<Severity> severity = Severity.parse(Objects.requireNonNullElse(s.getSeverity(), ""));
    if (s.getRule() == null || s.getObject() == null || severity.isEmpty()) {
      return Optional.empty();
    }
    FindingObject o = s.getObject();
    ObjectRef object = new ObjectRef(o.getApiVersion(), o.getKind(), o.getNamespace(), o.getName(), o.getUid());
    Finding finding = new Finding(s.getRule(), severity.get(), object, s.getMessage(), s.getCause(),
        s.getRemediation(), List.of());
    Instant firstSeen = parse(s.getFirstSeen());
    return Optional.of(new TrackedFinding(finding, firstSeen, parse(s.getLastSeen())));
  }

  private static Instant parse(String time) {
    try {
      return time == null ? Instant.now() : Instant.parse(time);
    } catch (DateTimeParseException e) {
      return Instant.now();
    }
  }
}
