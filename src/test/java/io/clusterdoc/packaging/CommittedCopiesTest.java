package io.clusterdoc.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Helm reads nothing outside the chart and kustomize nothing outside its directory, so the chart and the
 * prometheus-operator overlay hold copies of files kept elsewhere. Each copy must equal its source.
 */
class CommittedCopiesTest {
  private static final Path CRD = Path.of("crds", "clusterdiagnoses.clusterdoc.io-v1.yml");

  @ParameterizedTest(name = "{1} equals {0}")
  @CsvSource({
      "crds/clusterdiagnoses.clusterdoc.io-v1.yml, helm/clusterdoc/crds/clusterdiagnoses.clusterdoc.io-v1.yml",
      "deploy/prometheus/clusterdoc-rules.yaml, helm/clusterdoc/files/clusterdoc-rules.yaml",
      "deploy/grafana/clusterdoc-dashboard.json, helm/clusterdoc/files/clusterdoc-dashboard.json",
      "deploy/prometheus/clusterdoc-prometheusrule.yaml, deploy/prometheus-operator/clusterdoc-prometheusrule.yaml"})
  void copyEqualsItsSource(Path source, Path copy) throws IOException {
    String refresh = "%s differs from %s: refresh the copy with  cp %s %s".formatted(copy, source, source, copy);

    assertThat(copy).as(refresh).exists();
    // A boolean, not isEqualTo: two whole files printed side by side would bury the message.
    assertThat(Files.readString(copy).equals(Files.readString(source))).as(refresh).isTrue();
  }

  @Test
  void helmFindsTheCrdInTheChart() {
    String shown = new Helm(HelmChart.DIR).show().crds().call();

    assertThat(HelmChart.readYamlText(shown)).isEqualTo(HelmChart.readYaml(CRD));
  }
}
