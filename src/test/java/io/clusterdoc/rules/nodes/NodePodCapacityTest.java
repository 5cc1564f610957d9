package io.clusterdoc.rules.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NodePodCapacityTest {
  private static final String NOW = "2026-11-20T10:05:00Z";

  private static Scenario loaded() {
    return Scenario.of(new NodePodCapacity(), NOW).load(NodePodCapacityTest.class, "node-pod-capacity.yaml");
  }

  private static Pod runningPod(String name, String node) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("iot-edge")
        .withUid("uid-" + name).withCreationTimestamp("2026-11-20T10:01:00Z").endMetadata()
        .withNewSpec().withNodeName(node).endSpec()
        .withNewStatus().withPhase("Running").endStatus().build();
  }

  @Test
  void reportsTheNodeAtNinetyPercentNotCountingFinishedPods() {
    Finding finding = loaded().single();

    assertThat(finding.rule()).isEqualTo("node-pod-capacity");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.object().name()).isEqualTo("node-small");
    assertThat(finding.message()).isEqualTo(
        "Node node-small holds 9 pods, 90% of the 10 its kubelet admits (status.allocatable.pods).");
    assertThat(finding.cause()).contains("maxPods", "Too many pods", "OutOfpods").doesNotEndWith("…");
    assertThat(finding.remediation())
        .contains("kubectl get pods -A -o wide --field-selector spec.nodeName=node-small")
        .contains("topologySpreadConstraints", "pod CIDR", "PLEG", "110 pods per node")
        .doesNotEndWith("…");
  }

  @Test
  void aPodBoundToTheFullNodeUpdatesOnlyThatNode() {
    Scenario scenario = loaded();
    Pod another = runningPod("sensor-gateway-7f9c6d5b8-n2m4q", "node-small");
    assertThat(new NodePodCapacity().subjectsAffectedBy(another, scenario.store())).containsExactly("node-small");

    scenario.apply(another);

    assertThat(scenario.single().message()).isEqualTo("Node node-small holds 10 pods, 100% of the 10 its kubelet "
        + "admits (status.allocatable.pods); it accepts no more pods.");
  }

  @Test
  void aPodLeavingResolvesTheFinding() {
    Scenario scenario = loaded();
    Pod leaving = scenario.store().podsOnNode("node-small").stream()
        .filter(p -> "Running".equals(p.getStatus().getPhase())).findFirst().orElseThrow();

    scenario.delete(leaving);

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("node-small");
  }

  @Test
  void aPodFinishingFreesItsPlace() {
    Scenario scenario = loaded();
    Pod running = scenario.store().podsOnNode("node-small").stream()
        .filter(p -> "Running".equals(p.getStatus().getPhase())).findFirst().orElseThrow();

    scenario.apply(new PodBuilder(running).editStatus().withPhase("Succeeded").endStatus().build());

    assertThat(scenario.findings()).isEmpty();
  }

  @Test
  void aNodeWithoutAllocatablePodsIsReadWithTheKubeletDefault() {
    Scenario scenario = loaded();
    // one pod from the fixture and 97 more: 98 of 110 is 89%
    IntStream.range(0, 97).forEach(i -> scenario.apply(runningPod("filler-" + i, "node-unreported")));
    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactly("node-small");

    scenario.apply(runningPod("filler-97", "node-unreported"));

    assertThat(scenario.findings()).extracting(Finding::message).contains(
        "Node node-unreported holds 99 pods, 90% of the 110 its kubelet admits (status.allocatable.pods).");
  }

  @Test
  void aRaisedMaxPodsResolvesTheFinding() {
    Scenario scenario = loaded();
    Node small = scenario.store().get(Node.class, "node-small").orElseThrow();

    scenario.apply(new NodeBuilder(small).editStatus().addToAllocatable("pods", new Quantity("20")).endStatus()
        .build());

    assertThat(scenario.findings()).isEmpty();
  }

  @Test
  void unreadableOrMissingStatusIsNoFinding() {
    Node odd = new NodeBuilder().withNewMetadata().withName("node-odd").endMetadata()
        .withNewStatus().addToAllocatable("pods", new Quantity("lots")).endStatus().build();
    Node bare = new NodeBuilder().withNewMetadata().withName("node-bare").endMetadata().build();

    Scenario scenario = Scenario.of(new NodePodCapacity(), NOW).apply(odd).apply(bare)
        .apply(runningPod("lonely", "node-odd"));

    assertThat(scenario.findings()).isEmpty();
  }
}
