package io.clusterdoc.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.benchmark.SyntheticCluster;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.rules.RuleCatalog;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine re-evaluates only what a change affects, and rules take shortcuts on the common healthy case: after any
 * series of changes the findings must be those a fresh full pass finds over the same objects. A shortcut that skips
 * too much shows here as a finding missing, or left behind, on one side. A full pass checks objects in the order that
 * reads them fastest, but must tell the findings as a pass rule by rule would.
 */
class IncrementalConsistencyTest {
  private static final String NOW = "2026-11-23T12:00:00Z";
  /** The synthetic nodes admit 110 pods; node-pod-capacity reports them from 99 unfinished pods on. */
  private static final int FILLERS = 75;

  private final SyntheticCluster cluster = new SyntheticCluster(600, 20);
  private final Scenario scenario = Scenario.of(RuleCatalog.all(), EngineConfig.DEFAULT, NOW);

  @Test
  void findingsAfterChangesAreThoseOfAFreshFullPass() {
    cluster.forEachObject(scenario.store()::put);
    scenario.fullPass();
    assertSameAsFreshFullPass();

    List<Integer> chosen = cluster.healthyPods(40);
    chosen.forEach(i -> scenario.apply(cluster.crashLoopingPod(i)));
    assertSameAsFreshFullPass();
    chosen.subList(0, 20).forEach(i -> scenario.apply(cluster.healthyPod(i)));
    chosen.subList(20, 30).forEach(i -> scenario.delete(cluster.healthyPod(i)));
    assertSameAsFreshFullPass();

    String node = cluster.node(0).getMetadata().getName();
    for (int k = 0; k < FILLERS; k++) {
      scenario.apply(filler(k, node, "Running"));
    }
    assertThat(scenario.findings()).extracting(Finding::rule).contains("node-pod-capacity");
    assertSameAsFreshFullPass();
    for (int k = 0; k < 10; k++) {
      scenario.apply(filler(k, node, "Succeeded"));
    }
    assertThat(scenario.findings()).extracting(Finding::rule).doesNotContain("node-pod-capacity");
    assertSameAsFreshFullPass();
    for (int k = 0; k < 10; k++) {
      scenario.apply(filler(k, node, "Running"));
    }
    assertThat(scenario.findings()).extracting(Finding::rule).contains("node-pod-capacity");
    assertSameAsFreshFullPass();
  }

  @Test
  void aFullPassTellsFindingsRuleByRuleEachInTheOrderItsSubjectsAreListed() {
    cluster.forEachObject(scenario.store()::put);
    scenario.fullPass();

    List<String> rules = RuleCatalog.all().stream().map(Rule::id).toList();
    List<String> pods = List.copyOf(scenario.store().keys(Pod.class));
    assertThat(scenario.appeared()).isSortedAccordingTo(Comparator.comparing(f -> rules.indexOf(f.rule())));
    for (String podRule : List.of("pod-crash-looping", "pod-not-ready")) {
      assertThat(scenario.appeared().stream().filter(f -> f.rule().equals(podRule))
          .map(f -> Keys.of(f.object().namespace(), f.object().name())).toList())
          .as(podRule).hasSizeGreaterThan(1).isSortedAccordingTo(Comparator.comparing(pods::indexOf));
    }
  }

  /** Another pod of the cluster's first deployment, bound to the node, in the given phase. */
  private Pod filler(int k, String node, String phase) {
    return new PodBuilder(cluster.healthyPod(0))
        .editMetadata().withName("filler-" + k).withUid("filler-uid-" + k).endMetadata()
        .editSpec().withNodeName(node).endSpec()
        .editStatus().withPhase(phase).endStatus()
        .build();
  }

  private void assertSameAsFreshFullPass() {
    Engine fresh = new Engine(scenario.store(), RuleCatalog.all(), EngineConfig.DEFAULT,
        Clock.fixed(Instant.parse(NOW), ZoneOffset.UTC), Engine.Listener.NONE);
    fresh.fullPass();

    assertThat(scenario.findings()).isNotEmpty()
        .containsExactlyElementsOf(fresh.findings().stream().map(TrackedFinding::finding).toList());
    assertThat(scenario.engine().nextRecheck()).isEqualTo(fresh.nextRecheck());
  }
}
