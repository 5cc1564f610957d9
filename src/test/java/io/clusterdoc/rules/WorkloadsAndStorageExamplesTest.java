package io.clusterdoc.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Rule;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.input.ManifestReader;
import io.clusterdoc.rules.limits.CertificateExpiring;
import io.clusterdoc.rules.limits.ObjectSizeNearLimit;
import io.clusterdoc.rules.storage.PvcPending;
import io.clusterdoc.rules.workloads.DeploymentRolloutStuck;
import io.clusterdoc.rules.workloads.JobFailed;
import io.clusterdoc.testing.DemoCluster;
import io.clusterdoc.testing.Scenario;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The workloads-and-storage example files: the demo one shows each of these rules on its broken objects, on the
 * whole demo cluster, and the healthy one gives no warning from any rule. Demo scans run at the real time, so both are checked at the
 * demo's time and years later.
 */
class WorkloadsAndStorageExamplesTest {
  private static final String FILE = "workloads-and-storage.yaml";
  private static final List<String> OTHER_DEMO_FILES =
      List.of("namespaces.yaml", "services.yaml", "kube-system.yaml", "workloads.yaml", "nodes.yaml");
  private static final Path HEALTHY = Path.of("docs", "examples", "healthy-cluster");

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

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-20T10:05:00Z", "2031-06-01T00:00:00Z"})
  void theHealthyLookAlikesGiveNoWarningFromAnyRule(String now) throws IOException {
    Set<String> catalogued = RuleCatalog.ids();
    List<Rule> all = new ArrayList<>(RuleCatalog.all());
    rules().stream().filter(rule -> !catalogued.contains(rule.id())).forEach(all::add);
    Scenario scenario = Scenario.of(all, EngineConfig.DEFAULT, now);

    ManifestReader.Result healthy = new ManifestReader().read(HEALTHY.resolve(FILE));
    assertThat(healthy.problems()).isEmpty();
    assertThat(healthy.objects()).extracting(o -> o.getKind()).contains("Deployment", "Job",
        "PersistentVolumeClaim", "ConfigMap");
    healthy.objects().forEach(scenario.store()::put);
    scenario.fullPass();

    assertThat(scenario.findings())
        .filteredOn(f -> f.severity().atLeast(Severity.WARNING))
        .extracting(f -> f.rule() + " " + f.object().display())
        .isEmpty();
    assertThat(all.stream().map(Rule::id).collect(Collectors.toSet()))
        .contains(DeploymentRolloutStuck.ID, JobFailed.ID, PvcPending.ID, ObjectSizeNearLimit.ID,
            CertificateExpiring.ID);
  }
}
