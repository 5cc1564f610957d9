package io.clusterdoc.rules.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodCrashLoopingTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String CART = "cart-7c9d8f6b5-qwz8m";

  private final PodCrashLooping rule = new PodCrashLooping();

  @Test
  void anOomKilledContainerIsReportedWithItsMemoryLimit() {
    Finding cart = load().findingOn(CART);

    assertThat(cart.rule()).isEqualTo("pod-crash-looping");
    assertThat(cart.severity()).isEqualTo(Severity.WARNING);
    assertThat(cart.object().kind()).isEqualTo("Pod");
    assertThat(cart.message()).isEqualTo("Pod shop/" + CART + " is in CrashLoopBackOff: container cart "
        + "(14 restarts, last exit code 137, OOMKilled).");
    assertThat(cart.cause()).contains(
        "Container cart was killed for using more memory than its limit of 256Mi (exit code 137, OOMKilled).",
        "Kubelet: back-off 5m0s restarting failed container=cart pod=" + CART + "_shop(");
    assertThat(cart.remediation()).contains(
        "kubectl logs -n shop " + CART + " -c cart --previous",
        "kubectl describe pod -n shop " + CART,
        "Set the memory limit");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "checkout-5f6b7c8d9-lp3xz    | stopped on an application error (exit code 1, Error)  | The previous logs say why",
      "notifier-58c7d9f6b-w4kzp    | termination message: \"sh: /app/notify.sh: Permission denied\" | chmod +x",
      "recommender-6c8f7d9b5-zp5tq | it has no memory limit, so the node itself ran out   | Set the memory limit",
      "mailer-79d6c8b5f-h8r2k      | exited successfully, but restartPolicy Always starts it again | belongs in a Job",
      "search-6b8d7f5c4-r2nvw      | Init container migrate ran a command that does not exist | Compare command",
  })
  void eachExitCodeIsExplainedWithItsAdvice(String pod, String cause, String advice) {
    Finding finding = load().findingOn(pod);

    assertThat(finding.cause()).contains(cause);
    assertThat(finding.remediation()).contains(advice, "kubectl logs -n shop " + pod);
  }

  @Test
  void everyCrashingContainerOfAPodIsNamedInOneFinding() {
    Finding batch = load().findingOn("batch-worker-7d5c9b8f6-t6hjk");

    assertThat(batch.message()).contains("container worker (8 restarts, last exit code 139, Error); "
        + "container log-shipper (3 restarts, last exit code 143, Error).");
    assertThat(batch.cause()).contains("crashed on SIGSEGV, a segmentation fault (exit code 139, Error)",
        "ended on SIGTERM without handling it", "back-off 40s restarting failed container=log-shipper");
    assertThat(batch.remediation()).contains("-c worker --previous", "-c log-shipper --previous",
        "native crash", "liveness probe fails");
  }

  @Test
  void podsThatRestartedButRunNowOrWaitForTheirImageAreNotCrashLooping() {
    assertThat(load().findings()).extracting(f -> f.object().name())
        .hasSize(7)
        .doesNotContain("inventory-64f5d8c7b-8mjqx", "pricing-5b7d9c6f8-n3v8c");
  }

  @Test
  void theFindingResolvesWhenTheContainerRunsAgain() {
    Scenario scenario = load();
    Pod cart = scenario.store().get(Pod.class, "shop/" + CART).orElseThrow();

    scenario.apply(new PodBuilder(cart).editStatus().editFirstContainerStatus()
        .withState(new ContainerStateBuilder().withNewRunning().withStartedAt("2026-11-20T10:06:12Z").endRunning()
            .build())
        .withRestartCount(15).withReady(true).endContainerStatus().endStatus().build());

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain(CART);
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(CART);
  }

  @Test
  void aCrashLoopWithoutSpecOrLastStateIsStillReportedAndAPodWithoutStatusIsNot() {
    Pod noStatus = new PodBuilder().withNewMetadata().withNamespace("shop").withName("new").endMetadata().build();
    Pod bare = new PodBuilder().withNewMetadata().withNamespace("shop").withName("bare").endMetadata()
        .withNewStatus().addNewContainerStatus().withName("app").withNewState().withNewWaiting()
        .withReason("CrashLoopBackOff").endWaiting().endState().endContainerStatus().endStatus().build();

    Finding finding = Scenario.of(rule, NOW).apply(noStatus).apply(bare).single();

    assertThat(finding.message()).isEqualTo("Pod shop/bare is in CrashLoopBackOff: container app (0 restarts).");
    assertThat(finding.cause()).isEqualTo("Container app has no recorded termination.");
  }

  @Test
  void aContainerWhoseProcessNeverStartedIsLeftToPodConfigError() {
    Pod neverStarted = new PodBuilder().withNewMetadata().withNamespace("shop").withName("api").endMetadata()
        .withNewStatus().addNewContainerStatus().withName("api").withRestartCount(6)
        .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
        .withNewLastState().withNewTerminated().withReason("StartError").withExitCode(128)
        .withMessage("failed to create containerd task: ... exec: \"app\": executable file not found in $PATH")
        .endTerminated().endLastState().endContainerStatus().endStatus().build();

    assertThat(Scenario.of(rule, NOW).apply(neverStarted).findings()).isEmpty();
  }

  private Scenario load() {
    return Scenario.of(rule, NOW).load(getClass(), "pod-crash-looping.yaml");
  }
}
