package io.clusterdoc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One failure pattern found on one object. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StatusFinding {
  @JsonPropertyDescription("The id of the rule that found it; docs/rules/<rule>.md explains it.")
  private String rule;

  @JsonPropertyDescription("critical, warning or info.")
  private String severity;

  @JsonPropertyDescription("The object the finding is about.")
  private FindingObject object;

  @JsonPropertyDescription("What is wrong, in one sentence.")
  private String message;

  @JsonPropertyDescription("Why it happens, as far as the cluster shows.")
  private String cause;

  @JsonPropertyDescription("What to do about it.")
  private String remediation;

  @JsonPropertyDescription("Other objects involved.")
  private List<FindingObject> related = new ArrayList<>();

  @JsonPropertyDescription("When the operator first saw it (RFC 3339).")
  private String firstSeen;

  @JsonPropertyDescription("When the operator last confirmed it (RFC 3339).")
  private String lastSeen;

  public String getRule() {
    return rule;
  }

  public void setRule(String rule) {
    this.rule = rule;
  }

  public String getSeverity() {
    return severity;
  }

  public void setSeverity(String severity) {
    this.severity = severity;
  }

  public FindingObject getObject() {
    return object;
  }

  public void setObject(FindingObject object) {
    this.object = object;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getCause() {
    return cause;
  }

  public void setCause(String cause) {
    this.cause = cause;
  }

  public String getRemediation() {
    return remediation;
  }

  public void setRemediation(String remediation) {
    this.remediation = remediation;
  }

  public List<FindingObject> getRelated() {
    return related;
  }

  public void setRelated(List<FindingObject> related) {
    this.related = related;
  }

  public String getFirstSeen() {
    return firstSeen;
  }

  public void setFirstSeen(String firstSeen) {
    this.firstSeen = firstSeen;
  }

  public String getLastSeen() {
    return lastSeen;
  }

  public void setLastSeen(String lastSeen) {
    this.lastSeen = lastSeen;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StatusFinding f
        && Objects.equals(rule, f.rule) && Objects.equals(severity, f.severity)
        && Objects.equals(object, f.object) && Objects.equals(message, f.message)
        && Objects.equals(cause, f.cause) && Objects.equals(remediation, f.remediation)
        && Objects.equals(related, f.related) && Objects.equals(firstSeen, f.firstSeen)
        && Objects.equals(lastSeen, f.lastSeen);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rule, severity, object, message, cause, remediation, related, firstSeen, lastSeen);
  }
}
