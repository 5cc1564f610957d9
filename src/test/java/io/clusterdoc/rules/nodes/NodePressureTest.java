package io.clusterdoc.rules.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import org.junit.jupiter.api.Test;

class NodePressureTest {
  private static final String NOW = "2026-11-20T10:05:00Z";

  @Test
  void reportsTheNodeUnderDiskPressureAndNotTheHealthyOne() {
    Finding finding = Scenario.of(new NodePressure(), NOW).load(getClass(), "node-pressure.yaml").single();

    assertThat(finding.rule()).isEqualTo("node-pressure");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.object().name()).isEqualTo("worker-1");
    assertThat(finding.object().kind()).isEqualTo("Node");
    assertThat(finding.message()).contains("DiskPressure").doesNotContain("MemoryPressure");
    assertThat(finding.cause()).contains("kubelet has disk pressure");
    assertThat(finding.remediation()).contains("sizeLimit");
  }

  @Test
  void resolvesWhenThePressureEnds() {
    Scenario scenario = Scenario.of(new NodePressure(), NOW).load(getClass(), "node-pressure.yaml");
    Node worker1 = scenario.store().get(Node.class, "worker-1").orElseThrow();

    Node relieved = new NodeBuilder(worker1).editStatus()
        .editMatchingCondition(c -> "DiskPressure".equals(c.getType())).withStatus("False").endCondition()
        .endStatus().build();
    scenario.apply(relieved);

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("worker-1");
  }

  @Test
  void aConditionWithoutTypeDoesNotHideThePressureBesideIt() {
    Node odd = new NodeBuilder().withNewMetadata().withName("odd-node").endMetadata()
        .withNewStatus().addNewCondition().withStatus("True").endCondition()
        .addNewCondition().withType("DiskPressure").withStatus("True").endCondition().endStatus()
        .build();

    assertThat(Scenario.of(new NodePressure(), NOW).apply(odd).single().message()).contains("DiskPressure");
  }

  @Test
  void aNodeWithoutStatusIsNotAFinding() {
    Node bare = new NodeBuilder().withNewMetadata().withName("new-node").endMetadata().build();
    assertThat(Scenario.of(new NodePressure(), NOW).apply(bare).findings()).isEmpty();
  }
}
