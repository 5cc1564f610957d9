package io.clusterdoc.rules.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IngressNoAddressTest {
  private static final String NOW = "2026-11-20T10:05:00Z";

  private static Scenario loaded() {
    return Scenario.of(new IngressNoAddress(), NOW).load(IngressNoAddressTest.class, "ingress-no-address.yaml");
  }

  @Test
  void reportsIngressesWithoutAnAddressAfterTheThreshold() {
    Scenario scenario = loaded();

    assertThat(scenario.findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder("storefront", "legacy", "unclassed");
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.rule()).isEqualTo("ingress-no-address");
      assertThat(f.severity()).isEqualTo(Severity.INFO);
      assertThat(f.object().kind()).isEqualTo("Ingress");
      assertThat(f.remediation()).doesNotEndWith("…");
    });
  }

  @Test
  void namesTheClassAndWhatPublishesTheAddress() {
    Finding finding = loaded().findingOn("storefront");

    assertThat(finding.message()).isEqualTo("Ingress orders/storefront has no address more than 10m after its "
        + "creation at 2026-11-19T14:20:10Z (class nginx).");
    assertThat(finding.cause()).contains("Only a controller for class nginx handles this Ingress")
        .contains("--publish-service", "<pending>", "-report-ingress-status", "external-status-address");
    assertThat(finding.remediation()).contains("kubectl get ingressclass", "a controller for class nginx",
        "kubectl -n orders describe ingress storefront", "external-dns");
  }

  @Test
  void theOldClassAnnotationCountsAsTheClass() {
    assertThat(loaded().findingOn("legacy").message()).contains("(class traefik)");
  }

  @Test
  void anIngressWithoutClassDependsOnADefaultClass() {
    Finding finding = loaded().findingOn("unclassed");

    assertThat(finding.message()).contains("(class <none>)");
    assertThat(finding.cause()).contains("ingressclass.kubernetes.io/is-default-class");
  }

  @Test
  void anAddressResolvesTheFinding() {
    Scenario scenario = loaded();
    Ingress ingress = scenario.store().get(Ingress.class, "orders/storefront").orElseThrow();

    scenario.apply(new IngressBuilder(ingress).editStatus().editLoadBalancer().addNewIngress()
        .withHostname("lb-7f3a.example.net").endIngress().endLoadBalancer().endStatus().build());

    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("storefront");
  }

  @Test
  void aNewIngressGetsTheThresholdToBePublished() {
    Scenario scenario = loaded();
    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("promo");
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-20T10:13:00Z"));

    scenario.advance(Duration.ofMinutes(8));

    assertThat(scenario.appeared()).extracting(f -> f.object().name()).contains("promo");
  }

  @Test
  void anIngressWithoutSpecOrStatusIsNotAnError() {
    Ingress bare = new IngressBuilder().withNewMetadata().withNamespace("orders").withName("bare").endMetadata()
        .build();

    assertThat(Scenario.of(new IngressNoAddress(), NOW).apply(bare).single().message()).contains("(class <none>)");
  }
}
