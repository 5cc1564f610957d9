package io.clusterdoc.remediation.actions;

import static io.clusterdoc.remediation.actions.ActionFixtures.decided;
import static io.clusterdoc.remediation.actions.ActionFixtures.enabled;
import static io.clusterdoc.remediation.actions.ActionFixtures.get;
import static io.clusterdoc.remediation.actions.ActionFixtures.replaced;
import static io.clusterdoc.remediation.actions.ActionFixtures.with;
import static io.clusterdoc.remediation.actions.ActionFixtures.without;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.remediation.Decision;
import io.clusterdoc.remediation.InMemoryReads;
import io.clusterdoc.remediation.RemediationPolicy;
import io.clusterdoc.remediation.Write;
import io.clusterdoc.rules.pods.PodEvicted;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DeleteEvictedPodsTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "delete-evicted-pods.yaml";
  private static final String WEB_RS = "web-6d4cf56db6";
  /** Evicted at 06:40 and 07:12: more than an hour ago. */
  private static final String EVICTED_FIRST = "web-6d4cf56db6-kq7wd";
  private static final String EVICTED_SECOND = "web-6d4cf56db6-2xk9p";
  /** Evicted at 09:58, seven minutes ago, though it started at 07:12. */
  private static final String EVICTED_RECENTLY = "web-6d4cf56db6-zt8rb";

  private final DeleteEvictedPods action = new DeleteEvictedPods();
  private final List<HasMetadata> objects = ActionFixtures.objects(getClass(), FIXTURE);

  @Test
  void deletesTheControllersPodsEvictedLongerThanAnHourAgoOldestFirst() {
    Decision decision = decideOn(WEB_RS, objects);

    assertThat(decision.refused()).isFalse();
    assertThat(decision.writes()).containsExactly(
        new Write.DeletePod(pod(EVICTED_FIRST), false),
        new Write.DeletePod(pod(EVICTED_SECOND), false));
    assertThat(decision.reason()).isEqualTo("2 pods of ReplicaSet/web-6d4cf56db6 evicted longer than 1h ago");
  }

  @Test
  void aPodWithoutOwnerIsNeverDeleted() {
    Decision decision = decideOn("debug-shell", objects);

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason())
        .isEqualTo("pod shop/debug-shell has no owner: nothing recreates it, so it is not deleted");
  }

  @Test
  void refusesWhenNoEvictedPodIsOlderThanTheThreshold() {
    List<HasMetadata> recentOnly = without(without(objects, Pod.class, EVICTED_FIRST), Pod.class, EVICTED_SECOND);

    Decision decision = decideOn(WEB_RS, recentOnly);

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason())
        .isEqualTo("no evicted pod of ReplicaSet/web-6d4cf56db6 evicted longer than 1h ago");
  }

  @Test
  void aConfiguredThresholdReplacesTheHour() {
    RemediationPolicy fiveMinutes = enabled(Map.of(DeleteEvictedPods.ID, Duration.ofMinutes(5)));

    Decision decision = decided(ActionFixtures.plan(action, findingOn(WEB_RS), new InMemoryReads(objects), NOW,
        fiveMinutes));

    assertThat(podNames(decision)).containsExactly(EVICTED_FIRST, EVICTED_SECOND, EVICTED_RECENTLY);
    assertThat(decision.reason()).isEqualTo("3 pods of ReplicaSet/web-6d4cf56db6 evicted longer than 5m ago");
  }

  @Test
  void theEvictionTimeIsTheLatestConditionTransitionNotTheStart() {
    assertThat(pod(EVICTED_RECENTLY).getStatus().getStartTime()).isEqualTo("2026-11-20T07:12:22Z");

    assertThat(podNames(decideOn(WEB_RS, objects))).doesNotContain(EVICTED_RECENTLY);
  }

  @Test
  void withoutConditionsTheStartTimeCountsThenTheCreation() {
    Pod noConditions = new PodBuilder(pod(EVICTED_RECENTLY)).editStatus().withConditions(List.of()).endStatus().build();
    Pod noStart = new PodBuilder(noConditions).editStatus().withStartTime(null).endStatus().build();
    Pod noTime = new PodBuilder(noStart).editMetadata().withCreationTimestamp(null).endMetadata().build();

    assertThat(podNames(decideOn(WEB_RS, replaced(objects, noConditions)))).contains(EVICTED_RECENTLY);
    assertThat(podNames(decideOn(WEB_RS, replaced(objects, noStart)))).contains(EVICTED_RECENTLY);
    assertThat(podNames(decideOn(WEB_RS, replaced(objects, noTime)))).doesNotContain(EVICTED_RECENTLY);
  }

  @Test
  void aRunningPodNextToEvictedOnesIsNeverDeleted() {
    assertThat(pod("web-6d4cf56db6-v5lmn").getStatus().getPhase()).isEqualTo("Running");

    assertThat(podNames(decideOn(WEB_RS, objects))).doesNotContain("web-6d4cf56db6-v5lmn");
  }

  @Test
  void aFailedPodWithAnotherReasonThanEvictedIsNeverDeleted() {
    Pod shutDown = pod("web-6d4cf56db6-h7d2s");
    assertThat(shutDown.getStatus().getPhase()).isEqualTo("Failed");
    assertThat(shutDown.getStatus().getReason()).isEqualTo("Terminated");

    assertThat(podNames(decideOn(WEB_RS, objects))).doesNotContain("web-6d4cf56db6-h7d2s");
  }

  @Test
  void thePodsOfAnotherControllerAreNeverDeleted() {
    assertThat(podNames(decideOn(WEB_RS, objects))).doesNotContain("api-5f7b9c8d4-9wq2n");
    Decision api = decideOn("api-5f7b9c8d4", objects);
    assertThat(podNames(api)).containsExactly("api-5f7b9c8d4-9wq2n");
    assertThat(api.reason()).isEqualTo("1 pod of ReplicaSet/api-5f7b9c8d4 evicted longer than 1h ago");
  }

  @Test
  void aPodTheOwnerDoesNotControlIsNeverDeleted() {
    Pod notControlled = new PodBuilder(pod(EVICTED_FIRST)).editMetadata().editFirstOwnerReference()
        .withController(false).endOwnerReference().endMetadata().build();

    assertThat(podNames(decideOn(WEB_RS, replaced(objects, notControlled)))).containsExactly(EVICTED_SECOND);
  }

  @Test
  void aPodAlreadyBeingDeletedIsSkipped() {
    assertThat(pod("web-6d4cf56db6-m3p8x").getMetadata().getDeletionTimestamp()).isNotNull();

    assertThat(podNames(decideOn(WEB_RS, objects))).doesNotContain("web-6d4cf56db6-m3p8x");
  }

  @Test
  void deletesAtMostFiftyPerDecisionTheOldestFirst() {
    List<Pod> sixty = IntStream.range(0, 60).mapToObj(i -> new PodBuilder(pod(EVICTED_SECOND)).editMetadata()
        .withName(String.format("web-6d4cf56db6-c%02d", i)).withUid(null).endMetadata().build()).toList();

    Decision decision = decideOn(WEB_RS, with(objects, sixty));

    assertThat(decision.writes()).hasSize(50);
    assertThat(podNames(decision).subList(0, 3))
        .containsExactly(EVICTED_FIRST, EVICTED_SECOND, "web-6d4cf56db6-c00");
    assertThat(decision.reason()).isEqualTo("62 pods of ReplicaSet/web-6d4cf56db6 evicted longer than 1h ago; "
        + "deleting the 50 evicted first, the other 12 in a later decision");
  }

  @Test
  void nothingIsDecidedWhereNobodyOptedIn() {
    Namespace notAsked = new NamespaceBuilder(get(objects, Namespace.class, "shop")).editMetadata()
        .withAnnotations(Map.of()).endMetadata().build();

    assertThat(ActionFixtures.plan(action, findingOn(WEB_RS), new InMemoryReads(replaced(objects, notAsked)), NOW))
        .isEmpty();
  }

  private Decision decideOn(String objectName, List<HasMetadata> fresh) {
    Optional<Decision> decision = ActionFixtures.plan(action, findingOn(objectName), new InMemoryReads(fresh), NOW);
    return decided(decision);
  }

  private Finding findingOn(String objectName) {
    return ActionFixtures.finding(new PodEvicted(), NOW, getClass(), FIXTURE, objectName);
  }

  private Pod pod(String name) {
    return get(objects, Pod.class, name);
  }

  private static List<String> podNames(Decision decision) {
    return decision.writes().stream().map(write -> write.target().getMetadata().getName()).toList();
  }
}
