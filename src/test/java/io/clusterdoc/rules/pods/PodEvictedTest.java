package io.clusterdoc.rules.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PodEvictedTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String WEB_RS = "web-6d4cf56db6";
  private static final List<String> WEB_EVICTED = List.of(
      "web-6d4cf56db6-2xk9p", "web-6d4cf56db6-8fzq4", "web-6d4cf56db6-kq7wd", "web-6d4cf56db6-zt8rb");

  private final PodEvicted rule = new PodEvicted();

  @Test
  void theEvictedPodsOfAReplicaSetAreOneFindingOnTheReplicaSet() {
    Scenario scenario = load();
    Pod someWebPod = pod(scenario, WEB_EVICTED.get(0));

    Finding finding = scenario.findingOn(WEB_RS);

    assertThat(finding.rule()).isEqualTo("pod-evicted");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.object()).isEqualTo(new ObjectRef("apps/v1", "ReplicaSet", "shop", WEB_RS,
        someWebPod.getMetadata().getOwnerReferences().get(0).getUid()));
    assertThat(finding.message()).isEqualTo("ReplicaSet shop/web-6d4cf56db6 has 4 evicted pods (node low on memory: "
        + "2, node low on ephemeral storage: 2) on nodes worker-1, worker-2.");
    assertThat(finding.related()).extracting(ObjectRef::name).containsExactlyElementsOf(WEB_EVICTED);
    assertThat(finding.cause())
        .contains("ran short of memory", "below the kubelet's eviction threshold",
            "\"The node was low on resource: memory. Threshold quantity: 100Mi",
            "\"The node was low on resource: ephemeral-storage. Container app was using 12Gi",
            "\"The node had condition: [DiskPressure].\"")
        .doesNotContain(" and 1 more");
    assertThat(finding.remediation())
        .contains("Set memory requests", "Free disk on the node", "their controller creates replacements",
            "kubectl get pods -n shop -o json | jq -r '.items[] | select(.status.reason==\"Evicted\") | "
                + ".metadata.name' | xargs -r kubectl delete pod -n shop",
            "the STATUS column is not status.reason")
        .doesNotEndWith("…");
  }

  @Test
  void eachKindOfEvictionIsNamedWithItsFix() {
    Scenario scenario = load();

    assertThat(scenario.findings()).extracting(f -> f.object().kind() + "/" + f.object().name())
        .containsExactlyInAnyOrder("ReplicaSet/" + WEB_RS, "Job/report-28871520", "Pod/debug-shell");

    Finding job = scenario.findingOn("report-28871520");
    assertThat(job.message()).isEqualTo(
        "Job shop/report-28871520 has 1 evicted pod (ephemeral-storage limit exceeded) on node worker-2.");
    assertThat(job.remediation()).contains("Raise the ephemeral-storage limit");

    Finding bare = scenario.findingOn("debug-shell");
    assertThat(bare.message())
        .isEqualTo("Pod shop/debug-shell was evicted (emptyDir volume over its sizeLimit) on node worker-2.");
    assertThat(bare.cause()).contains("\"Usage of EmptyDir volume \"cache\" exceeds the limit \"1Gi\".\"");
    assertThat(bare.remediation()).contains("sizeLimit", "Nothing recreates a pod without owner")
        .doesNotContain("their controller");
  }

  @Test
  void runningSucceededAndOtherwiseFailedPodsAreNotEvictions() {
    Scenario scenario = load();
    List<String> healthy = List.of("web-6d4cf56db6-v5lmn", "report-28871460-5kd8r", "report-28871400-x7v2q");

    assertThat(scenario.findings()).flatExtracting(Finding::related).extracting(ObjectRef::name)
        .doesNotContainAnyElementsOf(healthy);
    assertThat(healthy).allSatisfy(name ->
        assertThat(rule.subjectsAffectedBy(pod(scenario, name), scenario.store())).isEmpty());
  }

  @Test
  void hundredsOfEvictionsOfOneReplicaSetStayOneFindingWithTheirCount() {
    Scenario scenario = load();
    Pod template = pod(scenario, WEB_EVICTED.get(0));

    IntStream.range(0, 30).mapToObj(i -> copy(template, "web-6d4cf56db6-c" + i)).forEach(scenario::apply);

    Finding finding = scenario.findingOn(WEB_RS);
    assertThat(scenario.findings()).hasSize(3);
    assertThat(finding.message()).startsWith("ReplicaSet shop/web-6d4cf56db6 has 34 evicted pods (node low on "
        + "memory: 32, node low on ephemeral storage: 2)");
    assertThat(finding.related()).hasSize(Finding.MAX_RELATED);
  }

  @Test
  void aNewEvictionJoinsItsOwnersFinding() {
    Scenario scenario = load();
    Pod running = pod(scenario, "web-6d4cf56db6-v5lmn");

    scenario.apply(new PodBuilder(running).editStatus().withPhase("Failed").withReason("Evicted")
        .withMessage("The node was low on resource: memory. ").endStatus().build());

    assertThat(scenario.findingOn(WEB_RS).message()).contains("has 5 evicted pods (node low on memory: 3,");
    assertThat(scenario.appeared()).hasSize(3);
  }

  @Test
  void deletingTheEvictedPodsResolvesTheFinding() {
    Scenario scenario = load();

    WEB_EVICTED.subList(0, 3).forEach(name -> scenario.delete(pod(scenario, name)));
    assertThat(scenario.findingOn(WEB_RS).message())
        .isEqualTo("ReplicaSet shop/web-6d4cf56db6 has 1 evicted pod (node low on ephemeral storage) on node worker-1.");

    scenario.delete(pod(scenario, WEB_EVICTED.get(3)));
    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain(WEB_RS);
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(WEB_RS);
  }

  @Test
  void aPodIsGroupedUnderItsControllerWhenItHasSeveralOwners() {
    Scenario scenario = load();
    Pod template = pod(scenario, WEB_EVICTED.get(0));
    Pod twoOwners = new PodBuilder(copy(template, "web-6d4cf56db6-o2wnr")).editMetadata()
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
            .withName("web-leases").withUid("0b0e5a6e-3c1d-4a7f-9d2e-6f8a1b2c3d4e").build(),
            template.getMetadata().getOwnerReferences().get(0))
        .endMetadata().build();

    scenario.apply(twoOwners);

    assertThat(scenario.findings()).hasSize(3);
    assertThat(scenario.findingOn(WEB_RS).message()).contains("has 5 evicted pods");
  }

  @Test
  void anEvictedPodWithoutMessageSpecOrOwnerIsStillReported() {
    Pod bare = new PodBuilder().withNewMetadata().withNamespace("shop").withName("bare").endMetadata()
        .withNewStatus().withPhase("Failed").withReason("Evicted").endStatus().build();

    Finding finding = Scenario.of(rule, NOW).apply(bare).single();

    assertThat(finding.message()).isEqualTo("Pod shop/bare was evicted (other reason).");
    assertThat(finding.cause()).isEqualTo("The pods carry no eviction message.");
  }

  private Scenario load() {
    return Scenario.of(rule, NOW).load(getClass(), "pod-evicted.yaml");
  }

  private static Pod pod(Scenario scenario, String name) {
    return scenario.store().get(Pod.class, "shop/" + name).orElseThrow();
  }

  private static Pod copy(Pod template, String name) {
    return new PodBuilder(template).editMetadata().withName(name)
        .withUid(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString())
        .endMetadata().build();
  }
}
