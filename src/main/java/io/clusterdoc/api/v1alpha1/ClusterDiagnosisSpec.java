package io.clusterdoc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** What a ClusterDiagnosis looks at. Every field is optional. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterDiagnosisSpec {
  public static final int DEFAULT_MAX_FINDINGS = 200;
  /** Keeps the status far below the API server's 1 MiB object limit. */
  public static final int MAX_FINDINGS_LIMIT = 1000;

  @JsonPropertyDescription("Which namespaces to report on. Findings on objects in other namespaces are left out; "
      + "cluster-scoped objects (Nodes, APIServices) are always reported, Namespaces by their own name.")
  private NamespaceSelection namespaces;

  @JsonPropertyDescription("Which rules run and their thresholds. `clusterdoc rules` lists every rule id.")
  private RuleSettings rules;

  @JsonPropertyDescription("Automatic repair of some findings; off unless set. See docs/remediation.md.")
  private RemediationSettings remediation;

  @JsonPropertyDescription("How many findings the status lists, most severe first; the rest are counted in status.truncated. "
      + "Default 200, at most 1000.")
  @Default("200")
  @Min(1)
  @Max(MAX_FINDINGS_LIMIT)
  private Integer maxFindings;

  public NamespaceSelection getNamespaces() {
    return namespaces;
  }

  public void setNamespaces(NamespaceSelection namespaces) {
    this.namespaces = namespaces;
  }

  public RuleSettings getRules() {
    return rules;
  }

  public void setRules(RuleSettings rules) {
    this.rules = rules;
  }

  public RemediationSettings getRemediation() {
    return remediation;
  }

  public void setRemediation(RemediationSettings remediation) {
    this.remediation = remediation;
  }

  public Integer getMaxFindings() {
    return maxFindings;
  }

  public void setMaxFindings(Integer maxFindings) {
    this.maxFindings = maxFindings;
  }
}
