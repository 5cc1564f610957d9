package io.clusterdoc.rules.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Rule;
import io.clusterdoc.testing.DemoCluster;
import io.clusterdoc.testing.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The billing namespace of the demo cluster: each pod rule fires on its broken pod. */
class PodExamplesTest {
  private static final String NOW = "2026-11-20T10:05:00Z";

  private static List<Rule> rules() {
    return List.of(new PodStuckTerminating(), new PodUnschedulable(), new PodNotReady(), new PodHighRestarts());
  }

  @Test
  void eachRuleFiresOnItsBrokenPodOfTheDemo() {
    Scenario scenario = Scenario.of(rules(), EngineConfig.DEFAULT, NOW);
    DemoCluster.load(scenario, "nodes.yaml");
    DemoCluster.load(scenario, "pods.yaml");

    assertThat(scenario.findings()).extracting(f -> f.rule() + " " + f.object().display())
        .containsExactlyInAnyOrder(
            "pod-stuck-terminating Pod/billing/ledger-0",
            "pod-unschedulable Pod/billing/reports-worker-6f7d8c9b5-k2m4x",
            "pod-not-ready Pod/billing/invoice-api-7f9c6d5b8-n4p7d",
            "pod-high-restarts Pod/billing/ledger-api-6d9f8b7c5-f2g8h");
    assertThat(scenario.findings()).extracting(Finding::message).contains(
        "Pod billing/ledger-0 is stuck Terminating: it was due to be gone at 2026-11-20T07:40:42Z and is still there "
            + "more than 5m later; its node spot-worker-7 no longer exists.",
        "Pod billing/reports-worker-6f7d8c9b5-k2m4x has found no node since 2026-11-20T09:12:44Z, longer than 5m: "
            + "none of the 2 nodes fits (insufficient memory (1 node), untolerated taint "
            + "node.kubernetes.io/disk-pressure (1 node)).");
  }

}
