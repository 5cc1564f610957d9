package io.clusterdoc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Namespace name globs: {@code *} matches any run of characters, {@code ?} one character. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.include) || !has(self.exclude) || !self.include.exists(g, g in self.exclude)",
    message = "a glob cannot be both included and excluded")
public class NamespaceSelection {
  @JsonPropertyDescription("Namespace name globs to report on (for example team-*). Empty or absent: every namespace.")
  private List<String> include;

  @JsonPropertyDescription("Namespace name globs never to report on; wins over include.")
  private List<String> exclude;

  public List<String> getInclude() {
    return include;
  }

  public void setInclude(List<String> include) {
    this.include = include;
  }

  public List<String> getExclude() {
    return exclude;
  }

  public void setExclude(List<String> exclude) {
    this.exclude = exclude;
  }
}
