package io.clusterdoc.rules.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.input.ManifestReader;
import io.clusterdoc.rules.RuleCatalog;
import io.clusterdoc.testing.DemoCluster;
import io.clusterdoc.testing.Scenario;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The documentation's example clusters: the broken Services and webhooks fire, their healthy look-alikes do not. */
class ServicesAndWebhooksExamplesTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FILE = "services-and-webhooks.yaml";
  private static final Path HEALTHY = Path.of("docs", "examples", "healthy-cluster");

  @Test
  void theDemoFileFiresEachRuleOnItsBrokenObjectsOnly() {
    Scenario scenario = DemoCluster.load(Scenario.of(RuleCatalog.all(), EngineConfig.DEFAULT, NOW), FILE);

    assertThat(scenario.findings()).extracting(f -> f.rule() + " " + f.severity() + " " + f.object().display())
        .containsExactlyInAnyOrder(
            "service-no-endpoints warning Service/orders/orders-api",
            "service-no-endpoints warning Service/orders/orders-webhook",
            "service-no-endpoints warning Service/orders/search",
            "webhook-service-unavailable critical ValidatingWebhookConfiguration/orders-policy",
            "webhook-service-unavailable critical MutatingWebhookConfiguration/orders-defaults",
            "loadbalancer-pending info Service/orders/orders-frontend",
            "ingress-no-address info Ingress/orders/orders-frontend",
            // the pod behind orders-webhook: its readiness probe fails, which is why that Service has no endpoint
            "pod-not-ready warning Pod/orders/orders-webhook-5d7c8b9f4-r2t6n");
    assertThat(scenario.findings()).extracting(Finding::message).contains(
        "Service orders/orders-api has no ready endpoint: its selector "
            + "app.kubernetes.io/component=api,app.kubernetes.io/name=orders-api matches no pod in namespace orders.",
        "MutatingWebhookConfiguration orders-defaults: webhook default.orders.example.com calls Service "
            + "orders/orders-defaulter, which does not exist; it intercepts CREATE on pods. With failurePolicy Fail "
            + "the API server rejects every such write.");
  }

  @ParameterizedTest
  @ValueSource(strings = {NOW, "now"})
  void theHealthyClusterGivesNoFindingWithTheseRules(String time) throws IOException {
    ManifestReader.Result result = new ManifestReader().read(HEALTHY);
    assertThat(result.problems()).isEmpty();
    assertThat(new ManifestReader().read(HEALTHY.resolve(FILE)).objects()).extracting(o -> o.getKind())
        .contains("Service", "Endpoints", "Pod", "Ingress", "ValidatingWebhookConfiguration",
            "MutatingWebhookConfiguration");
    Scenario scenario = Scenario.of(RuleCatalog.all(), EngineConfig.DEFAULT,
        "now".equals(time) ? Instant.now().toString() : time);
    result.objects().forEach(scenario.store()::put);

    scenario.fullPass();

    assertThat(scenario.findings()).isEmpty();
  }
}
