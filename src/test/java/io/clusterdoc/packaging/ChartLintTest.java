package io.clusterdoc.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helm lint --strict passes on the chart with its defaults and with every optional feature on. */
class ChartLintTest {
  @TempDir
  Path tmp;

  @Test
  void passesWithTheDefaultValues() {
    LintResult result = HelmChart.lint(HelmChart.DIR);

    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
  }

  @Test
  void passesWithEveryOptionalFeatureOn() throws IOException {
    LintResult result = HelmChart.lint(HelmChart.copyWithValues(tmp, HelmChart.ALL_FEATURES));

    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
  }

  @Test
  void failsOnAValuesFileTheSchemaRejectsNamingTheValue() throws IOException {
    Path overrides = tmp.resolve("bad.yaml");
    Files.writeString(overrides, "replicaCount: -1\n");

    LintResult result = HelmChart.lint(HelmChart.copyWithValues(tmp, overrides));

    assertThat(result.isFailed()).isTrue();
    assertThat(String.join("\n", result.getMessages())).contains("replicaCount: Must be greater than or equal to 0");
  }
}
