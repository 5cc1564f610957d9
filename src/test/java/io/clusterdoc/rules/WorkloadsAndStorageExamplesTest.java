package io.clusterdoc.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Rule;
import io.clusterdoc.rules.limits.CertificateExpiring;
import io.clusterdoc.rules.limits.ObjectSizeNearLimit;
import io.clusterdoc.rules.storage.PvcPending;
import io.clusterdoc.rules.workloads.DeploymentRolloutStuck;
import io.clusterdoc.rules.workloads.JobFailed;
import io.clusterdoc.testing.DemoCluster;
import io.clusterdoc.testing.Scenario;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The workloads-and-storage demo file shows each of these rules on its broken objects, on the whole demo cluster.
 * Demo scans run at the real time, so it is checked at the demo's time and years later.
 */
class WorkloadsAndStorageExamplesTest {
  private static final String FILE = "workloads-and-storage.yaml";
  private static final List<String> OTHER_DEMO_FILES =
      List.of("namespaces.yaml", "services.yaml", "kube-system.yaml", "workloads.yaml", "nodes.yaml");

  private static List<Rule> rules() {
    return List.of(new DeploymentRolloutStuck(), new JobFailed(), new PvcPending(), new ObjectSizeNearLimit(),
        new CertificateExpiring());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-20T10:05:00Z", "2031-06-01T00:00:00Z"})
  void eachRuleFiresOnTheBrokenObjectsOfTheDemoCluster(String now) {
    Scenario scenario = Scenario.of(rules(), EngineConfig.DEFAULT, now);
    OTHER_DEMO_FILES.forEach(file -> DemoCluster.load(scenario, file));
    DemoCluster.load(scenario, FILE);

    assertThat(scenario.findings()).extracting(f -> f.rule() + " " + f.severity() + " " + f.object().display())
        .containsExactlyInAnyOrder(
            "deployment-rollout-stuck warning Deployment/analytics/dashboard",
            // The CoreDNS pods of kube-system.yaml are not Ready: coredns-not-ready reports them, this its Deployment.
            "deployment-rollout-stuck warning Deployment/kube-system/coredns",
            "job-failed warning Job/analytics/nightly-export-29919000",
            "pvc-pending warning PersistentVolumeClaim/analytics/warehouse-data",
            "object-size-near-limit warning ConfigMap/analytics/grafana-dashboards",
            "certificate-expiring critical ConfigMap/analytics/kube-root-ca.crt");
    assertThat(scenario.findings()).extracting(Finding::message).contains(
        "Cluster CA certificate CN=kubernetes in ConfigMap analytics/kube-root-ca.crt expired on "
            + "2026-11-01T00:00:00Z.");
  }

}
