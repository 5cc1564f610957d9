package io.clusterdoc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What the operator found. Written only through the status subresource. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterDiagnosisStatus {
  /** Enough to audit the last hours at the default rate limit, small enough to leave room for findings. */
  public static final int MAX_REMEDIATIONS = 50;

  @JsonPropertyDescription("The metadata.generation of the spec this status was computed from.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready is True while the diagnosis runs with a valid spec; False with reason InvalidSpec names the field at fault.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Number of findings per severity, including the ones not listed.")
  private FindingSummary summary;

  @JsonPropertyDescription("Current findings, most severe first, at most spec.maxFindings of them.")
  private List<StatusFinding> findings = new ArrayList<>();

  @JsonPropertyDescription("How many current findings are not listed in findings, because of spec.maxFindings or "
      + "the status size budget (512 KiB of findings).")
  private Integer truncated;

  @JsonPropertyDescription("The findings not listed, counted per rule; absent when every finding is listed.")
  private Map<String, Integer> truncatedByRule;

  @JsonPropertyDescription("The latest remediation decisions, newest first (at most "
      + MAX_REMEDIATIONS + "): applied, dry-run, skipped, rate-limited or failed, each with its reason.")
  private List<RemediationRecord> remediations;

  @JsonPropertyDescription("When the findings were last written (RFC 3339).")
  private String lastUpdated;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public FindingSummary getSummary() {
    return summary;
  }

  public void setSummary(FindingSummary summary) {
    this.summary = summary;
  }

  public List<StatusFinding> getFindings() {
    return findings;
  }

  public void setFindings(List<StatusFinding> findings) {
    this.findings = findings;
  }

  public Integer getTruncated() {
    return truncated;
  }

  public void setTruncated(Integer truncated) {
    this.truncated = truncated;
  }

  public Map<String, Integer> getTruncatedByRule() {
    return truncatedByRule;
  }

  public void setTruncatedByRule(Map<String, Integer> truncatedByRule) {
    this.truncatedByRule = truncatedByRule;
  }

  public List<RemediationRecord> getRemediations() {
    return remediations;
  }

  public void setRemediations(List<RemediationRecord> remediations) {
    this.remediations = remediations;
  }

  public String getLastUpdated() {
    return lastUpdated;
  }

  public void setLastUpdated(String lastUpdated) {
    this.lastUpdated = lastUpdated;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClusterDiagnosisStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(summary, s.summary)
        && Objects.equals(findings, s.findings)
        && Objects.equals(truncated, s.truncated)
        && Objects.equals(truncatedByRule, s.truncatedByRule)
        && Objects.equals(remediations, s.remediations)
        && Objects.equals(lastUpdated, s.lastUpdated);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, summary, findings, truncated, truncatedByRule, remediations,
        lastUpdated);
  }
}
