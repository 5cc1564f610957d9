package io.clusterdoc.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Rule;
import io.clusterdoc.rules.nodes.NodeCordoned;
import io.clusterdoc.rules.nodes.NodeNotReady;
import io.clusterdoc.rules.nodes.NodePodCapacity;
import io.clusterdoc.rules.workloads.DaemonSetIncomplete;
import io.clusterdoc.testing.DemoCluster;
import io.clusterdoc.testing.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The node and DaemonSet objects of the demo cluster: the broken ones fire each rule. */
class ClusterNodesExamplesTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FILE = "cluster-nodes.yaml";
  private static final Path DEMO = Path.of("docs", "examples", "demo-cluster");
  private static final List<String> EXPECTED = List.of(
      "node-not-ready Node/node-a1",
      "node-not-ready Node/node-a2",
      "node-not-ready Node/node-a5",
      "node-pod-capacity Node/node-a3",
      "node-cordoned Node/node-a4",
      "daemonset-incomplete DaemonSet/kube-system/kube-flannel-ds");

  private static List<Rule> nodeRules() {
    return List.of(new NodeNotReady(), new NodePodCapacity(), new NodeCordoned(), new DaemonSetIncomplete());
  }

  private static Scenario scenario(List<Rule> rules) {
    return Scenario.of(rules, EngineConfig.DEFAULT, NOW);
  }

  @Test
  void eachRuleFiresOnTheBrokenNodesOfTheDemo() {
    Scenario scenario = DemoCluster.load(scenario(nodeRules()), FILE);

    assertThat(scenario.findings()).extracting(f -> f.rule() + " " + f.object().display())
        .containsExactlyInAnyOrderElementsOf(EXPECTED);
    assertThat(scenario.findingOn("node-a1").message()).contains("PLEG is not healthy", "2 pods are bound to it");
    assertThat(scenario.findingOn("node-a2").message())
        .contains("Ready=Unknown", "3 pods are bound to it, 2 of them Terminating");
    assertThat(scenario.findingOn("node-a5").message()).contains("the network plugin is not ready");
    assertThat(scenario.findingOn("node-a3").message()).contains("holds 9 pods, 90% of the 10");
    assertThat(scenario.findingOn("kube-flannel-ds").message()).isEqualTo("DaemonSet kube-system/kube-flannel-ds "
        + "has 2 of 4 pods ready (2 not Ready for more than 5m on node-a1, node-a2); it has no pod on node node-a5 "
        + "(dedicated=clickhouse:NoSchedule, node.kubernetes.io/not-ready:NoSchedule), whose taints it does not "
        + "tolerate.");
    assertThat(scenario.findingOn("kube-flannel-ds").remediation())
        .contains("Pods on NotReady nodes (node-a1, node-a2) recover with the node", "`- operator: Exists`")
        .doesNotContain("priorityClassName");
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.cause()).doesNotEndWith("…");
      assertThat(f.remediation()).doesNotEndWith("…");
    });
  }

  @Test
  void theRestOfTheDemoAddsNothingToTheseRules() throws IOException {
    Scenario scenario = scenario(nodeRules());
    try (Stream<Path> files = Files.list(DEMO)) {
      files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".yaml")).sorted()
          .forEach(name -> DemoCluster.load(scenario, name));
    }

    assertThat(scenario.findings()).extracting(f -> f.rule() + " " + f.object().display())
        .containsExactlyInAnyOrderElementsOf(EXPECTED);
  }

}
