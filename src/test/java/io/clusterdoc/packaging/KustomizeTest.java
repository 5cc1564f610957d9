package io.clusterdoc.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterdoc.testing.KubectlBinary;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kustomize manifests in deploy/ render with kubectl's own kustomize, and the base installs what the chart
 * installs with default values (README.md: helm install clusterdoc ... -n clusterdoc): the same objects under the
 * same names, the same RBAC and the same pod. Only the labels differ: Helm adds the release's.
 */
class KustomizeTest {
  private static final Path DEPLOY = Path.of("deploy");
  private static final Set<String> CLUSTER_SCOPED =
      Set.of("Namespace", "ClusterRole", "ClusterRoleBinding", "ClusterDiagnosis");

  private final ObjectMapper json = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"base", "remediation", "prometheus-operator"})
  void rendersEverythingIntoTheClusterdocNamespace(String dir) throws Exception {
    Manifests manifests = kustomize(dir);

    assertThat(manifests.one(Namespace.class).getMetadata().getName()).isEqualTo("clusterdoc");
    assertThat(manifests.one(Deployment.class).getMetadata().getName()).isEqualTo("clusterdoc");
    for (HasMetadata object : manifests.objects()) {
      String expected = CLUSTER_SCOPED.contains(object.getKind()) ? null : "clusterdoc";
      assertThat(object.getMetadata().getNamespace()).as("namespace of %s/%s in deploy/%s", object.getKind(),
          object.getMetadata().getName(), dir).isEqualTo(expected);
    }
  }

  @Test
  void baseHasTheChartsObjectsUnderTheSameNames() throws Exception {
    TreeSet<String> base = kustomize("base").kindsAndNames();
    base.remove("Namespace/clusterdoc");

    assertThat(base).as("helm install --create-namespace makes the namespace")
        .isEqualTo(HelmChart.renderAsReadmeInstalls().kindsAndNames());
  }

  @Test
  void baseHasTheChartsRbac() throws Exception {
    Manifests base = kustomize("base");
    Manifests chart = HelmChart.renderAsReadmeInstalls();

    assertThat(base.one(ClusterRole.class).getRules()).isEqualTo(chart.one(ClusterRole.class).getRules());
    assertThat(base.one(Role.class).getRules()).isEqualTo(chart.one(Role.class).getRules());
    assertThat(base.one(ClusterRoleBinding.class).getSubjects())
        .isEqualTo(chart.one(ClusterRoleBinding.class).getSubjects());
    assertThat(base.one(RoleBinding.class).getSubjects()).isEqualTo(chart.one(RoleBinding.class).getSubjects());
    assertThat(base.one(RoleBinding.class).getRoleRef()).isEqualTo(chart.one(RoleBinding.class).getRoleRef());
  }

  @Test
  void remediationOverlayAddsTheChartsRemediationClusterRole() throws Exception {
    Manifests overlay = kustomize("remediation");
    Manifests chart = HelmChart.renderAsReadmeInstalls("remediation.enabled=true");

    assertThat(overlay.kindsAndNames()).contains("ClusterRole/clusterdoc-remediation",
        "ClusterRoleBinding/clusterdoc-remediation");
    assertThat(overlay.named(ClusterRole.class, "clusterdoc-remediation").getRules())
        .isEqualTo(chart.named(ClusterRole.class, "clusterdoc-remediation").getRules());
    assertThat(overlay.named(ClusterRoleBinding.class, "clusterdoc-remediation").getSubjects())
        .isEqualTo(chart.named(ClusterRoleBinding.class, "clusterdoc-remediation").getSubjects());
  }

  @Test
  void baseRunsTheChartsContainer() throws Exception {
    Container base = kustomize("base").operator();
    Container chart = HelmChart.renderAsReadmeInstalls().operator();

    assertThat(base.getImage()).isEqualTo(chart.getImage());
    assertThat(base.getArgs()).isEqualTo(chart.getArgs());
    assertThat(base.getEnv()).isEqualTo(chart.getEnv());
    assertThat(base.getPorts()).isEqualTo(chart.getPorts());
    assertThat(base.getLivenessProbe()).isEqualTo(chart.getLivenessProbe());
    assertThat(base.getReadinessProbe()).isEqualTo(chart.getReadinessProbe());
    assertThat(base.getSecurityContext()).isEqualTo(chart.getSecurityContext());
    assertThat(base.getResources()).isEqualTo(chart.getResources());
    assertThat(base.getVolumeMounts()).isEqualTo(chart.getVolumeMounts());
  }

  @Test
  void baseSchedulesThePodsAsTheChartDoes() throws Exception {
    Manifests base = kustomize("base");
    Manifests chart = HelmChart.renderAsReadmeInstalls();
    PodSpec basePod = base.one(Deployment.class).getSpec().getTemplate().getSpec();
    PodSpec chartPod = chart.one(Deployment.class).getSpec().getTemplate().getSpec();

    assertThat(base.one(Deployment.class).getSpec().getReplicas())
        .isEqualTo(chart.one(Deployment.class).getSpec().getReplicas()).isEqualTo(2);
    assertThat(basePod.getSecurityContext()).isEqualTo(chartPod.getSecurityContext());
    assertThat(basePod.getVolumes()).isEqualTo(chartPod.getVolumes());
    assertThat(basePod.getAutomountServiceAccountToken()).isEqualTo(chartPod.getAutomountServiceAccountToken());
    assertThat(basePod.getServiceAccountName()).isEqualTo(chartPod.getServiceAccountName());
    // The label selectors differ (Helm adds the release label); where and how strongly they spread does not.
    assertThat(antiAffinity(basePod)).isEqualTo(antiAffinity(chartPod));
    assertThat(spread(basePod)).isEqualTo(spread(chartPod));
    assertThat(base.one(PodDisruptionBudget.class).getSpec().getMinAvailable())
        .isEqualTo(chart.one(PodDisruptionBudget.class).getSpec().getMinAvailable());
    assertThat(base.one(Service.class).getSpec().getPorts()).isEqualTo(chart.one(Service.class).getSpec().getPorts());
  }

  @Test
  void baseCreatesTheChartsDiagnosis() throws Exception {
    assertThat(spec(kustomize("base").custom("ClusterDiagnosis")))
        .isEqualTo(spec(HelmChart.renderAsReadmeInstalls().custom("ClusterDiagnosis")));
  }

  @Test
  void prometheusOperatorOverlayAddsTheRulesAndAServiceMonitorOfTheMetricsService() throws Exception {
    Manifests overlay = kustomize("prometheus-operator");
    GenericKubernetesResource rule = overlay.custom("PrometheusRule");
    JsonNode rules = HelmChart.readYaml(DEPLOY.resolve("prometheus").resolve("clusterdoc-rules.yaml"));
    Service service = overlay.one(Service.class);
    JsonNode monitor = spec(overlay.custom("ServiceMonitor"));

    assertThat(spec(rule).get("groups").equals(rules.get("groups")))
        .as("the PrometheusRule holds the groups of deploy/prometheus/clusterdoc-rules.yaml").isTrue();
    assertThat(service.getSpec().getSelector()).isEqualTo(Map.of("app.kubernetes.io/name", "clusterdoc"));
    assertThat(json.convertValue(monitor.at("/selector/matchLabels"), Map.class))
        .isEqualTo(service.getMetadata().getLabels());
    assertThat(monitor.at("/namespaceSelector/matchNames")).containsExactly(json.valueToTree("clusterdoc"));
    assertThat(monitor.get("endpoints"))
        .isEqualTo(spec(HelmChart.renderAsReadmeInstalls("serviceMonitor.enabled=true").custom("ServiceMonitor"))
            .get("endpoints"));
    assertThat(monitor.at("/endpoints/0/port").asText()).isEqualTo(service.getSpec().getPorts().get(0).getName());
  }

  private static Manifests kustomize(String dir) throws IOException, InterruptedException {
    return Manifests.parse(KubectlBinary.kustomize(DEPLOY.resolve(dir)));
  }

  private JsonNode spec(GenericKubernetesResource resource) {
    return json.valueToTree(resource.getAdditionalProperties().get("spec"));
  }

  private static List<String> antiAffinity(PodSpec pod) {
    return pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().stream()
        .map(WeightedPodAffinityTerm::getPodAffinityTerm).map(t -> t.getTopologyKey()).toList();
  }

  private static List<String> spread(PodSpec pod) {
    return pod.getTopologySpreadConstraints().stream()
        .map(TopologySpreadConstraint::getTopologyKey).toList();
  }
}
