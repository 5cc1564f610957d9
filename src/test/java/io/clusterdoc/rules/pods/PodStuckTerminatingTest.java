package io.clusterdoc.rules.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.NamespaceFilter;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PodStuckTerminatingTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "pod-stuck-terminating.yaml";
  private static final String FORCE = "--grace-period=0 --force";
  private static final String LEDGER = "ledger-0";
  private static final String ON_GONE_NODE = "invoice-api-7f9c6d5b8-x2k4m";
  private static final String JOB_POD = "usage-rollup-28913460-h5vtx";
  private static final String OWN_FINALIZER = "statement-mailer-6c8b7d9f4-p9qrs";
  private static final String ON_READY_NODE = "payment-gateway-5d7c9b8f6-t4lmn";
  private static final String JUST_PAST_GRACE = "invoice-api-7f9c6d5b8-r8n2w";

  private final PodStuckTerminating rule = new PodStuckTerminating();

  @Test
  void reportsEveryPodDeletedLongerAgoThanTheThreshold() {
    Scenario scenario = load();

    assertThat(scenario.findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder(LEDGER, ON_GONE_NODE, JOB_POD, OWN_FINALIZER, ON_READY_NODE);
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.rule()).isEqualTo("pod-stuck-terminating");
      assertThat(f.severity()).isEqualTo(Severity.WARNING);
      assertThat(f.object().kind()).isEqualTo("Pod");
      assertThat(f.message()).doesNotEndWith("…");
      assertThat(f.cause()).doesNotEndWith("…");
      assertThat(f.remediation()).doesNotEndWith("…");
    });
  }

  @Test
  void aPodOnAnUnreachableNodeNamesTheNodeAndWarnsAboutForcingAStatefulSetPod() {
    Finding ledger = load().findingOn(LEDGER);

    assertThat(ledger.message()).isEqualTo("Pod billing/ledger-0 is stuck Terminating: it was due to be gone at "
        + "2026-11-20T08:46:45Z and is still there more than 5m later; its node worker-3 is NotReady.");
    assertThat(ledger.cause()).contains("deleted with a grace period of 30s",
        "Node worker-3 is NotReady (Ready=Unknown since 2026-11-20T08:41:10Z: Kubelet stopped posting node status.)",
        "The node controller does not finish the deletion either");
    assertThat(ledger.remediation()).contains("kubectl describe node worker-3", "journalctl -u kubelet",
        "kubectl delete node worker-3", "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute",
        "kubectl delete pod -n billing ledger-0 " + FORCE + ") only when the node is gone for good",
        "Caveat: StatefulSet ledger starts a replacement with the same name", "two pods with the same identity");
    assertThat(ledger.related()).extracting(ObjectRef::kind, ObjectRef::name)
        .containsExactly(tuple("Node", "worker-3"));
  }

  @Test
  void aPodWhoseNodeIsGoneMayBeForcedAndHasNoStatefulSetCaveat() {
    Finding invoice = load().findingOn(ON_GONE_NODE);

    assertThat(invoice.message()).endsWith("its node spot-worker-7 no longer exists.");
    assertThat(invoice.cause()).contains("pod garbage collector of kube-controller-manager");
    assertThat(invoice.remediation())
        .contains("kube-controller-manager", "gone for good", "kubectl delete pod -n billing " + ON_GONE_NODE + " "
            + FORCE)
        .doesNotContain("Caveat");
    assertThat(invoice.related()).isEmpty();
  }

  @Test
  void aJobTrackingFinalizerPointsAtTheJobController() {
    Finding job = load().findingOn(JOB_POD);

    assertThat(job.message()).endsWith("finalizers hold it (batch.kubernetes.io/job-tracking).");
    assertThat(job.cause()).contains("deleted at 2026-11-20T09:12:00Z without a grace period",
        "metadata.finalizers still lists batch.kubernetes.io/job-tracking").doesNotContain("kubelet");
    assertThat(job.related()).isEmpty();
    assertThat(job.remediation()).contains("Job controller in kube-controller-manager",
        "kubectl patch pod -n billing " + JOB_POD + " --type=merge -p '{\"metadata\":{\"finalizers\":null}}'")
        .doesNotContain(FORCE);
  }

  @Test
  void aFinishedPodHeldByItsOwnFinalizerIsNotBlamedOnItsNode() {
    Finding mailer = load().findingOn(OWN_FINALIZER);

    assertThat(mailer.message()).endsWith("finalizers hold it (billing.example.com/drain-outbox).");
    assertThat(mailer.remediation()).contains("controller behind billing.example.com/drain-outbox",
        "only once you know what it guards").doesNotContain("Job controller", FORCE);
  }

  @Test
  void onAReadyNodeTheKubeletIsToBlameAndForcingIsDiscouraged() {
    Finding gateway = load().findingOn(ON_READY_NODE);

    assertThat(gateway.message()).endsWith("the kubelet on its Ready node worker-1 has not finished it.");
    assertThat(gateway.cause()).contains("volume that fails to unmount");
    assertThat(gateway.remediation()).contains("kubectl describe pod -n billing " + ON_READY_NODE, "FailedKillPod",
        "Do not force the deletion").doesNotContain(FORCE);
  }

  @Test
  void podsStillInOrJustPastTheirGracePeriodAreRecheckedWhenTheThresholdPasses() {
    Scenario scenario = load();
    assertThat(scenario.findings()).extracting(f -> f.object().name())
        .doesNotContain(JUST_PAST_GRACE, "invoice-api-7f9c6d5b8-w6c5j");
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-20T10:09:30Z"));

    scenario.advance(Duration.ofMinutes(4));
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).doesNotContain(JUST_PAST_GRACE);

    scenario.advance(Duration.ofSeconds(30));
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).contains(JUST_PAST_GRACE)
        .doesNotContain("invoice-api-7f9c6d5b8-w6c5j");
    assertThat(scenario.findingOn(JUST_PAST_GRACE).message()).contains("kubelet on its Ready node worker-1");

    scenario.advance(Duration.ofSeconds(50));
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).contains("invoice-api-7f9c6d5b8-w6c5j");
  }

  @Test
  void aFinishedPodWithoutFinalizersIsNotStuck() {
    assertThat(load().findings()).extracting(f -> f.object().name()).doesNotContain("usage-rollup-28913400-b7d2k");
  }

  @Test
  void aNodeChangeReEvaluatesOnlyThePodsBeingDeletedOnIt() {
    Scenario scenario = load();
    Node worker3 = node(scenario, "worker-3");

    assertThat(rule.subjectsAffectedBy(worker3, scenario.store())).containsExactly("billing/" + LEDGER);

    scenario.apply(new NodeBuilder(worker3).editStatus()
        .editMatchingCondition(c -> "Ready".equals(c.getType()))
        .withStatus("True").withReason("KubeletReady").withMessage("kubelet is posting ready status")
        .withLastTransitionTime("2026-11-20T10:05:00Z").endCondition()
        .endStatus().build());

    assertThat(scenario.findingOn(LEDGER).message()).endsWith("the kubelet on its Ready node worker-3 has not finished it.");
    assertThat(scenario.resolved()).isEmpty();
  }

  @Test
  void aDeletedNodeTurnsItsPodsIntoPodsOfAGoneNode() {
    Scenario scenario = load();

    scenario.delete(node(scenario, "worker-3"));

    assertThat(scenario.findingOn(LEDGER).message()).endsWith("its node worker-3 no longer exists.");
    assertThat(scenario.findingOn(LEDGER).remediation()).contains("Caveat: StatefulSet ledger");
  }

  @Test
  void theFindingResolvesWhenThePodIsGone() {
    Scenario scenario = load();

    scenario.delete(pod(scenario, LEDGER));

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain(LEDGER);
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(LEDGER);
  }

  @Test
  void removingTheFinalizerResolvesAFinishedPod() {
    Scenario scenario = load();

    scenario.apply(new PodBuilder(pod(scenario, JOB_POD)).editMetadata().withFinalizers(List.of()).endMetadata()
        .build());

    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(JOB_POD);
  }

  @Test
  void withoutAnyNodeInViewTheNodeIsNotCalledGone() {
    Pod ledger = Scenario.objects(getClass(), FIXTURE).stream()
        .filter(o -> LEDGER.equals(o.getMetadata().getName())).map(Pod.class::cast).findFirst().orElseThrow();

    Finding finding = Scenario.of(rule, NOW).apply(ledger).single();

    assertThat(finding.message()).endsWith("its node worker-3 is not in view.");
    assertThat(finding.remediation()).contains("kubectl get node worker-3", "Caveat: StatefulSet ledger");
  }

  @Test
  void theThresholdComesFromTheDiagnosis() {
    EngineConfig twoHours = new EngineConfig(Set.of(), NamespaceFilter.ALL,
        Map.of(PodStuckTerminating.ID, Threshold.of(Duration.ofHours(2))));

    Scenario scenario = Scenario.of(List.of(rule), twoHours, NOW).load(getClass(), FIXTURE);

    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactly(ON_GONE_NODE);
    assertThat(scenario.single().message()).contains("more than 2h later");
  }

  @Test
  void podsWithoutStatusOrWithAnUnreadableTimestampAreLeftAlone() {
    Pod unreadable = new PodBuilder().withNewMetadata().withNamespace("billing").withName("odd")
        .withDeletionTimestamp("soon").endMetadata().withNewSpec().withNodeName("worker-1").endSpec().build();
    Pod bare = new PodBuilder().withNewMetadata().withNamespace("billing").withName("bare")
        .withDeletionTimestamp("2026-11-20T09:00:00Z").endMetadata().build();

    Scenario scenario = Scenario.of(rule, NOW).apply(unreadable).apply(bare);

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.engine().nextRecheck()).isEmpty();
  }

  private Scenario load() {
    return Scenario.of(rule, NOW).load(getClass(), FIXTURE);
  }

  private static Pod pod(Scenario scenario, String name) {
    return scenario.store().get(Pod.class, "billing/" + name).orElseThrow();
  }

  private static Node node(Scenario scenario, String name) {
    return scenario.store().get(Node.class, name).orElseThrow();
  }
}
