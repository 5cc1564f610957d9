package io.clusterdoc.rules.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NodeNotReadyTest {
  private static final String NOW = "2026-11-20T10:05:00Z";

  private static Scenario loaded() {
    return Scenario.of(new NodeNotReady(), NOW).load(NodeNotReadyTest.class, "node-not-ready.yaml");
  }

  @Test
  void reportsEveryNodeNotReadyForMoreThanAMinuteAndNoOther() {
    Scenario scenario = loaded();

    assertThat(scenario.findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder("node-pleg", "node-silent", "node-cni", "node-runtime", "node-other");
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.rule()).isEqualTo("node-not-ready");
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.object().kind()).isEqualTo("Node");
      assertThat(f.cause()).doesNotEndWith("…");
      assertThat(f.remediation()).doesNotEndWith("…");
    });
  }

  @Test
  void plegNamesTheRuntimeAndTheContainerCount() {
    Finding finding = loaded().findingOn("node-pleg");

    assertThat(finding.message()).isEqualTo("Node node-pleg has been NotReady (Ready=False) since "
        + "2026-11-20T09:40:12Z: PLEG is not healthy; 2 pods are bound to it.");
    assertThat(finding.cause())
        .contains("relisting the containers", "3 min")
        .contains("\"PLEG is not healthy: pleg was last seen active 3m50.4s ago; threshold is 3m0s\"")
        .contains("node.kubernetes.io/not-ready:NoExecute at 2026-11-20T09:40:17Z", "tolerationSeconds")
        .doesNotContain("stay Terminating");
    assertThat(finding.remediation()).contains("crictl ps -a | wc -l", "journalctl -u kubelet", "maxPods");
  }

  @Test
  void aSilentKubeletPointsAtTheKubeletAndCountsTheTerminatingPods() {
    Finding finding = loaded().findingOn("node-silent");

    assertThat(finding.message()).isEqualTo("Node node-silent has been NotReady (Ready=Unknown) since "
        + "2026-11-20T09:31:05Z: the kubelet stopped posting node status; 3 pods are bound to it, 1 of them "
        + "Terminating.");
    assertThat(finding.cause())
        .contains("NodeStatusUnknown: \"Kubelet stopped posting node status.\"")
        .contains("node.kubernetes.io/unreachable:NoExecute at 2026-11-20T09:31:10Z")
        .contains("evicted pods stay Terminating until it returns or its Node object is deleted");
    assertThat(finding.remediation())
        .contains("kubectl -n kube-node-lease get lease node-silent", "systemctl status kubelet",
            "journalctl -u kubelet", "kubectl delete node node-silent");
  }

  @Test
  void aMissingNetworkPluginSendsToItsPodOnTheNode() {
    Finding finding = loaded().findingOn("node-cni");

    assertThat(finding.message()).contains("the network plugin is not ready", "no pods are bound to it");
    assertThat(finding.cause()).contains("/etc/cni/net.d", "NetworkPluginNotReady");
    assertThat(finding.remediation())
        .contains("kubectl get pods -A -o wide --field-selector spec.nodeName=node-cni", "daemonset-incomplete");
  }

  @Test
  void aRuntimeDownComesBeforeThePlegFailureItCauses() {
    Finding finding = loaded().findingOn("node-runtime");

    assertThat(finding.message()).contains("the container runtime is down").doesNotContain("PLEG");
    assertThat(finding.remediation()).contains("systemctl status containerd", "crictl info");
  }

  @Test
  void anUnknownMessageIsQuotedWithTheGeneralPlacesToLook() {
    Finding finding = loaded().findingOn("node-other");

    assertThat(finding.message()).contains("the kubelet reports it not ready");
    assertThat(finding.cause())
        .startsWith("Ready condition: KubeletNotReady: \"invalid capacity 0 on image filesystem\"");
    assertThat(finding.remediation()).isEqualTo("kubectl describe node node-other; on the node: journalctl -u kubelet "
        + "-n 200.");
  }

  @Test
  void aKubeletThatJustRestartedGetsAMinuteBeforeItCounts() {
    Scenario scenario = loaded();
    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("node-restarted");
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-20T10:05:30Z"));

    scenario.advance(Duration.ofSeconds(29));
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).doesNotContain("node-restarted");

    scenario.advance(Duration.ofSeconds(1));
    assertThat(scenario.findingOn("node-restarted").message()).contains("PLEG is not healthy");
  }

  @Test
  void aNodeReadyAgainResolvesItsFinding() {
    Scenario scenario = loaded();
    Node pleg = scenario.store().get(Node.class, "node-pleg").orElseThrow();

    scenario.apply(new NodeBuilder(pleg).editStatus()
        .editMatchingCondition(c -> "Ready".equals(c.getType()))
        .withStatus("True").withReason("KubeletReady").withMessage("kubelet is posting ready status")
        .withLastTransitionTime("2026-11-20T10:04:51Z").endCondition()
        .endStatus().build());

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("node-pleg");
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("node-pleg");
  }

  @Test
  void aPodLeavingTheNodeUpdatesItsCountAndTouchesNoOtherNode() {
    Scenario scenario = loaded();
    Pod evicted = scenario.store().get(Pod.class, "iot-edge", "sensor-gateway-7f9c6d5b8-4kq2x").orElseThrow();
    assertThat(new NodeNotReady().subjectsAffectedBy(evicted, scenario.store())).containsExactly("node-pleg");

    scenario.delete(evicted);

    assertThat(scenario.findingOn("node-pleg").message()).endsWith("; 1 pod is bound to it.");
    assertThat(scenario.resolved()).isEmpty();
  }

  @Test
  void nodesWithoutAReadyConditionAreNotJudged() {
    Node registering = new NodeBuilder().withNewMetadata().withName("node-registering").endMetadata()
        .withNewStatus().addNewCondition().withType("MemoryPressure").withStatus("False").endCondition().endStatus()
        .build();
    Node bare = new NodeBuilder().withNewMetadata().withName("node-bare").endMetadata().build();

    Scenario scenario = Scenario.of(new NodeNotReady(), NOW).apply(registering).apply(bare);

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.engine().nextRecheck()).isEmpty();
  }

  @Test
  void aNotReadyNodeWithoutTimestampIsReportedAtOnce() {
    Node untimed = new NodeBuilder().withNewMetadata().withName("node-untimed").endMetadata()
        .withNewStatus().addNewCondition().withType("Ready").withStatus("False").withReason("KubeletNotReady")
        .withMessage("container runtime is down").endCondition().endStatus().build();

    Finding finding = Scenario.of(new NodeNotReady(), NOW).apply(untimed).single();

    assertThat(finding.message()).isEqualTo("Node node-untimed has been NotReady (Ready=False): the container runtime "
        + "is down; no pods are bound to it.");
    assertThat(finding.cause()).contains("The node controller taints it node.kubernetes.io/not-ready:NoExecute");
  }
}
