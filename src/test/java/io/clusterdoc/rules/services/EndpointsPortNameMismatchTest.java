package io.clusterdoc.rules.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.DemoCluster;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

class EndpointsPortNameMismatchTest {
  private static final String NOW = "2026-11-20T10:05:00Z";

  private static Scenario loaded() {
    return Scenario.of(new EndpointsPortNameMismatch(), NOW)
        .load(EndpointsPortNameMismatchTest.class, "endpoints-port-names.yaml");
  }

  private static Endpoints endpoints(Scenario scenario, String name) {
    return scenario.store().get(Endpoints.class, "shop/" + name).orElseThrow();
  }

  @Test
  void reportsOnlyTheServicesWithAnUnmatchedPortName() {
    Scenario scenario = loaded();

    assertThat(scenario.findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder("mongodb-mst", "legacy-api");
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.rule()).isEqualTo("endpoints-port-name-mismatch");
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.object().kind()).isEqualTo("Service");
    });
  }

  @Test
  void aNamedServicePortAgainstAnUnnamedEndpointsPortIsRefused() {
    Finding finding = loaded().findingOn("mongodb-mst");

    assertThat(finding.message())
        .contains("Service shop/mongodb-mst port \"default\" (27017/TCP) has no Endpoints port of the same name")
        .contains("the Endpoints have only an unnamed port");
    assertThat(finding.cause())
        .contains("connection refused", "shop/mongodb-mst:default has no endpoints", "no selector", "by hand");
    assertThat(finding.remediation())
        .contains("kubectl -n shop edit endpoints mongodb-mst")
        .contains("  - name: default\n    port: 27017\n    protocol: TCP\n")
        .contains("EndpointSlice", "kubernetes.io/service-name: mongodb-mst");
    assertThat(finding.related()).extracting(ObjectRef::kind, ObjectRef::namespace, ObjectRef::name)
        .containsExactly(tuple("Endpoints", "shop", "mongodb-mst"));
  }

  @Test
  void namesEveryUnmatchedPortAndTheNamesTheEndpointsHave() {
    Finding finding = loaded().findingOn("legacy-api");

    assertThat(finding.message())
        .contains("port \"http\" (80/TCP) has no Endpoints port")
        .contains("port \"metrics\", port \"web\"")
        .doesNotContain("\"metrics\" (9100/TCP)");
    assertThat(finding.remediation()).contains("  - name: http\n    port: 8080\n").doesNotContain("name: metrics");
  }

  @Test
  void namingTheEndpointsPortResolvesTheFinding() {
    Scenario scenario = loaded();
    Endpoints fixed = new EndpointsBuilder(endpoints(scenario, "mongodb-mst"))
        .editFirstSubset().editFirstPort().withName("default").endPort().endSubset().build();

    scenario.apply(fixed);

    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactly("legacy-api");
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("mongodb-mst");
  }

  @Test
  void aChangeToTheEndpointsAloneReEvaluatesTheService() {
    Scenario scenario = loaded();
    Endpoints broken = new EndpointsBuilder(endpoints(scenario, "orders"))
        .editFirstSubset().editFirstPort().withName(null).endPort().endSubset().build();

    scenario.apply(broken);

    Finding orders = scenario.findingOn("orders");
    assertThat(orders.message()).contains("port \"http\" (80/TCP)", "an unnamed port");
    assertThat(orders.cause()).contains("has a selector", "endpoints controller", "targetPort");
    assertThat(orders.remediation()).contains("kubectl -n shop get pods -l app=orders").doesNotContain("edit endpoints");
  }

  @Test
  void endpointsThatLoseAllTheirPortsAreNotThisRule() {
    Scenario scenario = loaded();

    scenario.apply(new EndpointsBuilder(endpoints(scenario, "mongodb-mst")).withSubsets().build());
    scenario.delete(endpoints(scenario, "legacy-api"));

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.resolved()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder("mongodb-mst", "legacy-api");
  }

  @Test
  void anExternalNameServiceIsNeverReported() {
    Service externalName = new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("payments")
        .withUid("8f9a0b1c-2d3e-4f5a-9b6c-7d8e9f0a1b2c").endMetadata()
        .withNewSpec().withType("ExternalName").withExternalName("payments.example.com")
        .addNewPort().withName("https").withPort(443).withProtocol("TCP").endPort().endSpec()
        .build();
    Endpoints stray = new EndpointsBuilder().withNewMetadata().withNamespace("shop").withName("payments").endMetadata()
        .addNewSubset().addNewAddress().withIp("203.0.113.10").endAddress().addNewPort().withPort(443).endPort()
        .endSubset().build();

    Scenario scenario = Scenario.of(new EndpointsPortNameMismatch(), NOW).apply(stray).apply(externalName);

    assertThat(scenario.findings()).isEmpty();
  }

  @Test
  void aServiceWithoutSpecOrPortsIsNotAFinding() {
    Service bare = new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("bare").endMetadata().build();
    Endpoints endpoints = new EndpointsBuilder().withNewMetadata().withNamespace("shop").withName("bare").endMetadata()
        .addNewSubset().addNewPort().withName("x").withPort(1).endPort().endSubset().build();

    assertThat(Scenario.of(new EndpointsPortNameMismatch(), NOW).apply(endpoints).apply(bare).findings()).isEmpty();
  }

  @Test
  void firesOnTheDemoClustersMismatchedServicesOnly() {
    Scenario scenario = DemoCluster.load(Scenario.of(new EndpointsPortNameMismatch(), NOW), "services.yaml");

    assertThat(scenario.findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder("mongodb-mst", "legacy-api");
  }
}
