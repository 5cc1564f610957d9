package io.clusterdoc.rules.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.NamespaceFilter;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadBalancerPendingTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "loadbalancer-pending.yaml";

  private static Scenario loaded() {
    return Scenario.of(new LoadBalancerPending(), NOW).load(LoadBalancerPendingTest.class, FIXTURE);
  }

  @Test
  void reportsLoadBalancerServicesWithoutAnAddressAfterTheThreshold() {
    Scenario scenario = loaded();

    assertThat(scenario.findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder("storefront", "edge", "internal-api");
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.rule()).isEqualTo("loadbalancer-pending");
      assertThat(f.severity()).isEqualTo(Severity.INFO);
      assertThat(f.remediation()).doesNotEndWith("…");
    });
  }

  @Test
  void withoutEventsItPointsAtAMissingLoadBalancerImplementation() {
    Finding finding = loaded().findingOn("storefront");

    assertThat(finding.message()).isEqualTo("Service orders/storefront of type LoadBalancer has no external address "
        + "(EXTERNAL-IP <pending>) more than 10m after its creation at 2026-11-19T14:20:05Z.");
    assertThat(finding.cause()).contains("on bare metal nothing assigns addresses", "MetalLB", "kube-vip",
        "cloud-controller-manager").doesNotContain("Latest warning event");
    assertThat(finding.remediation())
        .contains("kubectl -n orders describe service storefront")
        .contains("no event at all usually means nothing does")
        .contains("IPAddressPool", "NodePort")
        .contains("node ports (80:31674, 443:31306)");
  }

  @Test
  void theImplementationsOwnWarningIsQuoted() {
    Finding finding = loaded().findingOn("edge");

    assertThat(finding.cause()).endsWith(
        "Latest warning event: AllocationFailed: \"Failed to allocate IP for \"orders/edge\": no available IPs\".");
  }

  @Test
  void aLoadBalancerClassIsNamed() {
    assertThat(loaded().findingOn("internal-api").cause())
        .contains("spec.loadBalancerClass is example.com/internal");
  }

  @Test
  void aWarningEventAloneReEvaluatesItsService() {
    Scenario scenario = loaded();
    Service storefront = scenario.store().get(Service.class, "orders/storefront").orElseThrow();
    Event event = new EventBuilder(scenario.store().get(Event.class, "orders/edge.1879f0c2d4a6b8e0").orElseThrow())
        .editMetadata().withName("storefront.1879f0c2d4a6b8e1").endMetadata()
        .editInvolvedObject().withName("storefront").withUid(storefront.getMetadata().getUid()).endInvolvedObject()
        .withMessage("Error syncing load balancer: failed to ensure load balancer: quota exceeded")
        .withReason("SyncLoadBalancerFailed").build();

    assertThat(new LoadBalancerPending().subjectsAffectedBy(event, scenario.store()))
        .containsExactly("orders/storefront");
    scenario.apply(event);

    assertThat(scenario.findingOn("storefront").cause()).contains("SyncLoadBalancerFailed", "quota exceeded");
  }

  @Test
  void anAssignedAddressResolvesTheFinding() {
    Scenario scenario = loaded();
    Service service = scenario.store().get(Service.class, "orders/storefront").orElseThrow();

    scenario.apply(new ServiceBuilder(service).editStatus().editLoadBalancer().addNewIngress().withIp("203.0.113.41")
        .endIngress().endLoadBalancer().endStatus().build());

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("storefront");
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("storefront");
  }

  @Test
  void aServiceCreatedMinutesAgoIsReportedOnlyOnceTheThresholdHasPassed() {
    Scenario scenario = loaded();
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-20T10:10:00Z"));

    scenario.advance(Duration.ofMinutes(5));

    assertThat(scenario.appeared()).extracting(f -> f.object().name()).contains("promo");
    assertThat(scenario.engine().nextRecheck()).isEmpty();
  }

  @Test
  void theThresholdComesFromTheDiagnosis() {
    EngineConfig oneMinute = new EngineConfig(Set.of(), NamespaceFilter.ALL,
        Map.of(LoadBalancerPending.ID, Threshold.of(Duration.ofMinutes(1))));
    Scenario scenario = Scenario.of(List.of(new LoadBalancerPending()), oneMinute, NOW)
        .load(getClass(), FIXTURE);

    assertThat(scenario.findingOn("promo").message()).contains("more than 1m after its creation");
  }

  @Test
  void aServiceWithoutSpecOrStatusIsNotAFinding() {
    Service bare = new ServiceBuilder().withNewMetadata().withNamespace("orders").withName("bare").endMetadata()
        .build();
    Service noStatus = new ServiceBuilder().withNewMetadata().withNamespace("orders").withName("no-status")
        .endMetadata().withNewSpec().withType("LoadBalancer").endSpec().build();

    Scenario scenario = Scenario.of(new LoadBalancerPending(), NOW).apply(bare).apply(noStatus);

    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactly("no-status");
  }
}
