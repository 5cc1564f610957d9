package io.clusterdoc.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the chart renders: exactly these objects by default, the optional ones only when asked for. */
class ChartRenderTest {
  private static final Set<String> CLUSTER_SCOPED = Set.of("ClusterRole", "ClusterRoleBinding", "ClusterDiagnosis");
  private static final List<String> DEFAULT_OBJECTS = List.of(
      "ClusterDiagnosis/cluster", "ClusterRole/diag", "ClusterRoleBinding/diag", "Deployment/diag",
      "PodDisruptionBudget/diag", "Role/diag-leader-election", "RoleBinding/diag-leader-election",
      "Service/diag-metrics", "ServiceAccount/diag");
  private static final List<String> OPTIONAL_OBJECTS = List.of(
      "ClusterRole/diag-remediation", "ClusterRoleBinding/diag-remediation", "ConfigMap/diag-dashboard",
      "NetworkPolicy/diag", "PrometheusRule/diag", "ServiceMonitor/diag");

  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void defaultValuesRenderExactlyTheOperatorItsRbacServicePdbAndDiagnosis() {
    assertThat(HelmChart.render().kindsAndNames()).containsExactlyInAnyOrderElementsOf(DEFAULT_OBJECTS);
  }

  @Test
  void everyOptionalFeatureAddsItsObjects() {
    Manifests all = HelmChart.render(HelmChart.ALL_FEATURES);

    assertThat(all.kindsAndNames()).containsExactlyInAnyOrderElementsOf(
        concat(DEFAULT_OBJECTS, OPTIONAL_OBJECTS));
  }

  @Test
  void namespacedObjectsGoToTheReleaseNamespace() {
    for (HasMetadata object : HelmChart.render(HelmChart.ALL_FEATURES).objects()) {
      String expected = CLUSTER_SCOPED.contains(object.getKind()) ? null : HelmChart.NAMESPACE;
      assertThat(object.getMetadata().getNamespace()).as("namespace of %s/%s", object.getKind(), object.getMetadata().getName())
          .isEqualTo(expected);
    }
  }

  @Test
  void withoutLeaderElectionASingleReplicaGetsNoLeaseRoleNoFlagAndNoPdb() {
    Manifests single = HelmChart.render("replicaCount=1", "leaderElection.enabled=false");

    assertThat(single.all(Role.class)).isEmpty();
    assertThat(single.all(RoleBinding.class)).isEmpty();
    assertThat(single.all(PodDisruptionBudget.class)).as("minAvailable 1 of 1 would block node drains").isEmpty();
    assertThat(single.operator().getArgs()).noneMatch(arg -> arg.startsWith("--leader-election")
        || arg.startsWith("--lease-name"));
  }

  @Test
  void thePdbCanBeTurnedOff() {
    assertThat(HelmChart.render("podDisruptionBudget.enabled=false").all(PodDisruptionBudget.class)).isEmpty();
  }

  @Test
  void theDefaultDiagnosisCanBeLeftOut() {
    assertThat(HelmChart.render("defaultDiagnosis.enabled=false").kindsAndNames())
        .doesNotContain("ClusterDiagnosis/cluster");
  }

  @Test
  void prometheusRuleHoldsTheGroupsOfTheRuleFile() throws IOException {
    GenericKubernetesResource rule = HelmChart.render(HelmChart.ALL_FEATURES).custom("PrometheusRule");
    JsonNode source = HelmChart.readYaml(Path.of("deploy", "prometheus", "clusterdoc-rules.yaml"));

    assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.getMetadata().getLabels()).containsEntry("release", "prometheus");
    // A boolean, not isEqualTo: two rule files printed side by side would bury the message.
    assertThat(json.valueToTree(rule.getAdditionalProperties().get("spec")).get("groups")
        .equals(source.get("groups"))).as("spec.groups equal the groups of deploy/prometheus/clusterdoc-rules.yaml")
        .isTrue();
  }

  @Test
  void dashboardConfigMapHoldsTheDashboardForGrafanasSidecar() throws IOException {
    ConfigMap dashboard = HelmChart.render(HelmChart.ALL_FEATURES).one(ConfigMap.class);
    JsonNode source = json.readTree(Path.of("deploy", "grafana", "clusterdoc-dashboard.json").toFile());

    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboard.getData()).containsOnlyKeys("clusterdoc-dashboard.json");
    assertThat(json.readTree(dashboard.getData().get("clusterdoc-dashboard.json")).equals(source))
        .as("the ConfigMap's dashboard equals deploy/grafana/clusterdoc-dashboard.json").isTrue();
  }

  @Test
  void serviceMonitorScrapesTheMetricsServiceOfTheRelease() {
    Manifests all = HelmChart.render(HelmChart.ALL_FEATURES);
    GenericKubernetesResource monitor = all.custom("ServiceMonitor");
    JsonNode spec = json.valueToTree(monitor.getAdditionalProperties().get("spec"));
    Service service = all.one(Service.class);

    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    assertThat(service.getMetadata().getLabels())
        .containsAllEntriesOf(json.convertValue(spec.at("/selector/matchLabels"), STRING_MAP));
    assertThat(spec.at("/namespaceSelector/matchNames")).containsExactly(json.valueToTree("tools"));
    assertThat(spec.get("endpoints")).isEqualTo(json.valueToTree(
        List.of(Map.of("port", "metrics", "path", "/metrics", "interval", "30s"))));
    assertThat(service.getSpec().getPorts()).extracting(p -> p.getName()).containsExactly("metrics");
  }

  @Test
  void networkPolicyAdmitsOnlyTheMetricsPortAndLeavesEgressOpenByDefault() {
    Manifests manifests = HelmChart.render("networkPolicy.enabled=true");
    NetworkPolicy policy = manifests.one(NetworkPolicy.class);

    assertThat(manifests.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getEgress()).isEmpty();
    assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
      assertThat(rule.getPorts()).extracting(NetworkPolicyPort::getPort).containsExactly(new IntOrString("metrics"));
      assertThat(rule.getFrom()).as("no metricsFrom: any source").isEmpty();
    });
  }

  @Test
  void networkPolicyCanRestrictEgressToDnsAndTheApiServerPortsAndTheMetricsPortToSomeSources() {
    NetworkPolicy policy = HelmChart.render(HelmChart.ALL_FEATURES).one(NetworkPolicy.class);

    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(policy.getSpec().getEgress()).flatExtracting(rule -> rule.getPorts())
        .extracting(p -> p.getProtocol() + "/" + p.getPort().getValue())
        .containsExactlyInAnyOrder("UDP/53", "TCP/53", "TCP/443", "TCP/6443");
    assertThat(policy.getSpec().getEgress()).allSatisfy(rule -> assertThat(rule.getTo()).isEmpty());
    assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule ->
        assertThat(rule.getFrom()).singleElement().satisfies(peer -> assertThat(
            peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "monitoring")));
  }

  private static List<String> concat(List<String> first, List<String> second) {
    return Stream.concat(first.stream(), second.stream()).toList();
  }
}
