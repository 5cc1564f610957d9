package io.clusterdoc.rules.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import org.junit.jupiter.api.Test;

class DaemonSetPlacementTest {
  private static final Taint DEDICATED = new TaintBuilder().withKey("dedicated").withValue("clickhouse")
      .withEffect("NoSchedule").build();

  private static Toleration toleration(String key, String operator, String value, String effect) {
    return new TolerationBuilder().withKey(key).withOperator(operator).withValue(value).withEffect(effect).build();
  }

  private static Node node(String os, Taint... taints) {
    return new NodeBuilder().withNewMetadata().withName("node-x").addToLabels("kubernetes.io/os", os).endMetadata()
        .withNewSpec().withTaints(taints).endSpec().build();
  }

  private static PodSpec withAffinity(String operator, String... values) {
    return new PodSpecBuilder().withNewAffinity().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm()
        .withMatchExpressions(new NodeSelectorRequirementBuilder().withKey("kubernetes.io/os").withOperator(operator)
            .withValues(values).build())
        .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity()
        .build();
  }

  @Test
  void tolerationsMatchAsTheSchedulerMatchesThem() {
    assertThat(DaemonSetPlacement.tolerates(toleration(null, "Exists", null, null), DEDICATED)).isTrue();
    assertThat(DaemonSetPlacement.tolerates(toleration(null, "Exists", null, "NoSchedule"), DEDICATED)).isTrue();
    assertThat(DaemonSetPlacement.tolerates(toleration(null, "Exists", null, "NoExecute"), DEDICATED)).isFalse();
    assertThat(DaemonSetPlacement.tolerates(toleration("dedicated", "Equal", "clickhouse", null), DEDICATED)).isTrue();
    assertThat(DaemonSetPlacement.tolerates(toleration("dedicated", null, "clickhouse", "NoSchedule"), DEDICATED))
        .isTrue();
    assertThat(DaemonSetPlacement.tolerates(toleration("dedicated", "Equal", "kafka", null), DEDICATED)).isFalse();
    assertThat(DaemonSetPlacement.tolerates(toleration("other", "Exists", null, null), DEDICATED)).isFalse();
  }

  @Test
  void onlyNoScheduleAndNoExecuteTaintsTheControllerDoesNotTolerateKeepPodsAway() {
    Taint preferNot = new TaintBuilder().withKey("spot").withEffect("PreferNoSchedule").build();
    Taint cordoned = new TaintBuilder().withKey("node.kubernetes.io/unschedulable").withEffect("NoSchedule").build();
    Taint networkUnavailable = new TaintBuilder().withKey("node.kubernetes.io/network-unavailable")
        .withEffect("NoSchedule").build();
    Node node = node("linux", DEDICATED, preferNot, cordoned, networkUnavailable);

    assertThat(DaemonSetPlacement.untoleratedTaints(new PodSpec(), node))
        .containsExactly(DEDICATED, networkUnavailable);
    assertThat(DaemonSetPlacement.untoleratedTaints(new PodSpecBuilder().withHostNetwork(true).build(), node))
        .containsExactly(DEDICATED);
  }

  @Test
  void aTaintWithoutEffectKeepsNoPodAwayAndOneWithoutKeyIsNoControlPlaneTaint() {
    Taint withoutEffect = new TaintBuilder().withKey("dedicated").build();
    Taint withoutKey = new TaintBuilder().withEffect("NoSchedule").build();

    assertThat(DaemonSetPlacement.hasBlockingTaint(node("linux", withoutEffect))).isFalse();
    assertThat(DaemonSetPlacement.untoleratedTaints(new PodSpec(), node("linux", withoutEffect, withoutKey)))
        .containsExactly(withoutKey);
    assertThat(DaemonSetPlacement.isControlPlaneTaint(withoutKey)).isFalse();
  }

  @Test
  void nodeSelectorAndRequiredAffinityChooseTheNodes() {
    PodSpec linuxOnly = new PodSpecBuilder().addToNodeSelector("kubernetes.io/os", "linux").build();

    assertThat(DaemonSetPlacement.selects(linuxOnly, node("linux"))).isTrue();
    assertThat(DaemonSetPlacement.selects(linuxOnly, node("windows"))).isFalse();
    assertThat(DaemonSetPlacement.selects(withAffinity("In", "linux"), node("windows"))).isFalse();
    assertThat(DaemonSetPlacement.selects(withAffinity("NotIn", "windows"), node("linux"))).isTrue();
    assertThat(DaemonSetPlacement.selects(withAffinity("Exists"), node("linux"))).isTrue();
    assertThat(DaemonSetPlacement.selects(withAffinity("DoesNotExist"), node("linux"))).isFalse();
    assertThat(DaemonSetPlacement.selects(withAffinity("Unknown", "linux"), node("linux"))).isFalse();
    assertThat(DaemonSetPlacement.selects(new PodSpec(), node("windows"))).isTrue();
  }

  @Test
  void taintsReadAsKubectlWritesThem() {
    assertThat(DaemonSetPlacement.display(DEDICATED)).isEqualTo("dedicated=clickhouse:NoSchedule");
    assertThat(DaemonSetPlacement.display(new TaintBuilder().withKey("node-role.kubernetes.io/control-plane")
        .withEffect("NoSchedule").build())).isEqualTo("node-role.kubernetes.io/control-plane:NoSchedule");
  }
}
