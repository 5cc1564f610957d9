package io.clusterdoc.rules.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.NamespaceFilter;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeploymentRolloutStuckTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "deployment-rollout-stuck.yaml";

  private static Scenario loaded() {
    return Scenario.of(new DeploymentRolloutStuck(), NOW).load(DeploymentRolloutStuckTest.class, FIXTURE);
  }

  private static Deployment deployment(Scenario scenario, String name) {
    return scenario.store().get(Deployment.class, "shop", name).orElseThrow();
  }

  @Test
  void aRolloutPastItsProgressDeadlineIsReportedWithItsReplicasAndNewReplicaSet() {
    Scenario scenario = loaded();

    Finding web = scenario.findingOn("web");

    assertThat(web.rule()).isEqualTo("deployment-rollout-stuck");
    assertThat(web.severity()).isEqualTo(Severity.WARNING);
    assertThat(web.object()).isEqualTo(ObjectRef.of(deployment(scenario, "web")));
    assertThat(web.message()).isEqualTo("Deployment shop/web is stuck: its rollout exceeded the progress deadline at "
        + "2026-11-20T09:42:37Z; 3 desired, 1 updated, 3 ready, 3 available; newest ReplicaSet web-7d9c8b6f4.");
    assertThat(web.cause())
        .startsWith("Conditions: Progressing=False ProgressDeadlineExceeded (ReplicaSet \"web-7d9c8b6f4\" has timed "
            + "out progressing). ")
        .contains("spec.progressDeadlineSeconds (600s)", "old ReplicaSet's pods keep serving")
        .doesNotContain("Available=");
    assertThat(web.remediation())
        .contains("kubectl -n shop rollout status deployment/web",
            "kubectl -n shop describe replicaset web-7d9c8b6f4",
            "kubectl -n shop get pods -l pod-template-hash=7d9c8b6f4",
            "kubectl -n shop rollout undo deployment/web",
            "fix the manifest too")
        .doesNotEndWith("…");
    assertThat(web.related()).containsExactly(new ObjectRef("apps/v1", "ReplicaSet", "shop", "web-7d9c8b6f4", null));
  }

  @Test
  void aNewReplicaSetThatCannotCreatePodsQuotesTheReplicaFailure() {
    Finding importer = loaded().findingOn("importer");

    assertThat(importer.message()).contains("exceeded the progress deadline at 2026-11-20T09:30:16Z",
        "2 desired, 0 updated, 2 ready, 2 available", "newest ReplicaSet importer-6b8f9c7d5");
    assertThat(importer.cause()).contains("ReplicaFailure=True FailedCreate (pods \"importer-6b8f9c7d5-x7lq2\" is "
        + "forbidden: exceeded quota: compute-quota");
  }

  @Test
  void replicasUnavailableLongerThanTheThresholdAfterACompletedRollout() {
    Finding cart = loaded().findingOn("cart");

    assertThat(cart.message()).isEqualTo("Deployment shop/cart is stuck: it has had 2 unavailable replica(s) since "
        + "2026-11-20T09:00:04Z, longer than 10m; 2 desired, 2 updated, 0 ready, 0 available; newest ReplicaSet "
        + "cart-7c9d8f6b5.");
    assertThat(cart.cause())
        .startsWith("Conditions: Available=False MinimumReplicasUnavailable (Deployment does not have minimum "
            + "availability). ")
        .contains("Its last rollout completed")
        .doesNotContain("progressDeadlineSeconds");
  }

  @Test
  void rolloutsInProgressScaledToZeroPausedOrCompleteAreNotStuck() {
    Scenario scenario = loaded();

    assertThat(scenario.findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder("web", "importer", "cart");
  }

  @Test
  void aRolloutWithoutProgressBecomesStuckWhenTheThresholdPasses() {
    Scenario scenario = loaded();
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-20T10:11:00Z"));

    scenario.advance(Duration.ofMinutes(5));
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).doesNotContain("search");

    scenario.advance(Duration.ofMinutes(1));
    assertThat(scenario.findingOn("search").message()).contains("it has had 1 unavailable replica(s) since "
        + "2026-11-20T10:01:00Z, longer than 10m", "newest ReplicaSet search-5c6d7f8b9");
  }

  @Test
  void aLongerProgressDeadlineOfTheOwnerIsWaitedFor() {
    Scenario scenario = loaded();

    scenario.advance(Duration.ofMinutes(9));
    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("recommender");
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-20T10:15:00Z"));

    scenario.advance(Duration.ofMinutes(1));
    assertThat(scenario.findingOn("recommender").message()).contains("since 2026-11-20T09:45:00Z, longer than 30m");
  }

  @Test
  void theThresholdComesFromTheDiagnosisButTheControllersDeadlineStands() {
    EngineConfig twoHours = new EngineConfig(Set.of(), NamespaceFilter.ALL,
        Map.of(DeploymentRolloutStuck.ID, Threshold.of(Duration.ofHours(2))));
    Scenario scenario = Scenario.of(List.of(new DeploymentRolloutStuck()), twoHours, NOW).load(getClass(), FIXTURE);

    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactlyInAnyOrder("web", "importer");
  }

  @Test
  void aCompletedRolloutResolvesTheFinding() {
    Scenario scenario = loaded();
    Deployment done = new DeploymentBuilder(deployment(scenario, "web")).editStatus()
        .withUpdatedReplicas(3).withReplicas(3).withUnavailableReplicas(null)
        .editMatchingCondition(c -> "Progressing".equals(c.getType()))
        .withStatus("True").withReason("NewReplicaSetAvailable")
        .withMessage("ReplicaSet \"web-7d9c8b6f4\" has successfully progressed.")
        .withLastUpdateTime("2026-11-20T10:04:30Z").withLastTransitionTime("2026-11-20T10:04:30Z").endCondition()
        .endStatus().build();

    scenario.apply(done);

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("web");
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("web");
  }

  @Test
  void pausingAStuckRolloutSilencesIt() {
    Scenario scenario = loaded();

    scenario.apply(new DeploymentBuilder(deployment(scenario, "cart")).editSpec().withPaused(true).endSpec().build());

    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("cart");
  }

  @Test
  void deploymentsWithoutStatusConditionsOrReadableTimesAreLeftAlone() {
    Deployment noStatus = new DeploymentBuilder().withNewMetadata().withNamespace("shop").withName("fresh")
        .endMetadata().withNewSpec().withReplicas(2).endSpec().build();
    Deployment noConditions = new DeploymentBuilder().withNewMetadata().withNamespace("shop").withName("bare")
        .endMetadata().withNewStatus().withUnavailableReplicas(2).endStatus().build();
    Deployment badTime = new DeploymentBuilder().withNewMetadata().withNamespace("shop").withName("odd")
        .endMetadata().withNewStatus().withUnavailableReplicas(1).addNewCondition().withType("Available")
        .withStatus("False").withLastTransitionTime("yesterday").endCondition().endStatus().build();

    Scenario scenario = Scenario.of(new DeploymentRolloutStuck(), NOW).apply(noStatus).apply(noConditions)
        .apply(badTime);

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.engine().nextRecheck()).isEmpty();
  }
}
