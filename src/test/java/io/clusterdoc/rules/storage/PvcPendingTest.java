package io.clusterdoc.rules.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.NamespaceFilter;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PvcPendingTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "pvc-pending.yaml";

  private final PvcPending rule = new PvcPending();

  private static Scenario loaded() {
    return Scenario.of(new PvcPending(), NOW).load(PvcPendingTest.class, FIXTURE);
  }

  private static PersistentVolumeClaim claim(Scenario scenario, String name) {
    return scenario.store().get(PersistentVolumeClaim.class, "analytics", name).orElseThrow();
  }

  private static Pod pod(Scenario scenario, String name) {
    return scenario.store().get(Pod.class, "analytics", name).orElseThrow();
  }

  @Test
  void aMissingStorageClassIsNamedWithTheProvisioningEvent() {
    Scenario scenario = loaded();

    Finding finding = scenario.findingOn("warehouse-data");

    assertThat(finding.rule()).isEqualTo("pvc-pending");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.object()).isEqualTo(ObjectRef.of(claim(scenario, "warehouse-data")));
    assertThat(finding.message()).isEqualTo("PersistentVolumeClaim analytics/warehouse-data (100Gi, ReadWriteOnce, "
        + "StorageClass fast) has been Pending since it was created at 2026-11-20T08:00:00Z, longer than 5m: "
        + "ProvisioningFailed: storageclass.storage.k8s.io \"fast\" not found.");
    assertThat(finding.cause()).startsWith("The claim names a StorageClass that does not exist");
    assertThat(finding.remediation())
        .contains("kubectl get storageclass", "storageClassName cannot be changed", "provisioner cannot be changed")
        .doesNotEndWith("…");
    assertThat(finding.related()).isEmpty();
  }

  @Test
  void eachReasonForStayingPendingHasItsOwnExplanation() {
    Scenario scenario = loaded();

    assertThat(scenario.findingOn("reports-scratch").message()).contains("(50Gi, ReadWriteOnce, StorageClass standard)",
        "ProvisioningFailed: failed to provision volume with StorageClass \"standard\": rpc error: code = Internal")
        .endsWith("You are not authorized to perform this operation.");
    assertThat(scenario.findingOn("reports-scratch").remediation()).contains("csi-provisioner",
        "kubectl get storageclass standard -o yaml");

    assertThat(scenario.findingOn("legacy-archive").message()).contains("(500Gi, ReadOnlyMany, storageClassName \"\")",
        "FailedBinding: no persistent volumes available for this claim and no storage class is set");
    assertThat(scenario.findingOn("legacy-archive").cause()).contains("No PersistentVolume matches the claim");
    assertThat(scenario.findingOn("legacy-archive").remediation()).contains("kubectl get pv", "is-default-class");

    assertThat(scenario.findingOn("model-store").message()).endsWith("longer than 5m.");
    assertThat(scenario.findingOn("model-store").cause())
        .contains("handed the claim to the provisioner cluster.local/nfs-subdir-external-provisioner");

    assertThat(scenario.findingOn("archive-restore").cause()).contains("spec.volumeName");
    assertThat(scenario.findingOn("archive-restore").remediation()).contains("kubectl get pv pv-archive-07 -o yaml");
  }

  @Test
  void aWaitForFirstConsumerClaimWhosePodIsNotScheduledPointsAtThePod() {
    Scenario scenario = loaded();

    Finding finding = scenario.findingOn("work-etl-worker-0");

    assertThat(finding.cause()).contains("WaitForFirstConsumer", "Used by pod(s) etl-worker-0.");
    assertThat(finding.remediation()).contains("FailedScheduling", "volume node affinity conflict");
    assertThat(finding.related()).containsExactly(ObjectRef.of(pod(scenario, "etl-worker-0")));
  }

  @Test
  void boundClaimsYoungClaimsAndClaimsWaitingForTheirFirstConsumerAreNotReported() {
    assertThat(loaded().findings()).extracting(f -> f.object().name()).containsExactlyInAnyOrder(
        "warehouse-data", "reports-scratch", "legacy-archive", "model-store", "archive-restore", "work-etl-worker-0");
  }

  @Test
  void aYoungClaimIsReportedOnceTheThresholdPasses() {
    Scenario scenario = loaded();
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-20T10:07:00Z"));

    scenario.advance(Duration.ofMinutes(1));
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).doesNotContain("uploads");

    scenario.advance(Duration.ofMinutes(1));
    assertThat(scenario.findingOn("uploads").message()).contains("created at 2026-11-20T10:02:00Z",
        "storageclass.storage.k8s.io \"fast\" not found");
  }

  @Test
  void aPodUsingAQuietClaimMakesItAFinding() {
    Scenario scenario = loaded();
    Pod consumer = new PodBuilder(pod(scenario, "etl-worker-0")).editMetadata().withName("etl-cache-warmer")
        .withUid("0b0c5a64-2d0e-4f3b-9a57-6a1f0e3c2b11").endMetadata()
        .editSpec().editFirstVolume().editPersistentVolumeClaim().withClaimName("etl-cache")
        .endPersistentVolumeClaim().endVolume().endSpec().build();

    assertThat(rule.subjectsAffectedBy(consumer, scenario.store())).containsExactly("analytics/etl-cache");
    scenario.apply(consumer);

    assertThat(scenario.findingOn("etl-cache").cause()).contains("Used by pod(s) etl-cache-warmer.");
  }

  @Test
  void aWarningEventAloneReEvaluatesTheClaim() {
    Scenario scenario = loaded();
    Event event = new EventBuilder().withNewMetadata().withNamespace("analytics").withName("etl-cache.187a15c0a1b2c3d4")
        .endMetadata().withType("Warning").withReason("ProvisioningFailed")
        .withMessage("failed to provision volume with StorageClass \"local-path\": no node selected")
        .withNewInvolvedObject().withKind("PersistentVolumeClaim").withNamespace("analytics").withName("etl-cache")
        .withUid(claim(scenario, "etl-cache").getMetadata().getUid()).endInvolvedObject()
        .withLastTimestamp("2026-11-20T10:05:00Z").build();

    assertThat(rule.subjectsAffectedBy(event, scenario.store())).containsExactly("analytics/etl-cache");
    scenario.apply(event);

    assertThat(scenario.findingOn("etl-cache").message()).contains("ProvisioningFailed: failed to provision volume");
  }

  @Test
  void aBoundClaimResolvesTheFinding() {
    Scenario scenario = loaded();
    PersistentVolumeClaim bound = new PersistentVolumeClaimBuilder(claim(scenario, "warehouse-data"))
        .editSpec().withStorageClassName("standard").withVolumeName("pvc-3484b833-f516-512a-b0db-319920240616")
        .endSpec()
        .editStatus().withPhase("Bound").withAccessModes("ReadWriteOnce")
        .withCapacity(Map.of("storage", new Quantity("100Gi"))).endStatus().build();

    scenario.apply(bound);

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("warehouse-data");
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("warehouse-data");
  }

  @Test
  void theThresholdComesFromTheDiagnosis() {
    EngineConfig oneHour = new EngineConfig(Set.of(), NamespaceFilter.ALL,
        Map.of(PvcPending.ID, Threshold.of(Duration.ofHours(1))));
    Scenario scenario = Scenario.of(List.of(new PvcPending()), oneHour, NOW).load(getClass(), FIXTURE);

    assertThat(scenario.findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder("warehouse-data", "legacy-archive", "model-store", "archive-restore");
    assertThat(scenario.findingOn("warehouse-data").message()).contains("longer than 1h");
  }

  @Test
  void podsMapToTheirClaimsIncludingGenericEphemeralVolumes() {
    Pod pod = new PodBuilder().withNewMetadata().withNamespace("analytics").withName("scratch-runner").endMetadata()
        .withNewSpec()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName("warehouse-data")
        .endPersistentVolumeClaim().endVolume()
        .addNewVolume().withName("scratch").withNewEphemeral().endEphemeral().endVolume()
        .addNewVolume().withName("config").withNewConfigMap().withName("settings").endConfigMap().endVolume()
        .endSpec().build();

    assertThat(rule.subjectsAffectedBy(pod, loaded().store()))
        .containsExactly("analytics/warehouse-data", "analytics/scratch-runner-scratch");
  }

  @Test
  void claimsWithoutStatusReadableTimeOrBeingDeletedAreLeftAlone() {
    PersistentVolumeClaim noStatus = new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace("analytics")
        .withName("no-status").withCreationTimestamp("2026-11-20T08:00:00Z").endMetadata().build();
    PersistentVolumeClaim badTime = new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace("analytics")
        .withName("bad-time").withCreationTimestamp("yesterday").endMetadata()
        .withNewStatus().withPhase("Pending").endStatus().build();
    PersistentVolumeClaim deleting = new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace("analytics")
        .withName("deleting").withCreationTimestamp("2026-11-20T08:00:00Z")
        .withDeletionTimestamp("2026-11-20T09:00:00Z").endMetadata()
        .withNewStatus().withPhase("Pending").endStatus().build();

    Scenario scenario = Scenario.of(new PvcPending(), NOW).apply(noStatus).apply(badTime).apply(deleting);

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.engine().nextRecheck()).isEmpty();
  }
}
