package io.clusterdoc.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosis;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.InvalidSettingException;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.remediation.RemediationCatalog;
import io.clusterdoc.rules.RuleCatalog;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpecReaderTest {
  private final SpecReader reader = new SpecReader(RuleCatalog.all(), RemediationCatalog.all());

  @Test
  void anEmptySpecRunsEveryRuleWithDefaults() throws InvalidSettingException {
    EngineConfig config = reader.read(spec("{}"));

    assertThat(config.disabledRules()).isEmpty();
    assertThat(config.thresholds()).isEmpty();
    assertThat(reader.read(null)).isEqualTo(config);
  }

  @Test
  void readsEveryField() throws InvalidSettingException {
    EngineConfig config = reader.read(spec("""
        {"namespaces": {"include": ["team-*"], "exclude": ["team-sandbox"]},
         "rules": {"disabled": ["node-pressure"], "thresholds": {"namespace-stuck-terminating": "1h30m"}}}
        """));

    assertThat(config.disabledRules()).containsExactly("node-pressure");
    assertThat(config.thresholds()).containsEntry("namespace-stuck-terminating", Threshold.of(Duration.ofMinutes(90)));
    assertThat(config.namespaces().allows("team-a")).isTrue();
    assertThat(config.namespaces().allows("team-sandbox")).isFalse();
  }

  @Test
  void namesTheFieldOfABadValue() {
    assertThatThrownBy(() -> reader.read(spec("{\"rules\": {\"thresholds\": {\"namespace-stuck-terminating\": \"5 min\"}}}")))
        .hasMessage("spec.rules.thresholds.namespace-stuck-terminating: '5 min' is not a duration such as 90s, 5m or 1h30m");
    assertThatThrownBy(() -> reader.read(spec("{\"rules\": {\"thresholds\": {\"pod-evicted\": \"5m\"}}}")))
        .hasMessage("spec.rules.thresholds.pod-evicted: rule pod-evicted has no threshold");
    assertThatThrownBy(() -> reader.read(spec("{\"namespaces\": {\"exclude\": [\"ok\", \"Not_OK\"]}}")))
        .hasMessageStartingWith("spec.namespaces.exclude[1]: 'Not_OK' is not a namespace name glob");
    assertThatThrownBy(() -> reader.read(spec("{\"rules\": {\"thresholds\": {\"namespace-stuck-terminating\": \"0s\"}}}")))
        .hasMessage("spec.rules.thresholds.namespace-stuck-terminating: a threshold must be longer than 0s");
    assertThatThrownBy(() -> reader.read(spec("{\"namespaces\": {\"include\": [\"team-*\", \"ops\"], "
        + "\"exclude\": [\"kube-*\", \"ops\"]}}")))
        .hasMessage("spec.namespaces.exclude[1]: 'ops' is also in spec.namespaces.include");
  }

  private static ClusterDiagnosisSpec spec(String json) {
    String resource = "{\"apiVersion\": \"clusterdoc.io/v1alpha1\", \"kind\": \"ClusterDiagnosis\", "
        + "\"metadata\": {\"name\": \"cluster\"}, \"spec\": " + json + "}";
    return new KubernetesSerialization().unmarshal(resource, ClusterDiagnosis.class).getSpec();
  }
}
