package io.clusterdoc.rules.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.rules.pods.SchedulingObstacles.Obstacle;
import io.clusterdoc.rules.pods.SchedulingObstacles.Parsed;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchedulingObstaclesTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "pod has unbound immediate PersistentVolumeClaims                  | UNBOUND_CLAIMS",
      "running \"VolumeBinding\" filter plugin for pod \"web-0\": pod has unbound immediate PersistentVolumeClaims"
          + " | UNBOUND_CLAIMS",
      "node(s) had volume node affinity conflict                          | VOLUME_NODE_AFFINITY",
      "node(s) didn't have free ports for the requested pod ports         | HOST_PORTS",
      "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: } | TAINTS",
      "node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate | TAINTS",
      "Insufficient ephemeral-storage                                     | INSUFFICIENT",
      "Too many pods                                                      | TOO_MANY_PODS",
      "node(s) didn't match Pod's node affinity/selector                  | NODE_SELECTOR",
      "node(s) didn't match node selector                                 | NODE_SELECTOR",
      "node(s) didn't match pod anti-affinity rules                       | POD_AFFINITY",
      "node(s) didn't match pod topology spread constraints               | POD_AFFINITY",
      "node(s) were unschedulable                                         | CORDONED",
      "no nodes available to schedule pods                                | NO_NODES",
      "node(s) exceed max volume count                                    | OTHER",
  })
  void recognisesTheSchedulersWordings(String reason, Obstacle expected) {
    assertThat(Obstacle.of(reason)).isEqualTo(expected);
  }

  @Test
  void countsEachReasonAndLeavesThePreemptionPartOut() {
    Parsed parsed = SchedulingObstacles.parse("0/7 nodes are available: 1 node(s) had untolerated taint "
        + "{node.kubernetes.io/unreachable: }, 2 node(s) had untolerated taint {dedicated: ml}, 3 Insufficient cpu, "
        + "1 node(s) had untolerated taint {dedicated: ml}. preemption: 0/7 nodes are available: 7 Preemption is not "
        + "helpful for scheduling.");

    assertThat(parsed.nodes()).contains(7);
    assertThat(SchedulingObstacles.labelsWithCounts(parsed)).containsExactly(
        "untolerated taint node.kubernetes.io/unreachable (1 node)", "untolerated taint dedicated=ml (3 nodes)",
        "insufficient cpu (3 nodes)");
    assertThat(parsed.detailsOf(Obstacle.TAINTS)).containsExactly("node.kubernetes.io/unreachable", "dedicated=ml");
  }

  @Test
  void aReasonWithoutNodeCountHasNone() {
    Parsed parsed = SchedulingObstacles.parse("0/3 nodes are available: pod has unbound immediate "
        + "PersistentVolumeClaims (repeated 3 times).");

    assertThat(SchedulingObstacles.labelsWithCounts(parsed))
        .containsExactly("unbound immediate PersistentVolumeClaims");
  }

  @Test
  void anEmptyMessageHasNoReasons() {
    assertThat(SchedulingObstacles.parse("").reasons()).isEmpty();
    assertThat(SchedulingObstacles.parse("").nodes()).isEmpty();
  }

  @Test
  void wellKnownTaintsAreExplainedAndOthersAreNot() {
    assertThat(SchedulingObstacles.taintMeaning("node.kubernetes.io/disk-pressure")).get().asString()
        .contains("removing it by hand does not help");
    assertThat(SchedulingObstacles.taintMeaning("node.kubernetes.io/unschedulable")).get().asString()
        .contains("kubectl uncordon");
    assertThat(SchedulingObstacles.taintMeaning("dedicated=ml")).isEqualTo(Optional.empty());
  }
}
