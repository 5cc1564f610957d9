package io.clusterdoc.rules.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodNotReadyTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "pod-not-ready.yaml";
  private static final String INVOICE = "invoice-api-7f9c6d5b8-n4p7d";
  private static final String PDF = "pdf-render-5d8f7c9b6-q7wzt";
  private static final String STARTING = "invoice-api-7f9c6d5b8-s8f2k";

  private final PodNotReady rule = new PodNotReady();

  @Test
  void reportsRunningPodsNotReadyLongerThanTheThreshold() {
    Scenario scenario = load();

    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactlyInAnyOrder(INVOICE,
        "ledger-api-6d9f8b7c5-h7j2v", "payment-gateway-5d7c9b8f6-8k3wd", "statement-api-7c5b9d8f4-r5t8y", PDF,
        "tax-api-9b6c8d7f5-d3f6g");
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.rule()).isEqualTo("pod-not-ready");
      assertThat(f.severity()).isEqualTo(Severity.WARNING);
      assertThat(f.cause()).contains("notReadyAddresses").doesNotEndWith("…");
      assertThat(f.remediation()).doesNotEndWith("…");
    });
  }

  @Test
  void quotesTheProbeFailureOfTheContainerItIsAbout() {
    Finding invoice = load().findingOn(INVOICE);

    assertThat(invoice.message()).isEqualTo("Pod billing/" + INVOICE + " has been Running but not Ready since "
        + "2026-11-20T09:22:31Z, longer than 5m: container invoice-api: Readiness probe failed: HTTP probe failed "
        + "with statuscode: 503.");
    assertThat(invoice.cause()).contains("reports itself not ready", "Container invoice-api runs but is not ready.");
    assertThat(invoice.remediation()).contains("kubectl describe pod -n billing " + INVOICE,
        "kubectl logs -n billing " + INVOICE, "shared by all replicas");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ledger-api-6d9f8b7c5-h7j2v    | connect: connection refused | Nothing listens on the probe's port "
          + "| make it listen on 0.0.0.0",
      "statement-api-7c5b9d8f4-r5t8y | statuscode: 404 | not on the probe's path | httpGet path and port",
      "payment-gateway-5d7c9b8f6-8k3wd | context deadline exceeded | timeoutSeconds (1s by default) "
          + "| raise the probe's timeoutSeconds",
  })
  void eachProbeFailureIsExplained(String pod, String quoted, String cause, String remedy) {
    Finding finding = load().findingOn(pod);

    assertThat(finding.message()).contains(quoted);
    assertThat(finding.cause()).contains(cause);
    assertThat(finding.remediation()).contains(remedy);
  }

  @Test
  void theLatestProbeFailureCounts() {
    Finding gateway = load().findingOn("payment-gateway-5d7c9b8f6-8k3wd");

    assertThat(gateway.message()).contains("container gateway: Readiness probe failed: Get")
        .doesNotContain("statuscode: 503");
  }

  @Test
  void withoutAProbeEventTheFindingSaysSo() {
    Finding pdf = load().findingOn(PDF);

    assertThat(pdf.message()).endsWith("longer than 5m: container render not ready.");
    assertThat(pdf.cause()).contains("No readiness probe failure is in view");
    assertThat(pdf.remediation()).contains("node controller");
  }

  @Test
  void readyContainersWithAnUnpassedReadinessGatePointAtTheGatesController() {
    Finding tax = load().findingOn("tax-api-9b6c8d7f5-d3f6g");

    assertThat(tax.message()).endsWith(
        "readiness gates not passed: target-health.elbv2.k8s.aws/k8s-billing-taxapi-1a2b3c4d5e.");
    assertThat(tax.cause()).contains("Its containers are ready, but its readiness gates are not");
    assertThat(tax.remediation()).contains("kubectl get pod -n billing tax-api-9b6c8d7f5-d3f6g -o yaml",
        "Check the controller that sets target-health.elbv2.k8s.aws/k8s-billing-taxapi-1a2b3c4d5e")
        .doesNotContain("node controller");
  }

  @Test
  void podsOtherRulesReportOrThatAreNotReadyOnPurposeAreLeftAlone() {
    assertThat(load().findings()).extracting(f -> f.object().name()).doesNotContain(
        "coredns-5b8bf7b657-5gjrq", "usage-collector-74c9d6b8f5-b6n9m", "invoice-api-7f9c6d5b8-t2v5b",
        "usage-rollup-28913460-k4s8d", "invoice-api-7f9c6d5b8-g9w3e");
  }

  @Test
  void aPodStartingUpIsRecheckedWhenTheThresholdPasses() {
    Scenario scenario = load();
    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain(STARTING);
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-20T10:09:30Z"));

    scenario.advance(Duration.ofMinutes(4));
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).doesNotContain(STARTING);

    scenario.advance(Duration.ofSeconds(30));
    assertThat(scenario.findingOn(STARTING).message()).contains("since 2026-11-20T10:04:30Z", "connection refused");
  }

  @Test
  void aNewProbeEventAloneReEvaluatesThePod() {
    Scenario scenario = load();
    Event failure = readinessFailure(pod(scenario, PDF), "HTTP probe failed with statuscode: 500",
        "2026-11-20T10:05:30Z");

    assertThat(rule.subjectsAffectedBy(failure, scenario.store())).containsExactly("billing/" + PDF);
    scenario.apply(failure);

    assertThat(scenario.findingOn(PDF).message()).endsWith("container render: Readiness probe failed: HTTP probe failed "
        + "with statuscode: 500.");
    assertThat(scenario.resolved()).isEmpty();
  }

  @Test
  void aProbeFailureThatEndedBeforeThePodTurnedUnreadyIsNotQuoted() {
    Scenario scenario = load();

    scenario.apply(readinessFailure(pod(scenario, PDF), "HTTP probe failed with statuscode: 500",
        "2026-11-20T06:10:00Z"));

    assertThat(scenario.findingOn(PDF).message()).endsWith("container render not ready.");
  }

  @Test
  void theFindingResolvesWhenThePodBecomesReady() {
    Scenario scenario = load();
    Pod ready = new PodBuilder(pod(scenario, INVOICE)).editStatus()
        .editMatchingCondition(c -> "Ready".equals(c.getType()))
        .withStatus("True").withReason(null).withMessage(null).withLastTransitionTime("2026-11-20T10:05:40Z")
        .endCondition()
        .editMatchingCondition(c -> "ContainersReady".equals(c.getType()))
        .withStatus("True").withReason(null).withMessage(null).withLastTransitionTime("2026-11-20T10:05:40Z")
        .endCondition()
        .editFirstContainerStatus().withReady(true).endContainerStatus()
        .endStatus().build();

    scenario.apply(ready);

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain(INVOICE);
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(INVOICE);
  }

  @Test
  void podsWithoutConditionsOrStatusAreHealthy() {
    Pod bare = new PodBuilder().withNewMetadata().withNamespace("billing").withName("bare").endMetadata().build();
    Pod running = new PodBuilder().withNewMetadata().withNamespace("billing").withName("running").endMetadata()
        .withNewStatus().withPhase("Running").endStatus().build();

    Scenario scenario = Scenario.of(rule, NOW).apply(bare).apply(running);

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.engine().nextRecheck()).isEmpty();
  }

  private static Event readinessFailure(Pod pod, String failure, String last) {
    return new EventBuilder().withNewMetadata().withNamespace("billing")
        .withName(pod.getMetadata().getName() + ".187a3c2f9d4e6b10").withUid("5f1c2a9e-7d3b-4e8a-9c6f-2b1d0e4a8c73")
        .endMetadata()
        .withType("Warning").withReason("Unhealthy").withCount(3).withMessage("Readiness probe failed: " + failure)
        .withFirstTimestamp(last).withLastTimestamp(last)
        .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withNamespace("billing")
        .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
        .withFieldPath("spec.containers{render}").endInvolvedObject()
        .withNewSource().withComponent("kubelet").withHost("worker-1").endSource().build();
  }

  private Scenario load() {
    return Scenario.of(rule, NOW).load(getClass(), FIXTURE);
  }

  private static Pod pod(Scenario scenario, String name) {
    return scenario.store().get(Pod.class, "billing/" + name).orElseThrow();
  }
}
