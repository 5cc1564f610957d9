package io.clusterdoc.rules.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodHighRestartsTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "pod-high-restarts.yaml";
  private static final String LEDGER = "ledger-api-6d9f8b7c5-f2g8h";
  private static final String STATEMENT = "statement-api-7c5b9d8f4-m8n2p";

  private final PodHighRestarts rule = new PodHighRestarts();

  @Test
  void reportsRunningPodsWithContainersRestartedMoreThanTheThreshold() {
    Scenario scenario = load();

    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactlyInAnyOrder(LEDGER,
        "payment-gateway-5d7c9b8f6-z7x5c", "invoice-worker-8b7f6c5d9-c4v6b", STATEMENT);
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.rule()).isEqualTo("pod-high-restarts");
      assertThat(f.severity()).isEqualTo(Severity.INFO);
      assertThat(f.remediation()).contains("--previous").doesNotEndWith("…");
    });
    assertThat(rule.defaultThreshold()).contains(Threshold.count(20));
  }

  @Test
  void givesTheCountHowTheLastRunEndedAndWhenItRestarted() {
    Finding ledger = load().findingOn(LEDGER);

    assertThat(ledger.message()).isEqualTo("Pod billing/" + LEDGER + " has containers that restarted more than 20 "
        + "times: container ledger-api (37 restarts, last exit code 137, OOMKilled, restarted at "
        + "2026-11-20T08:14:05Z).");
    assertThat(ledger.cause()).contains("was killed for using more memory than its limit",
        "resets only when the pod is replaced");
    assertThat(ledger.remediation()).contains("kubectl logs -n billing " + LEDGER + " -c ledger-api --previous",
        "raise the memory limit");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "payment-gateway-5d7c9b8f6-z7x5c | container gateway (23 restarts, last exit code 143, Error | ended on SIGTERM "
          + "| needs a startupProbe",
      "invoice-worker-8b7f6c5d9-c4v6b  | container worker (21 restarts, last exit code 0, Completed "
          + "| exited on its own | belongs in a Job",
  })
  void eachEndingComesWithItsAdvice(String pod, String summary, String cause, String advice) {
    Finding finding = load().findingOn(pod);

    assertThat(finding.message()).contains(summary);
    assertThat(finding.cause()).contains(cause);
    assertThat(finding.remediation()).contains(advice);
  }

  @Test
  void onlyTheContainersAboveTheThresholdAreNamed() {
    Finding gateway = load().findingOn("payment-gateway-5d7c9b8f6-z7x5c");
    Finding statement = load().findingOn(STATEMENT);

    assertThat(gateway.message()).doesNotContain("envoy");
    assertThat(statement.message()).contains("container fluent-bit (48 restarts", "container statement-api (25 "
        + "restarts, last exit code 1, Error, restarted at 2026-11-20T09:58:31Z)");
    assertThat(statement.cause()).contains("Container fluent-bit was killed with SIGKILL",
        "Its termination message: \"lost connection to postgres-billing:5432, exiting\"");
    assertThat(statement.remediation()).contains("-c fluent-bit --previous", "-c statement-api --previous");
  }

  @Test
  void podsAtTheThresholdCrashLoopingFinishedOrStartingAreNotReported() {
    assertThat(load().findings()).extracting(f -> f.object().name()).doesNotContain("tax-api-9b6c8d7f5-k9l3z",
        "usage-collector-74c9d6b8f5-p5q8r", "statement-export-28913220-n6m4k", "invoice-worker-8b7f6c5d9-w3e5r");
  }

  @Test
  void theCountComesFromTheDiagnosisAsAWholeNumber() throws Exception {
    EngineConfig forty = EngineConfig.builder(List.of(rule)).threshold(PodHighRestarts.ID, "40", "--threshold").build();

    Finding finding = Scenario.of(List.of(rule), forty, NOW).load(getClass(), FIXTURE).single();

    assertThat(finding.object().name()).isEqualTo(STATEMENT);
    assertThat(finding.message()).contains("more than 40 times: container fluent-bit (48 restarts")
        .doesNotContain("container statement-api");
  }

  @Test
  void aContainerThatStartsCrashLoopingIsLeftToPodCrashLooping() {
    Scenario scenario = load();
    Pod crashing = new PodBuilder(pod(scenario, LEDGER)).editStatus().editFirstContainerStatus()
        .withRestartCount(38).withReady(false)
        .withState(new ContainerStateBuilder().withNewWaiting().withReason("CrashLoopBackOff")
            .withMessage("back-off 10s restarting failed container=ledger-api").endWaiting().build())
        .endContainerStatus().endStatus().build();

    scenario.apply(crashing);

    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(LEDGER);
  }

  @Test
  void anotherRestartUpdatesTheFindingAndAReplacedPodResolvesIt() {
    Scenario scenario = load();
    Pod restarted = new PodBuilder(pod(scenario, LEDGER)).editStatus().editFirstContainerStatus()
        .withRestartCount(38)
        .withState(new ContainerStateBuilder().withNewRunning().withStartedAt("2026-11-20T10:06:03Z").endRunning()
            .build())
        .endContainerStatus().endStatus().build();

    scenario.apply(restarted);
    assertThat(scenario.findingOn(LEDGER).message()).contains("(38 restarts", "restarted at 2026-11-20T10:06:03Z");
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).containsOnlyOnce(LEDGER);

    scenario.delete(restarted);
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(LEDGER);
  }

  @Test
  void containersWithoutCountsOrStatesAreHandled() {
    Pod sparse = new PodBuilder().withNewMetadata().withNamespace("billing").withName("sparse").endMetadata()
        .withNewStatus().withPhase("Running").addNewContainerStatus().withName("app").withRestartCount(22)
        .endContainerStatus().addNewContainerStatus().withName("sidecar").endContainerStatus().endStatus().build();

    Finding finding = Scenario.of(rule, NOW).apply(sparse).single();

    assertThat(finding.message()).endsWith("container app (22 restarts).");
    assertThat(finding.cause()).startsWith("Container app has no recorded termination.");
  }

  private Scenario load() {
    return Scenario.of(rule, NOW).load(getClass(), FIXTURE);
  }

  private static Pod pod(Scenario scenario, String name) {
    return scenario.store().get(Pod.class, "billing/" + name).orElseThrow();
  }
}
