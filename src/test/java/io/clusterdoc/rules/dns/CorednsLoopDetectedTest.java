package io.clusterdoc.rules.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.cluster.ContainerLog;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class CorednsLoopDetectedTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "coredns-crash-looping.yaml";
  private static final String POD = "coredns-7db6d8ff4d-lp2xq";
  private static final String LOOP_LOG = """
      .:53
      CoreDNS-1.11.1
      [FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 4547991504243258144.3688648895315093531."
      """;

  @Test
  void theLoopInTheLogOfACrashLoopingCorednsIsReportedWithItsCause() {
    Scenario scenario = Scenario.of(new CorednsLoopDetected(), NOW).load(getClass(), FIXTURE);
    assertThat(scenario.findings()).as("nothing is known before the log is read").isEmpty();

    scenario.store().putLog(new ContainerLog("kube-system", POD, "coredns", LOOP_LOG));
    Finding finding = scenario.apply(pod(scenario)).single();

    assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(finding.object().name()).isEqualTo(POD);
    assertThat(finding.message()).contains("on worker-2").contains("Loop (127.0.0.1:55953 -> :53) detected for zone \".\"");
    assertThat(finding.cause()).contains("loopback resolver").contains("31 restarts");
    assertThat(finding.remediation()).contains("/run/systemd/resolve/resolv.conf").contains("Do not remove the loop plugin");
  }

  @Test
  void asksForTheLogOfCrashLoopingDnsContainersOnly() {
    Scenario scenario = Scenario.of(new CorednsLoopDetected(), NOW).load(getClass(), FIXTURE);
    Pod crashing = pod(scenario);
    Pod running = new PodBuilder(crashing).editStatus().editFirstContainerStatus().withNewState().withNewRunning()
        .withStartedAt("2026-11-20T10:00:00Z").endRunning().endState().endContainerStatus().endStatus().build();
    Pod otherApp = new PodBuilder(crashing).editMetadata().withNamespace("shop").endMetadata().build();

    assertThat(new CorednsLoopDetected().containersToRead(crashing)).containsExactly("coredns");
    assertThat(new CorednsLoopDetected().containersToRead(running)).isEmpty();
    assertThat(new CorednsLoopDetected().containersToRead(otherApp)).isEmpty();
  }

  @Test
  void aCrashWithAnotherLogIsNotALoop() {
    Scenario scenario = Scenario.of(new CorednsLoopDetected(), NOW).load(getClass(), FIXTURE);
    scenario.store().putLog(new ContainerLog("kube-system", POD, "coredns",
        "plugin/kubernetes: Failed to watch *v1.Namespace: failed to list *v1.Namespace: Unauthorized\n"));

    assertThat(scenario.apply(pod(scenario)).findings()).isEmpty();
  }

  @Test
  void theFindingGoesWithThePod() {
    Scenario scenario = Scenario.of(new CorednsLoopDetected(), NOW).load(getClass(), FIXTURE);
    scenario.store().putLog(new ContainerLog("kube-system", POD, "coredns", LOOP_LOG));
    scenario.apply(pod(scenario));

    scenario.delete(pod(scenario));

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.resolved()).hasSize(1);
    assertThat(scenario.store().containerLog(pod(scenario, false), "coredns")).isEmpty();
  }

  private static Pod pod(Scenario scenario) {
    return pod(scenario, true);
  }

  private static Pod pod(Scenario scenario, boolean stored) {
    return stored ? new PodBuilder(scenario.store().get(Pod.class, "kube-system", POD).orElseThrow()).build()
        : new PodBuilder().withNewMetadata().withNamespace("kube-system").withName(POD).endMetadata().build();
  }
}
