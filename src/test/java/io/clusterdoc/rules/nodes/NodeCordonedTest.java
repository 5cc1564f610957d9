package io.clusterdoc.rules.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.NamespaceFilter;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeCordonedTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "node-cordoned.yaml";

  private static Scenario loaded() {
    return Scenario.of(new NodeCordoned(), NOW).load(NodeCordonedTest.class, FIXTURE);
  }

  @Test
  void reportsTheNodeCordonedForMoreThanADay() {
    Finding finding = loaded().single();

    assertThat(finding.rule()).isEqualTo("node-cordoned");
    assertThat(finding.severity()).isEqualTo(Severity.INFO);
    assertThat(finding.object().name()).isEqualTo("node-forgotten");
    assertThat(finding.message())
        .isEqualTo("Node node-forgotten has been cordoned since 2026-11-17T16:20:03Z, longer than 1d.");
    assertThat(finding.cause()).contains("spec.unschedulable", "DaemonSet pods").doesNotEndWith("…");
    assertThat(finding.remediation())
        .contains("kubectl uncordon node-forgotten")
        .contains("kubectl drain node-forgotten --ignore-daemonsets --delete-emptydir-data", "--delete-local-data")
        .contains("kubectl annotate node node-forgotten clusterdoc.io/ignore=node-cordoned")
        .doesNotEndWith("…");
  }

  @Test
  void aMaintenanceCordonBecomesAFindingOnlyAfterTheThreshold() {
    Scenario scenario = loaded();
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-21T08:00:00Z"));

    scenario.advance(Duration.ofHours(21).plusMinutes(54));
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).doesNotContain("node-maintenance");

    scenario.advance(Duration.ofMinutes(1));
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).contains("node-maintenance");
  }

  @Test
  void withoutTheTaintsTimeTheCordonIsNotJudged() {
    Scenario scenario = loaded();
    scenario.advance(Duration.ofDays(30));

    assertThat(scenario.findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder("node-forgotten", "node-maintenance");
  }

  @Test
  void theThresholdComesFromTheDiagnosis() {
    EngineConfig twoHours = new EngineConfig(Set.of(), NamespaceFilter.ALL,
        Map.of(NodeCordoned.ID, Threshold.of(Duration.ofHours(2))));
    Scenario scenario = Scenario.of(List.of(new NodeCordoned()), twoHours, NOW).load(getClass(), FIXTURE);

    assertThat(scenario.findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder("node-forgotten", "node-maintenance");
    assertThat(scenario.findings()).extracting(Finding::message).allMatch(m -> m.endsWith("longer than 2h."));
  }

  @Test
  void uncordoningResolvesTheFinding() {
    Scenario scenario = loaded();
    Node forgotten = scenario.store().get(Node.class, "node-forgotten").orElseThrow();

    scenario.apply(new NodeBuilder(forgotten).editSpec().withUnschedulable(null).withTaints(List.of()).endSpec()
        .build());

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("node-forgotten");
  }

  @Test
  void aLeftoverTaintWithoutTheCordonIsNoFinding() {
    Scenario scenario = loaded();
    Node forgotten = scenario.store().get(Node.class, "node-forgotten").orElseThrow();

    scenario.apply(new NodeBuilder(forgotten).editSpec().withUnschedulable(false).endSpec().build());

    assertThat(scenario.findings()).isEmpty();
  }
}
