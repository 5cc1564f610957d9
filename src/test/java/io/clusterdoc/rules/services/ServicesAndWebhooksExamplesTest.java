package io.clusterdoc.rules.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.rules.RuleCatalog;
import io.clusterdoc.testing.DemoCluster;
import io.clusterdoc.testing.Scenario;
import org.junit.jupiter.api.Test;

/** The demo cluster's broken Services and webhooks fire their rules, and only those. */
class ServicesAndWebhooksExamplesTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FILE = "services-and-webhooks.yaml";

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

}
