package io.clusterdoc.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.input.ManifestReader;
import io.clusterdoc.rules.dns.CorednsNotReady;
import io.clusterdoc.rules.nodes.NodePressure;
import io.clusterdoc.rules.pods.PodCrashLooping;
import io.clusterdoc.rules.pods.PodEvicted;
import io.clusterdoc.testing.DemoCluster;
import io.clusterdoc.testing.Scenario;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The demo cluster of the documentation must show each rule on its broken objects and nowhere else. */
class DemoClusterTest {
  private static final Path DEMO = Path.of("docs/examples/demo-cluster");
  private static final String NOW = "2026-11-20T10:05:00Z";

  @ParameterizedTest
  @ValueSource(strings = {"kube-system.yaml", "workloads.yaml", "nodes.yaml"})
  void everyDemoFileReadsWithoutProblems(String file) throws IOException {
    ManifestReader.Result result = new ManifestReader().read(DEMO.resolve(file));

    assertThat(result.problems()).isEmpty();
    assertThat(result.objects()).isNotEmpty();
  }

  @Test
  void eachRuleFiresOnTheBrokenObjectsOfTheDemoAndOnNothingHealthy() {
    Scenario scenario = Scenario.of(
        List.of(new CorednsNotReady(), new PodEvicted(), new PodCrashLooping(), new NodePressure()),
        EngineConfig.DEFAULT, NOW);
    for (String file : List.of("kube-system.yaml", "workloads.yaml", "nodes.yaml")) {
      DemoCluster.load(scenario, file);
    }

    assertThat(scenario.findings()).extracting(f -> f.rule() + " " + f.object().display())
        .containsExactlyInAnyOrder(
            "coredns-not-ready Pod/kube-system/coredns-5b8bf7b657-7xkq2",
            "coredns-not-ready Pod/kube-system/coredns-5b8bf7b657-m9d4t",
            "coredns-not-ready Service/kube-system/kube-dns",
            "pod-evicted ReplicaSet/shop/web-6d4cf56db6",
            "pod-crash-looping Pod/shop/cart-7c9d8f6b5-qwz8m",
            "node-pressure Node/worker-1");
    assertThat(scenario.findings()).extracting(Finding::message).contains(
        "ReplicaSet shop/web-6d4cf56db6 has 3 evicted pods (node low on ephemeral storage) on node worker-1.");
  }
}
