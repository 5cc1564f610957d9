package io.clusterdoc.rules.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.InvalidSettingException;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerOomKilledTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String ANALYTICS = "analytics-7c6d9b8f5-p5ngx";
  private static final String RESIZER = "resizer-5b8c7d9f6-g7tvz";
  private static final String NIGHTLY = "nightly-report-29393760-h5k2m";
  private static final String CART_SYNC = "cart-sync-6f9d8b7c5-b2xwq";

  private final ContainerOomKilled rule = new ContainerOomKilled();

  @Test
  void aRecentKillGivesTheLimitTheRestartsAndTheSkippedPreStopHook() {
    Finding finding = load().findingOn(ANALYTICS);

    assertThat(finding.rule()).isEqualTo("container-oom-killed");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(rule.defaultThreshold()).hasValueSatisfying(t -> assertThat(t.display()).isEqualTo("1h"));
    assertThat(finding.message()).isEqualTo("Pod media/" + ANALYTICS + ": container analytics was OOM-killed at "
        + "2026-11-20T09:55:01Z (memory limit 512Mi, 3 restarts).");
    assertThat(finding.cause()).isEqualTo("Container analytics used more than its memory limit of 512Mi, and the "
        + "kernel's OOM killer ended it. Its preStop hook did not run: the kernel, not the kubelet, stopped the "
        + "container, so there was neither preStop nor SIGTERM and the process could not finish its work.");
    assertThat(finding.remediation()).startsWith("kubectl top pod -n media " + ANALYTICS + " --containers")
        .contains("Set the memory limit above the container's peak", "kubemem")
        .doesNotContain("sizeLimit", "Give containers without a limit one");
  }

  @Test
  void withoutALimitTheNodeRanOutAndAMemoryEmptyDirCounts() {
    Finding finding = load().findingOn(RESIZER);

    assertThat(finding.message()).endsWith("(no memory limit, 1 restart).");
    assertThat(finding.cause()).contains("has no memory limit: it was killed when node worker-3",
        "emptyDir scratch (medium: Memory) count as its memory", "no preStop hook runs");
    assertThat(finding.remediation()).contains("sizeLimit", "Give containers without a limit one");
  }

  @Test
  void aJobPodThatFailedOnTheKillIsReportedForAsLongAsItExists() {
    Scenario scenario = load();
    Finding finding = scenario.findingOn(NIGHTLY);

    assertThat(finding.message()).isEqualTo("Pod media/" + NIGHTLY + ": container report was OOM-killed at "
        + "2026-11-20T02:31:47Z and the pod failed (memory limit 1Gi).");
    assertThat(finding.remediation()).startsWith("kubectl describe pod -n media " + NIGHTLY)
        .contains("the failed pod stays until it or its Job is deleted").doesNotContain("kubectl top");

    scenario.advance(Duration.ofDays(30));
    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactly(NIGHTLY);
  }

  @Test
  void crashLoopsOldKillsAndOtherExitsAreNotReported() {
    assertThat(load().findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder(ANALYTICS, RESIZER, NIGHTLY);
  }

  @Test
  void eachKillResolvesByItselfOnceTheThresholdHasPassed() {
    Scenario scenario = load();
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-20T10:46:10Z"));

    scenario.advance(Duration.ofSeconds(41 * 60 + 9));
    assertThat(scenario.findings()).extracting(f -> f.object().name()).contains(RESIZER);

    scenario.advance(Duration.ofSeconds(1));
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(RESIZER);
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-20T10:55:01Z"));

    scenario.advance(Duration.ofMinutes(9).plusSeconds(1));
    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactly(NIGHTLY);
    assertThat(scenario.engine().nextRecheck()).isEmpty();
  }

  @Test
  void aLongerThresholdKeepsOlderKills() throws InvalidSettingException {
    EngineConfig fourHours = EngineConfig.builder(List.of(rule))
        .threshold(ContainerOomKilled.ID, "4h", "--threshold").build();

    Scenario scenario = Scenario.of(List.of(rule), fourHours, NOW).load(getClass(), "container-oom-killed.yaml");

    assertThat(scenario.findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder(ANALYTICS, RESIZER, NIGHTLY, "transcoder-6d5f8b7c9-7vwlp");
  }

  @Test
  void aCrashLoopingContainerIsReportedHereOnceItRunsAgain() {
    Scenario scenario = load();
    Pod cartSync = scenario.store().get(Pod.class, "media/" + CART_SYNC).orElseThrow();

    scenario.apply(new PodBuilder(cartSync).editStatus().editFirstContainerStatus()
        .withState(new ContainerStateBuilder().withNewRunning().withStartedAt("2026-11-20T10:06:53Z").endRunning()
            .build())
        .withRestartCount(12).endContainerStatus().endStatus().build());

    assertThat(scenario.findingOn(CART_SYNC).message()).isEqualTo("Pod media/" + CART_SYNC + ": container cart-sync was "
        + "OOM-killed at 2026-11-20T10:01:52Z (memory limit 128Mi, 12 restarts).");
  }

  @Test
  void deletingThePodResolvesItsFinding() {
    Scenario scenario = load();

    scenario.delete(scenario.store().get(Pod.class, "media/" + ANALYTICS).orElseThrow());

    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(ANALYTICS);
  }

  @Test
  void aKillWithoutTimeIsReportedOnlyWhenThePodFailedAndAPodWithoutStatusNever() {
    Pod undated = new PodBuilder().withNewMetadata().withNamespace("media").withName("undated").endMetadata()
        .withNewStatus().withPhase("Running").addNewContainerStatus().withName("app").withNewState().withNewRunning()
        .endRunning().endState().withNewLastState().withNewTerminated().withReason("OOMKilled").withExitCode(137)
        .endTerminated().endLastState().endContainerStatus().endStatus().build();
    Pod failed = new PodBuilder().withNewMetadata().withNamespace("media").withName("failed").endMetadata()
        .withNewStatus().withPhase("Failed").addNewContainerStatus().withName("app").withNewState().withNewTerminated()
        .withReason("OOMKilled").withExitCode(137).endTerminated().endState().endContainerStatus().endStatus().build();
    Pod bare = new PodBuilder().withNewMetadata().withNamespace("media").withName("bare").endMetadata().build();

    Finding finding = Scenario.of(rule, NOW).apply(undated).apply(failed).apply(bare).single();

    assertThat(finding.message()).isEqualTo("Pod media/failed: container app was OOM-killed and the pod failed (no "
        + "memory limit).");
  }

  private Scenario load() {
    return Scenario.of(rule, NOW).load(getClass(), "container-oom-killed.yaml");
  }
}
