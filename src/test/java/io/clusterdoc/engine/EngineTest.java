package io.clusterdoc.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.rules.nodes.NodePressure;
import io.clusterdoc.testing.ExplodingRule;
import io.clusterdoc.testing.LogCapture;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineTest {
  private static final String NOW = "2026-11-20T10:05:00Z";

  @Test
  void replayingTheSameObjectsCreatesNoDuplicateAndNoSecondAnnouncement() {
    Scenario scenario = Scenario.of(new NodePressure(), NOW).load(getClass(), "nodes.yaml");
    long version = scenario.engine().version();
    Node pressured = node(scenario, "worker-1");

    scenario.apply(new NodeBuilder(pressured).build()).apply(new NodeBuilder(pressured).build()).fullPass();

    assertThat(scenario.findings()).hasSize(1);
    assertThat(scenario.appeared()).hasSize(1);
    assertThat(scenario.engine().version()).as("only lastSeen moved, on the full pass").isEqualTo(version + 1);
  }

  @Test
  void aDeletedObjectsFindingResolves() {
    Scenario scenario = Scenario.of(new NodePressure(), NOW).load(getClass(), "nodes.yaml");

    scenario.delete(node(scenario, "worker-1"));

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("worker-1");
  }

  @Test
  void aFullPassClearsFindingsWhoseObjectsVanishedUnnoticed() {
    Scenario scenario = Scenario.of(new NodePressure(), NOW).load(getClass(), "nodes.yaml");

    scenario.store().remove(node(scenario, "worker-1"));
    assertThat(scenario.findings()).as("no change was delivered yet").hasSize(1);
    scenario.fullPass();

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.resolved()).hasSize(1);
  }

  @Test
  void firstSeenSurvivesReEvaluationAndLastSeenMovesOnlyOnFullPasses() {
    Scenario scenario = Scenario.of(new NodePressure(), NOW).load(getClass(), "nodes.yaml");
    TrackedFinding before = scenario.engine().findings().get(0);

    scenario.advance(Duration.ofMinutes(3)).apply(new NodeBuilder(node(scenario, "worker-1")).build());
    TrackedFinding afterChange = scenario.engine().findings().get(0);
    scenario.fullPass();
    TrackedFinding afterPass = scenario.engine().findings().get(0);

    assertThat(afterChange.firstSeen()).isEqualTo(before.firstSeen());
    assertThat(afterChange.lastSeen()).isEqualTo(before.lastSeen());
    assertThat(afterPass.lastSeen()).isEqualTo(Instant.parse(NOW).plusSeconds(180));
  }

  @Test
  void restoredFindingsKeepFirstSeenAndAreNotAnnouncedAgainButVanishedOnesResolve() {
    Scenario previous = Scenario.of(new NodePressure(), "2026-11-19T08:00:00Z").load(getClass(), "nodes.yaml");
    Finding gone = Finding.builder("node-pressure", Severity.WARNING,
        new ObjectRef("v1", "Node", null, "decommissioned", "0000-gone")).message("old").build();
    List<TrackedFinding> known = new ArrayList<>(previous.engine().findings());
    known.add(new TrackedFinding(gone, Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-19T08:00:00Z")));

    Scenario restarted = Scenario.of(new NodePressure(), NOW);
    restarted.engine().restore(known);
    restarted.load(getClass(), "nodes.yaml");

    assertThat(restarted.appeared()).isEmpty();
    assertThat(restarted.resolved()).extracting(f -> f.object().name()).containsExactly("decommissioned");
    assertThat(restarted.engine().findings().get(0).firstSeen()).isEqualTo(Instant.parse("2026-11-19T08:00:00Z"));
  }

  @Test
  void aRuleThatFailsOnOneObjectDoesNotStopTheOthers() {
    Scenario scenario = Scenario.of(List.of(new ExplodingRule(), new NodePressure()), EngineConfig.DEFAULT, NOW)
        .load(getClass(), "nodes.yaml");

    assertThat(scenario.findings()).extracting(Finding::rule).containsExactly("node-pressure");
  }

  @Test
  void aRuleFailureIsLoggedOnceAtDebugPerRuleAndObjectHoweverOftenItRecurs() {
    try (LogCapture log = LogCapture.of(Engine.class)) {
      Scenario scenario = Scenario.of(List.of(new ExplodingRule(), new NodePressure()), EngineConfig.DEFAULT, NOW)
          .load(getClass(), "nodes.yaml");
      Node worker1 = node(scenario, "worker-1");
      scenario.fullPass().apply(new NodeBuilder(worker1).build()).fullPass().apply(new NodeBuilder(worker1).build());

      assertThat(log.messages(Level.DEBUG)).as("one line per failing object, over two passes and two updates")
          .hasSize(2)
          .anySatisfy(line -> assertThat(line).startsWith("rule exploding could not evaluate worker-1: "))
          .anySatisfy(line -> assertThat(line).startsWith("rule exploding could not evaluate worker-2: "));

      scenario.apply(new NodeBuilder(worker1).editMetadata().withName("worker-3").withUid("worker-3-uid").endMetadata()
          .build()).fullPass();

      assertThat(log.messages(Level.DEBUG)).as("another object failing gets its own line").hasSize(3)
          .last().asString().startsWith("rule exploding could not evaluate worker-3: ")
          .contains("unexpected field value in worker-3");
      assertThat(log.events()).extracting(ILoggingEvent::getLevel).containsOnly(Level.DEBUG);
      assertThat(scenario.findings()).extracting(Finding::rule).containsOnly("node-pressure");
    }
  }

  @Test
  void disabledRulesAndExcludedNamespacesProduceNothing() throws InvalidSettingException {
    EngineConfig disabled = EngineConfig.builder(List.of(new NodePressure())).disable("node-pressure", "test").build();

    assertThat(Scenario.of(List.of(new NodePressure()), disabled, NOW).load(getClass(), "nodes.yaml").findings())
        .isEmpty();
    assertThat(new NamespaceFilter(List.of("team-*"), List.of("team-sandbox")).allows("team-a")).isTrue();
    assertThat(new NamespaceFilter(List.of("team-*"), List.of("team-sandbox")).allows("team-sandbox")).isFalse();
    assertThat(new NamespaceFilter(List.of("team-*"), List.of()).allows("kube-system")).isFalse();
    assertThat(new NamespaceFilter(List.of("team-?"), List.of()).allows("team-ab")).isFalse();
    assertThat(NamespaceFilter.ALL.allows(null)).as("cluster-scoped objects always pass").isTrue();
  }

  @Test
  void settingsNameTheFieldThatIsWrong() {
    EngineConfig.Builder builder = EngineConfig.builder(List.of(new NodePressure()));

    assertThat(failure(() -> builder.disable("nope", "spec.rules.disabled[0]")))
        .isEqualTo("spec.rules.disabled[0]: unknown rule 'nope' (`clusterdoc rules` lists them)");
    assertThat(failure(() -> builder.threshold("node-pressure", "5m", "spec.rules.thresholds.node-pressure")))
        .isEqualTo("spec.rules.thresholds.node-pressure: rule node-pressure has no threshold");
    assertThat(failure(() -> builder.include("Team_A", "spec.namespaces.include[0]")))
        .startsWith("spec.namespaces.include[0]: 'Team_A' is not a namespace name glob");
  }

  @Test
  void durationsReadAndPrintTheWayKubernetesUsersWriteThem() {
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(Durations.format(Duration.ofSeconds(93_784))).isEqualTo("1d2h");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    for (String bad : List.of("", "5", "5 m", "-5m", "5min", "m5")) {
      assertThat(failure(() -> Durations.parse(bad))).contains("is not a duration such as 90s, 5m or 1h30m");
    }
  }

  @Test
  void theIgnoreAnnotationSilencesItsRulesOnTheObject() {
    Scenario scenario = Scenario.of(new NodePressure(), NOW).load(getClass(), "nodes.yaml");
    Node pressured = node(scenario, "worker-1");

    scenario.apply(annotated(pressured, "pod-evicted, node-pressure"));
    assertThat(scenario.findings()).isEmpty();

    scenario.apply(annotated(pressured, "pod-evicted"));
    assertThat(scenario.findings()).hasSize(1);

    scenario.apply(annotated(pressured, "*"));
    assertThat(scenario.findings()).isEmpty();
  }

  @Test
  void annotatingANamespaceSilencesWhatIsInItAtOnce() {
    Scenario scenario = Scenario.of(new NamespacedPods(), NOW).load(getClass(), "pods.yaml");
    assertThat(scenario.findings()).extracting(f -> f.object().namespace()).containsExactly("shop");
    Namespace shop = scenario.store()
        .get(Namespace.class, "shop").orElseThrow();

    scenario.apply(annotated(shop, "namespaced-pods"));
    assertThat(scenario.findings()).isEmpty();

    scenario.apply(annotated(shop, null));
    assertThat(scenario.findings()).hasSize(1);
  }

  @Test
  void aConfiguredSeverityReplacesTheRulesDefault() throws InvalidSettingException {
    EngineConfig critical = EngineConfig.builder(List.of(new NodePressure()))
        .severity("node-pressure", "critical", "test").build();

    Finding finding = Scenario.of(List.of(new NodePressure()), critical, NOW).load(getClass(), "nodes.yaml").single();

    assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(failure(() -> EngineConfig.builder(List.of(new NodePressure())).severity("node-pressure", "urgent", "f")))
        .isEqualTo("f: 'urgent' is not one of critical, warning, info");
  }

  @Test
  void thresholdsReadValuesOfTheirOwnType() {
    assertThat(Threshold.count(20).parse("50")).isEqualTo(Threshold.count(50));
    assertThat(Threshold.of(Duration.ofMinutes(5)).parse("1h")).isEqualTo(Threshold.of(Duration.ofHours(1)));
    assertThat(failure(() -> Threshold.count(20).parse("0"))).isEqualTo("'0' is not a whole number above 0");
    assertThat(failure(() -> Threshold.count(20).parse("5m"))).isEqualTo("'5m' is not a whole number above 0");
    assertThat(failure(() -> Threshold.of(Duration.ofMinutes(5)).parse("0s")))
        .isEqualTo("a threshold must be longer than 0s");
    assertThat(Threshold.count(20).display()).isEqualTo("20");
    assertThat(Threshold.of(Duration.ofMinutes(5)).display()).isEqualTo("5m");
  }

  /** A new version of the object, as a watch delivers it, with the ignore annotation set or removed. */
  private static <T extends HasMetadata> T annotated(T object, String ignore) {
    T copy = new KubernetesSerialization().clone(object);
    Map<String, String> annotations = new HashMap<>();
    if (ignore != null) {
      annotations.put(Silencing.ANNOTATION, ignore);
    }
    copy.getMetadata().setAnnotations(annotations);
    return copy;
  }

  private static Node node(Scenario scenario, String name) {
    return scenario.store().get(Node.class, name).orElseThrow();
  }

  private static String failure(ThrowingCall call) {
    try {
      call.run();
      return "no failure";
    } catch (Exception e) {
      return e.getMessage();
    }
  }

  private interface ThrowingCall {
    void run() throws Exception;
  }

  /** Reports every pod: stands for any rule with findings on namespaced objects. */
  private static final class NamespacedPods extends ObjectRule<Pod> {
    NamespacedPods() {
      super("namespaced-pods", Severity.WARNING, "every pod", Pod.class);
    }

    @Override
    protected List<Finding> check(Pod pod, ClusterView view, RuleContext context) {
      return List.of(finding(pod).message("pod " + pod.getMetadata().getName()).build());
    }
  }
}
