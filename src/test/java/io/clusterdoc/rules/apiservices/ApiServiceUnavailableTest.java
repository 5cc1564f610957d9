package io.clusterdoc.rules.apiservices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.DemoCluster;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.APIServiceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiServiceUnavailableTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String METRICS = "v1beta1.metrics.k8s.io";
  private static final String CUSTOM_METRICS = "v1beta1.custom.metrics.k8s.io";

  private static Scenario loaded() {
    return Scenario.of(new ApiServiceUnavailable(), NOW).load(ApiServiceUnavailableTest.class, "apiservices.yaml");
  }

  @Test
  void reportsTheUnavailableApiServicesAndNotTheAvailableOnes() {
    Scenario scenario = loaded();

    assertThat(scenario.findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder(METRICS, CUSTOM_METRICS);
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.rule()).isEqualTo("apiservice-unavailable");
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.object().kind()).isEqualTo("APIService");
    });
  }

  @Test
  void aFailedDiscoveryCheckNamesTheBackendAndWhatItBreaks() {
    Finding metrics = loaded().findingOn(METRICS);

    assertThat(metrics.message()).contains(METRICS, "FailedDiscoveryCheck", "connect: connection refused");
    assertThat(metrics.cause())
        .contains("kube-system/metrics-server")
        .contains("unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1")
        .contains("kubectl api-resources")
        .contains("Terminating")
        .doesNotContain("does not exist");
    assertThat(metrics.remediation())
        .contains("control plane can reach the pod network")
        .contains("kubectl -n kube-system describe service metrics-server")
        .contains("kubectl -n kube-system get pods -l k8s-app=metrics-server")
        .contains("kubectl delete apiservice v1beta1.metrics.k8s.io");
    assertThat(metrics.related()).extracting(ObjectRef::kind, ObjectRef::namespace, ObjectRef::name)
        .containsExactly(tuple("Service", "kube-system", "metrics-server"));
  }

  @Test
  void aMissingServiceIsSaidAndNotRelated() {
    Finding custom = loaded().findingOn(CUSTOM_METRICS);

    assertThat(custom.message()).contains("ServiceNotFound", "service/prometheus-adapter in \"monitoring\" is not present");
    assertThat(custom.cause()).contains("monitoring/prometheus-adapter, which does not exist");
    assertThat(custom.remediation())
        .contains("Reinstall the add-on that provides service monitoring/prometheus-adapter")
        .contains("stale", "kubectl delete apiservice v1beta1.custom.metrics.k8s.io")
        .doesNotContain("describe service");
    assertThat(custom.related()).isEmpty();
  }

  @Test
  void missingEndpointsPointsAtThePods() {
    Scenario scenario = loaded();
    scenario.apply(withAvailable(apiService(scenario, METRICS), "False", "MissingEndpoints",
        "endpoints for service/metrics-server in \"kube-system\" have no addresses with port name \"https\""));

    Finding metrics = scenario.findingOn(METRICS);
    assertThat(metrics.message()).contains("MissingEndpoints", "no addresses with port name \"https\"");
    assertThat(metrics.remediation()).contains("no ready endpoint").doesNotContain("pod network");
    assertThat(scenario.resolved()).isEmpty();
  }

  @Test
  void resolvesWhenTheApiServiceBecomesAvailable() {
    Scenario scenario = loaded();
    scenario.apply(withAvailable(apiService(scenario, METRICS), "True", "Passed", "all checks passed"));

    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactly(CUSTOM_METRICS);
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(METRICS);
  }

  @Test
  void aChangeToTheBackingServiceReEvaluatesTheApiService() {
    Scenario scenario = loaded();
    Service adapter = new ServiceBuilder(scenario.store().get(Service.class, "kube-system/metrics-server").orElseThrow())
        .editMetadata().withNamespace("monitoring").withName("prometheus-adapter")
        .withUid("3e1f7a92-5c6d-4b08-9d2e-8a4c1f0b7e35").endMetadata()
        .editSpec().withSelector(Map.of("app.kubernetes.io/name", "prometheus-adapter")).endSpec()
        .build();

    scenario.apply(adapter);
    assertThat(scenario.findingOn(CUSTOM_METRICS).related()).extracting(ObjectRef::name)
        .containsExactly("prometheus-adapter");

    scenario.delete(scenario.store().get(Service.class, "kube-system/metrics-server").orElseThrow());
    Finding metrics = scenario.findingOn(METRICS);
    assertThat(metrics.related()).isEmpty();
    assertThat(metrics.remediation()).contains("the pods behind it").doesNotContain("get pods -l");
    assertThat(scenario.resolved()).isEmpty();
  }

  @Test
  void aServiceNobodyRegistersAffectsNoApiService() {
    Scenario scenario = loaded();
    Service unrelated = new ServiceBuilder().withNewMetadata().withNamespace("default").withName("kubernetes")
        .endMetadata().build();

    assertThat(new ApiServiceUnavailable().subjectsAffectedBy(unrelated, scenario.store())).isEmpty();
    assertThat(new ApiServiceUnavailable().subjectsAffectedBy(
        scenario.store().get(Service.class, "kube-system/metrics-server").orElseThrow(), scenario.store()))
        .containsExactly(METRICS);
  }

  @Test
  void aLocalApiServiceReportedUnavailableDoesNotBreakTheRule() {
    APIService local = new APIServiceBuilder().withNewMetadata().withName("v1.batch").endMetadata()
        .withNewSpec().withGroup("batch").withVersion("v1").endSpec()
        .withNewStatus().addNewCondition().withType("Available").withStatus("Unknown").endCondition().endStatus()
        .build();

    Finding finding = Scenario.of(new ApiServiceUnavailable(), NOW).apply(local).single();

    assertThat(finding.message()).contains("v1.batch", "status Unknown");
    assertThat(finding.cause()).contains("served by the API server itself", "batch/v1");
    assertThat(finding.related()).isEmpty();
  }

  @Test
  void anApiServiceWithoutStatusOrSpecIsNotAFinding() {
    APIService bare = new APIServiceBuilder().withNewMetadata().withName("v1alpha1.example.com").endMetadata().build();
    assertThat(Scenario.of(new ApiServiceUnavailable(), NOW).apply(bare).findings()).isEmpty();
  }

  @Test
  void firesOnTheDemoClustersUnavailableApiServiceOnly() {
    Scenario scenario = DemoCluster.load(Scenario.of(new ApiServiceUnavailable(), NOW), "namespaces.yaml");

    Finding finding = scenario.single();
    assertThat(finding.object().name()).isEqualTo(METRICS);
    assertThat(finding.related()).extracting(ObjectRef::name).containsExactly("metrics-server");
  }

  private static APIService apiService(Scenario scenario, String name) {
    return scenario.store().get(APIService.class, name).orElseThrow();
  }

  private static APIService withAvailable(APIService apiService, String status, String reason, String message) {
    return new APIServiceBuilder(apiService).editStatus()
        .editMatchingCondition(c -> "Available".equals(c.getType()))
        .withStatus(status).withReason(reason).withMessage(message)
        .endCondition().endStatus().build();
  }
}
