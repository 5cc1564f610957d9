package io.clusterdoc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Finding counts per severity. */
public class FindingSummary {
  @JsonPropertyDescription("Findings of severity critical.")
  private int critical;

  @JsonPropertyDescription("Findings of severity warning.")
  private int warning;

  @JsonPropertyDescription("Findings of severity info.")
  private int info;

  @JsonPropertyDescription("All findings.")
  private int total;

  public FindingSummary() {
  }

  public FindingSummary(int critical, int warning, int info) {
    this.critical = critical;
    this.warning = warning;
    this.info = info;
    this.total = critical + warning + info;
  }

  public int getCritical() {
    return critical;
  }

  public void setCritical(int critical) {
    this.critical = critical;
  }

  public int getWarning() {
    return warning;
  }

  public void setWarning(int warning) {
    this.warning = warning;
  }

  public int getInfo() {
    return info;
  }

  public void setInfo(int info) {
    this.info = info;
  }

  public int getTotal() {
    return total;
  }

  public void setTotal(int total) {
    this.total = total;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FindingSummary s
        && critical == s.critical && warning == s.warning && info == s.info && total == s.total;
  }

  @Override
  public int hashCode() {
    return Objects.hash(critical, warning, info, total);
  }
}
