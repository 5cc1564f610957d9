package io.clusterdoc.rules.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodUnschedulableTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "pod-unschedulable.yaml";
  private static final String REPORTS = "reports-worker-6f7d8c9b5-k2m4x";
  private static final String JUST_CREATED = "reports-worker-6f7d8c9b5-z9c4n";

  private final PodUnschedulable rule = new PodUnschedulable();

  @Test
  void reportsEveryPodTheSchedulerHasFoundNoNodeForLongerThanTheThreshold() {
    Scenario scenario = load();

    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactlyInAnyOrder(REPORTS,
        "ledger-1", "ledger-2", "edge-proxy-84c6f9d7b5-v8d2q", "invoice-ocr-7b5d9c8f6-q4wzl",
        "fraud-scorer-5c9f8d7b6-m3x7t", "tax-engine-58d9c7b6f4-j6k8p");
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.rule()).isEqualTo("pod-unschedulable");
      assertThat(f.severity()).isEqualTo(Severity.WARNING);
      assertThat(f.cause()).doesNotEndWith("…");
      assertThat(f.remediation()).doesNotEndWith("…");
    });
  }

  @Test
  void everyReasonIsCountedAndTheControlPlaneTaintIsNotTheOneToFix() {
    Finding reports = load().findingOn(REPORTS);

    assertThat(reports.message()).isEqualTo("Pod billing/" + REPORTS + " has found no node since "
        + "2026-11-20T09:12:44Z, longer than 5m: none of the 5 nodes fits (untolerated taint "
        + "node-role.kubernetes.io/control-plane (1 node), insufficient memory (4 nodes)).");
    assertThat(reports.cause()).contains("counts the requests of the pods already placed, not their use",
        "It requests memory: worker 12Gi.", "The scheduler said: \"0/5 nodes are available: 1 node(s) had");
    assertThat(reports.remediation())
        .contains("node-role.kubernetes.io/control-plane keeps workloads off the control plane by design",
            "kubectl describe node shows Allocated resources")
        .doesNotContain("Add a toleration");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ledger-1  | (unbound immediate PersistentVolumeClaims)   | kubectl describe pvc -n billing data-ledger-1",
      "ledger-2  | volume node affinity conflict (2 nodes)      | volumeBindingMode: WaitForFirstConsumer",
      "edge-proxy-84c6f9d7b5-v8d2q | hostPort already in use (2 nodes) | use strategy Recreate or maxSurge: 0",
      "tax-engine-58d9c7b6f4-j6k8p | pod affinity, anti-affinity or topology spread (2 nodes) | one replica per node",
  })
  void eachKindOfReasonComesWithItsRemedy(String pod, String summary, String remedy) {
    Finding finding = load().findingOn(pod);

    assertThat(finding.message()).contains(summary);
    assertThat(finding.remediation()).contains(remedy);
  }

  @Test
  void severalTaintsAreNamedOneByOne() {
    Finding ocr = load().findingOn("invoice-ocr-7b5d9c8f6-q4wzl");

    assertThat(ocr.message()).contains("none of the 6 nodes fits",
        "untolerated taint node-role.kubernetes.io/control-plane (1 node)",
        "untolerated taint node.kubernetes.io/unreachable (1 node)", "insufficient nvidia.com/gpu (2 nodes)",
        "node affinity/selector mismatch (2 nodes)");
    assertThat(ocr.cause()).contains("It requests nvidia.com/gpu: ocr 1.");
    assertThat(ocr.remediation()).contains("node.kubernetes.io/unreachable marks nodes that are down",
        "kubectl get pod -n billing invoice-ocr-7b5d9c8f6-q4wzl -o jsonpath='{.spec.nodeSelector}");
  }

  @Test
  void aTaintSetByPeopleGetsTheAdviceOnTolerationsAndResourcesAreCountedApart() {
    Finding fraud = load().findingOn("fraud-scorer-5c9f8d7b6-m3x7t");

    assertThat(fraud.message()).contains("(too many pods (1 node), untolerated taint dedicated=ml (1 node), "
        + "insufficient cpu (2 nodes), insufficient memory (2 nodes))");
    assertThat(fraud.cause()).contains("It requests cpu: scorer 3.", "It requests memory: scorer 6Gi.");
    assertThat(fraud.remediation()).contains("maxPods", "Add a toleration only if the pod belongs on such nodes");
  }

  @Test
  void anOldSchedulersWordingIsReadToo() {
    Finding tax = load().findingOn("tax-engine-58d9c7b6f4-j6k8p");

    assertThat(tax.message()).contains("untolerated taint node-role.kubernetes.io/master (1 node)");
    assertThat(tax.remediation()).contains("node-role.kubernetes.io/master keeps workloads off the control plane");
  }

  @Test
  void aPodCreatedSecondsAgoIsRecheckedWhenTheThresholdPasses() {
    Scenario scenario = load();
    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain(JUST_CREATED);
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-20T10:09:40Z"));

    scenario.advance(Duration.ofMinutes(4));
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).doesNotContain(JUST_CREATED);

    scenario.advance(Duration.ofSeconds(40));
    assertThat(scenario.findingOn(JUST_CREATED).message()).contains("since 2026-11-20T10:04:40Z");
  }

  @Test
  void scheduledFailedAndGatedPodsAreNotUnschedulable() {
    assertThat(load().findings()).extracting(f -> f.object().name()).doesNotContain(
        "invoice-api-7f9c6d5b8-c5h7m", "statement-export-28913280-x8v4r", "quota-checker-6d8f7c5b9-w2n6h");
  }

  @Test
  void theFindingResolvesOnceThePodIsScheduled() {
    Scenario scenario = load();
    Pod reports = scenario.store().get(Pod.class, "billing/" + REPORTS).orElseThrow();

    scenario.apply(new PodBuilder(reports).editSpec().withNodeName("worker-4").endSpec().editStatus()
        .editMatchingCondition(c -> "PodScheduled".equals(c.getType()))
        .withStatus("True").withReason(null).withMessage(null).withLastTransitionTime("2026-11-20T10:05:30Z")
        .endCondition().endStatus().build());

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain(REPORTS);
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(REPORTS);
  }

  @Test
  void aMessageWithoutKnownReasonsIsQuotedAndAPodWithoutStatusIsIgnored() {
    Pod odd = pendingWith("Unschedulable", "scheduler plugin CapacityScheduling: quota exceeded");
    Pod bare = new PodBuilder().withNewMetadata().withNamespace("billing").withName("bare").endMetadata().build();

    Finding finding = Scenario.of(rule, NOW).apply(odd).apply(bare).single();

    assertThat(finding.message()).endsWith("longer than 5m: scheduler plugin CapacityScheduling: quota exceeded.");
    assertThat(finding.remediation()).contains("kubectl describe pod -n billing odd");
  }

  @Test
  void aConditionWithoutTransitionTimeIsTimedFromThePodsCreation() {
    Pod untimed = new PodBuilder(pendingWith("Unschedulable", "0/1 nodes are available: 1 Too many pods."))
        .editStatus().editFirstCondition().withLastTransitionTime(null).endCondition().endStatus().build();

    Finding finding = Scenario.of(rule, NOW).apply(untimed).single();

    assertThat(finding.message()).contains("since 2026-11-20T09:00:00Z", "the only node does not fit");
  }

  private static Pod pendingWith(String reason, String message) {
    return new PodBuilder().withNewMetadata().withNamespace("billing").withName("odd")
        .withCreationTimestamp("2026-11-20T09:00:00Z").endMetadata()
        .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
        .withReason(reason).withMessage(message).withLastTransitionTime("2026-11-20T09:00:00Z").endCondition()
        .endStatus().build();
  }

  private Scenario load() {
    return Scenario.of(rule, NOW).load(getClass(), FIXTURE);
  }
}
