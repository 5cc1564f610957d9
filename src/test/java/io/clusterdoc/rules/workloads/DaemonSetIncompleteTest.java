package io.clusterdoc.rules.workloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.NamespaceFilter;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DaemonSetIncompleteTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "daemonset-incomplete.yaml";
  private static final String FLANNEL = "kube-flannel/kube-flannel-ds";

  private static Scenario loaded() {
    return Scenario.of(new DaemonSetIncomplete(), NOW).load(DaemonSetIncompleteTest.class, FIXTURE);
  }

  private static Finding findingFor(Scenario scenario, String namespaceAndName) {
    return scenario.findings().stream()
        .filter(f -> (f.object().namespace() + "/" + f.object().name()).equals(namespaceAndName))
        .findFirst().orElseThrow();
  }

  private static DaemonSet daemonSet(Scenario scenario, String key) {
    return scenario.store().get(DaemonSet.class, key).orElseThrow();
  }

  private static Pod podOf(Scenario scenario, String namespace, String namePrefix, String node) {
    return scenario.store().podsOnNode(node).stream()
        .filter(p -> p.getMetadata().getNamespace().equals(namespace))
        .filter(p -> p.getMetadata().getName().startsWith(namePrefix))
        .findFirst().orElseThrow();
  }

  /** A node that joined a minute ago, tainted from the start. */
  private static Node joiningNode(String name, String taintKey, String taintValue) {
    return new NodeBuilder().withNewMetadata().withName(name).withUid("uid-" + name)
        .withCreationTimestamp("2026-11-20T10:04:00Z").addToLabels("kubernetes.io/os", "linux").endMetadata()
        .withNewSpec().addNewTaint().withKey(taintKey).withValue(taintValue).withEffect("NoSchedule").endTaint()
        .endSpec().build();
  }

  @Test
  void reportsEachIncompleteDaemonSetWithTheSeverityOfItsRole() {
    Scenario scenario = loaded();

    assertThat(scenario.findings()).extracting(f -> f.object().namespace() + "/" + f.object().name(), Finding::severity)
        .containsExactlyInAnyOrder(
            tuple(FLANNEL, Severity.CRITICAL),
            tuple("kube-system/csi-nfs-node", Severity.CRITICAL),
            tuple("monitoring/node-exporter", Severity.WARNING),
            tuple("logging/fluent-bit", Severity.WARNING));
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.rule()).isEqualTo("daemonset-incomplete");
      assertThat(f.object().kind()).isEqualTo("DaemonSet");
      assertThat(f.cause()).doesNotEndWith("…");
      assertThat(f.remediation()).doesNotEndWith("…");
    });
  }

  @Test
  void theNetworkPluginNamesTheTaintedNodesItIsMissingFrom() {
    Finding finding = findingFor(loaded(), FLANNEL);

    assertThat(finding.message()).isEqualTo("DaemonSet kube-flannel/kube-flannel-ds has no pod on nodes node-ch "
        + "(dedicated=clickhouse:NoSchedule), node-cp (node-role.kubernetes.io/control-plane:NoSchedule), whose "
        + "taints it does not tolerate.");
    assertThat(finding.cause()).contains("left out of desiredNumberScheduled", "no pod network",
        "NetworkPluginNotReady");
    assertThat(finding.remediation())
        .contains("kubectl -n kube-flannel edit daemonset kube-flannel-ds", "`- operator: Exists`",
            "effect: NoSchedule", "effect: NoExecute", "Helm chart");
    assertThat(finding.related()).extracting(ObjectRef::kind, ObjectRef::name)
        .containsExactly(tuple("Node", "node-ch"), tuple("Node", "node-cp"));
  }

  @Test
  void otherSystemAddOnsMayStayOffControlPlaneNodes() {
    Finding finding = findingFor(loaded(), "kube-system/csi-nfs-node");

    assertThat(finding.message()).isEqualTo("DaemonSet kube-system/csi-nfs-node has no pod on node node-ch "
        + "(dedicated=clickhouse:NoSchedule), whose taints it does not tolerate.");
    assertThat(finding.cause()).contains("runs without this kube-system add-on");
  }

  @Test
  void aPodNotReadyForLongerThanTheThresholdIsNamedWithItsState() {
    Finding finding = findingFor(loaded(), "monitoring/node-exporter");

    assertThat(finding.message()).isEqualTo("DaemonSet monitoring/node-exporter has 2 of 3 pods ready (1 not Ready "
        + "for more than 5m on node-w2).");
    assertThat(finding.cause()).isEqualTo("Not Ready: node-exporter-hwnmz on node-w2 (CrashLoopBackOff since "
        + "2026-11-20T09:10:22Z).");
    assertThat(finding.remediation()).isEqualTo("kubectl -n monitoring describe pod node-exporter-hwnmz (events, "
        + "probe failures) and kubectl -n monitoring logs node-exporter-hwnmz (--previous after a restart).");
    assertThat(finding.related()).extracting(ObjectRef::name).containsExactly("node-exporter-hwnmz");
  }

  @Test
  void aPodThatFindsNoRoomIsNamedWithItsNodeAndPriorityHelps() {
    Scenario scenario = loaded();
    Pod crashing = scenario.store().get(Pod.class, "monitoring", "node-exporter-hwnmz").orElseThrow();

    scenario.apply(new PodBuilder(crashing).editSpec().withNodeName(null).endSpec()
        .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
        .withReason("Unschedulable").withLastTransitionTime("2026-11-20T09:10:22Z")
        .withMessage("0/6 nodes are available: 1 Insufficient cpu, 5 node(s) didn't match Pod's node "
            + "affinity/selector.")
        .endCondition().endStatus().build());

    Finding finding = findingFor(scenario, "monitoring/node-exporter");
    assertThat(finding.message()).contains("1 not Ready for more than 5m on node-w2");
    assertThat(finding.cause()).contains("node-exporter-hwnmz on node-w2 (Pending: 0/6 nodes are available: 1 "
        + "Insufficient cpu");
    assertThat(finding.remediation()).contains("priorityClassName: system-node-critical");
  }

  @Test
  void podsOnANotReadyNodePointAtTheNode() {
    Scenario scenario = loaded();
    Node w2 = scenario.store().get(Node.class, "node-w2").orElseThrow();

    scenario.apply(new NodeBuilder(w2).editStatus().editMatchingCondition(c -> "Ready".equals(c.getType()))
        .withStatus("Unknown").endCondition().endStatus().build());
    // the next status update of the DaemonSet re-evaluates it; the node alone does not for a workload DaemonSet
    scenario.apply(daemonSet(scenario, "monitoring/node-exporter"));

    assertThat(findingFor(scenario, "monitoring/node-exporter").remediation())
        .contains("Pods on NotReady nodes (node-w2) recover with the node: see node-not-ready.");
  }

  @Test
  void podsTheControllerCannotCreateAreReportedWithItsError() {
    Finding finding = findingFor(loaded(), "logging/fluent-bit");

    assertThat(finding.message())
        .isEqualTo("DaemonSet logging/fluent-bit has 2 of 3 pods ready (1 cannot be created).");
    assertThat(finding.cause()).contains("cannot create its pods", "violates PodSecurity \"baseline:latest\"");
    assertThat(finding.remediation()).contains("kubectl -n logging describe daemonset fluent-bit",
        "pod-security.kubernetes.io/enforce=privileged");
  }

  @Test
  void aDaemonSetToleratingEveryTaintIsComplete() {
    assertThat(loaded().findings()).extracting(f -> f.object().name()).doesNotContain("kube-proxy");
  }

  @Test
  void kubeProxyWithoutTolerationsLeavesServicesBrokenOnTheControlPlaneToo() {
    Scenario scenario = loaded();
    DaemonSet proxy = daemonSet(scenario, "kube-system/kube-proxy");
    Pod onControlPlane = podOf(scenario, "kube-system", "kube-proxy-", "node-cp");
    Pod onClickhouse = podOf(scenario, "kube-system", "kube-proxy-", "node-ch");

    scenario.apply(new DaemonSetBuilder(proxy).editSpec().editTemplate().editSpec().withTolerations(List.of())
        .endSpec().endTemplate().endSpec().build());
    scenario.delete(onControlPlane).delete(onClickhouse);

    Finding finding = findingFor(scenario, "kube-system/kube-proxy");
    assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(finding.message()).contains("node-ch (dedicated=clickhouse:NoSchedule)",
        "node-cp (node-role.kubernetes.io/control-plane:NoSchedule)");
    assertThat(finding.cause()).contains("Service IPs, the cluster DNS included");
  }

  @Test
  void toleratingTheTaintsResolvesTheFinding() {
    Scenario scenario = loaded();
    DaemonSet flannel = daemonSet(scenario, FLANNEL);

    scenario.apply(new DaemonSetBuilder(flannel).editSpec().editTemplate().editSpec()
        .addToTolerations(new TolerationBuilder().withOperator("Exists").withEffect("NoSchedule").build())
        .addToTolerations(new TolerationBuilder().withOperator("Exists").withEffect("NoExecute").build())
        .endSpec().endTemplate().endSpec().build());

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("kube-flannel-ds");
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("kube-flannel-ds");
  }

  @Test
  void aTaintAddedUnderARunningPodIsNoGap() {
    Scenario scenario = loaded();
    Node w3 = scenario.store().get(Node.class, "node-w3").orElseThrow();

    scenario.apply(new NodeBuilder(w3).editSpec().addNewTaint().withKey("dedicated").withValue("batch")
        .withEffect("NoSchedule").endTaint().endSpec().build());

    assertThat(findingFor(scenario, FLANNEL).message()).doesNotContain("node-w3");
  }

  @Test
  void onlyATaintedNodeReEvaluatesTheDaemonSetsThatMustCoverEveryNode() {
    Scenario scenario = loaded();
    DaemonSetIncomplete rule = new DaemonSetIncomplete();

    assertThat(rule.subjectsAffectedBy(scenario.store().get(Node.class, "node-w1").orElseThrow(), scenario.store()))
        .isEmpty();
    assertThat(rule.subjectsAffectedBy(scenario.store().get(Node.class, "node-ch").orElseThrow(), scenario.store()))
        .containsExactlyInAnyOrder(FLANNEL, "kube-system/kube-proxy", "kube-system/csi-nfs-node");
  }

  @Test
  void removingTheTaintClosesTheGap() {
    Scenario scenario = loaded();
    Node clickhouse = scenario.store().get(Node.class, "node-ch").orElseThrow();

    scenario.apply(new NodeBuilder(clickhouse).editSpec().withTaints(List.of()).endSpec().build());

    assertThat(findingFor(scenario, FLANNEL).message()).doesNotContain("node-ch");
    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("csi-nfs-node");
  }

  @Test
  void aJoiningNodeCountsOnceItsTaintsOutlastTheThreshold() {
    Scenario scenario = loaded();
    Node joining = joiningNode("node-ch2", "dedicated", "clickhouse");
    assertThat(new DaemonSetIncomplete().subjectsAffectedBy(joining, scenario.store()))
        .containsExactlyInAnyOrder(FLANNEL, "kube-system/kube-proxy", "kube-system/csi-nfs-node");

    scenario.apply(joining);
    assertThat(findingFor(scenario, FLANNEL).message()).doesNotContain("node-ch2");
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-20T10:09:00Z"));

    scenario.advance(Duration.ofMinutes(4));
    assertThat(findingFor(scenario, FLANNEL).message()).contains("node-ch2 (dedicated=clickhouse:NoSchedule)");
  }

  @Test
  void aPodReplacedDuringARolloutIsGivenTheThreshold() {
    Scenario scenario = loaded();
    DaemonSet proxy = daemonSet(scenario, "kube-system/kube-proxy");
    Pod old = podOf(scenario, "kube-system", "kube-proxy-", "node-w1");
    Pod replacement = new PodBuilder(old).editMetadata().withName("kube-proxy-r8m2z").withUid("uid-kube-proxy-r8m2z")
        .withCreationTimestamp("2026-11-20T10:04:40Z").endMetadata()
        .editStatus().editMatchingCondition(c -> "Ready".equals(c.getType())).withStatus("False")
        .withLastTransitionTime("2026-11-20T10:04:41Z").endCondition().endStatus().build();

    scenario.delete(old).apply(replacement);
    scenario.apply(new DaemonSetBuilder(proxy).editStatus().withNumberReady(4).withNumberAvailable(4)
        .withNumberUnavailable(1).endStatus().build());
    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("kube-proxy");

    scenario.advance(Duration.ofMinutes(5));
    assertThat(findingFor(scenario, "kube-system/kube-proxy").message())
        .isEqualTo("DaemonSet kube-system/kube-proxy has 4 of 5 pods ready (1 not Ready for more than 5m on node-w1).");
  }

  @Test
  void aPodDeletedAndNotYetReplacedIsNoFinding() {
    Scenario scenario = loaded();
    DaemonSet proxy = daemonSet(scenario, "kube-system/kube-proxy");

    scenario.delete(podOf(scenario, "kube-system", "kube-proxy-", "node-w1"));
    scenario.apply(new DaemonSetBuilder(proxy).editStatus().withCurrentNumberScheduled(4).withNumberReady(4)
        .withNumberAvailable(4).withNumberUnavailable(1).endStatus().build());

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("kube-proxy");
    assertThat(scenario.engine().nextRecheck()).isEmpty();
  }

  @Test
  void aStatusBehindTheSpecIsNotJudged() {
    Scenario scenario = loaded();
    DaemonSet exporter = daemonSet(scenario, "monitoring/node-exporter");

    scenario.apply(new DaemonSetBuilder(exporter).editMetadata().withGeneration(2L).endMetadata().build());

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("node-exporter");
  }

  @Test
  void aPodChangeReEvaluatesOnlyItsDaemonSet() {
    Scenario scenario = loaded();
    Pod crashing = scenario.store().get(Pod.class, "monitoring", "node-exporter-hwnmz").orElseThrow();
    assertThat(new DaemonSetIncomplete().subjectsAffectedBy(crashing, scenario.store()))
        .containsExactly("monitoring/node-exporter");

    scenario.apply(new PodBuilder(crashing).editStatus()
        .editMatchingCondition(c -> "Ready".equals(c.getType())).withStatus("True")
        .withLastTransitionTime("2026-11-20T10:04:58Z").endCondition().endStatus().build());

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("node-exporter");
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("node-exporter");
  }

  @Test
  void aFailedCreateEventMapsToItsDaemonSet() {
    Scenario scenario = loaded();
    Event failed = scenario.store().all(Event.class).iterator().next();

    assertThat(new DaemonSetIncomplete().subjectsAffectedBy(failed, scenario.store()))
        .containsExactly("logging/fluent-bit");
  }

  @Test
  void aFailedCreateBeforeTheLatestNodeJoinedWaitsForTheThreshold() {
    Scenario scenario = loaded();

    scenario.apply(joiningNode("node-w4", "example.com/unused", "x"));
    scenario.apply(daemonSet(scenario, "logging/fluent-bit"));

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("fluent-bit");
    scenario.advance(Duration.ofMinutes(4));
    assertThat(scenario.findings()).extracting(f -> f.object().name()).contains("fluent-bit");
  }

  @Test
  void theThresholdComesFromTheDiagnosis() {
    EngineConfig oneHour = new EngineConfig(Set.of(), NamespaceFilter.ALL,
        Map.of(DaemonSetIncomplete.ID, Threshold.of(Duration.ofHours(1))));
    Scenario scenario = Scenario.of(List.of(new DaemonSetIncomplete()), oneHour, NOW).load(getClass(), FIXTURE);

    // node-exporter's pod has been not Ready for 55 minutes; fluent-bit's controller made no progress for days
    assertThat(scenario.findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder("kube-flannel-ds", "csi-nfs-node", "fluent-bit");
  }

  @Test
  void aDaemonSetWithoutStatusOrTemplateIsNoFinding() {
    DaemonSet bare = new DaemonSetBuilder().withNewMetadata().withName("bare").withNamespace("kube-system")
        .withUid("uid-bare").endMetadata().build();

    assertThat(Scenario.of(new DaemonSetIncomplete(), NOW).apply(bare).findings()).isEmpty();
  }
}
