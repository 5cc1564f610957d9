package io.clusterdoc.rules.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodMountFailedTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String DB_MIGRATE = "db-migrate-7d9c8b6f5-qp4xs";
  private static final String REPORT = "report-6f8d7c9b5-d5wkt";
  private static final String GATEWAY = "gateway-6d9b7c8f5-kx3mq";
  private static final String PV = "pvc-2f1c9a7e-5b3d-4c8e-9f21-7d6a0b4e8c13";

  private final PodMountFailed rule = new PodMountFailed();

  @Test
  void aMultiAttachErrorOutranksTheTimeoutThatSummarisesIt() {
    Finding finding = load().findingOn(DB_MIGRATE);

    assertThat(finding.rule()).isEqualTo("pod-mount-failed");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.message()).isEqualTo("Pod media/" + DB_MIGRATE + " on node worker-3 cannot mount its volumes: "
        + "volume " + PV + " is attached to another node (Multi-Attach).");
    assertThat(finding.cause()).contains("ReadWriteOnce volume is attached to one node at a time",
            "FailedAttachVolume event (since 2026-11-20T09:51:31Z): \"Multi-Attach error for volume \"" + PV
                + "\" Volume is already used by pod(s) db-0\".")
        .doesNotContain("Unable to attach or mount volumes");
    assertThat(finding.remediation()).contains("strategy: Recreate", "kubectl get volumeattachment | grep " + PV,
        "only when the node is really off");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "report-6f8d7c9b5-d5wkt         | configmap of volume config-volume not delivered in time"
          + " | failed to sync configmap cache | then delete the pod so that its controller creates a new one",
      "frontend-5c7b9d8f6-j9zrp       | configmap frontend-settings of volume settings not found"
          + " | takes its files from configmap media/frontend-settings | optional: true",
      "archive-reader-6b8c9d7f5-t2vxl | file system client missing on node worker-4"
          + " | exit status 32 Mounting command: mount Mounting arguments: -t nfs | nfs-common",
      "library-7f6d9c8b5-w8mfp        | CSI driver ebs.csi.aws.com not registered on node worker-5"
          + " | not found in the list of registered CSI drivers | kubectl get csinode worker-5 -o yaml",
  })
  void eachSetupFailureIsClassified(String pod, String label, String evidence, String remedy) {
    Finding finding = load().findingOn(pod);

    assertThat(finding.message()).endsWith("cannot mount its volumes: " + label + ".");
    assertThat(finding.cause()).contains(evidence).doesNotEndWith("…");
    assertThat(finding.remediation()).contains(remedy).doesNotEndWith("…");
  }

  @Test
  void aSubPathFileOverADirectoryNamesTheMountAndThePathToUse() {
    Finding finding = load().findingOn(GATEWAY);

    assertThat(finding.message()).isEqualTo("Pod media/" + GATEWAY + " on node worker-1 cannot mount its volumes: "
        + "file and directory mixed up in the mount of volume nginx-conf (subPath default.conf) at /etc/nginx/conf.d.");
    assertThat(finding.cause())
        .contains("Container nginx failed to start (StartError) and waits in CrashLoopBackOff; the runtime said: "
            + "\"error during container init: error mounting",
            "Are you trying to mount a directory onto a file")
        .doesNotContain("failed to create shim task")
        .doesNotEndWith("…");
    assertThat(finding.remediation()).startsWith("Make mountPath the file's full path "
        + "(/etc/nginx/conf.d/default.conf)").contains("never receives updates of its ConfigMap");
  }

  @Test
  void runningPodsAndPodsPastTheirVolumesAreNotReported() {
    assertThat(load().findings()).extracting(f -> f.object().name())
        .hasSize(6)
        .doesNotContain("report-6f8d7c9b5-8hcpn", "frontend-5c7b9d8f6-r6tgb");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "MountVolume.SetUp failed for volume \"tls\" : secret \"media-tls\" not found"
          + " | secret media-tls of volume tls not found",
      "MountVolume.SetUp failed for volume \"config-volume\" : configmap references non-existent config key: "
          + "report.yaml | key report.yaml missing for volume config-volume",
      "AttachVolume.Attach failed for volume \"pvc-91ab\" : rpc error: code = Internal desc = Could not attach volume "
          + "\"vol-0a1b\" to node \"i-0c2d\": AttachVolumeLimitExceeded | volume pvc-91ab cannot be attached to node worker-2",
      "Unable to attach or mount volumes: unmounted volumes=[config-volume], unattached volumes=[config-volume]: "
          + "timed out waiting for the condition | volumes [config-volume] not mounted in time",
      "MapVolume.SetUpDevice failed for volume \"raw\" : kubernetes.io/csi: blockMapper.SetUpDevice failed"
          + " | volume raw cannot be set up",
  })
  void aMountEventAloneReclassifiesThePod(String message, String label) {
    Scenario scenario = load();
    Pod report = scenario.store().get(Pod.class, "media/" + REPORT).orElseThrow();
    scenario.delete(scenario.store().all(Event.class).stream()
        .filter(e -> e.getInvolvedObject().getName().equals(REPORT)).findFirst().orElseThrow());
    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain(REPORT);

    scenario.apply(mountEvent(report, reasonOf(message), message));

    assertThat(scenario.findingOn(REPORT).message()).endsWith(": " + label + ".");
  }

  @Test
  void theFindingResolvesOnceTheVolumesAreMountedAndTheContainerRuns() {
    Scenario scenario = load();
    Pod report = scenario.store().get(Pod.class, "media/" + REPORT).orElseThrow();

    scenario.apply(new PodBuilder(report).editStatus().withPhase("Running").editFirstContainerStatus()
        .withState(new ContainerStateBuilder().withNewRunning().withStartedAt("2026-11-20T10:05:20Z").endRunning()
            .build())
        .withReady(true).withStarted(true).endContainerStatus().endStatus().build());

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain(REPORT);
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(REPORT);
  }

  @Test
  void aSubPathThatCannotBePreparedIsAMountFailureEvenWithoutSpec() {
    Pod pod = new PodBuilder().withNewMetadata().withNamespace("media").withName("web").endMetadata()
        .withNewStatus().withPhase("Pending").addNewContainerStatus().withName("web").withNewState().withNewWaiting()
        .withReason("CreateContainerConfigError")
        .withMessage("failed to prepare subPath for volumeMount \"config\" of container \"web\"")
        .endWaiting().endState().endContainerStatus().endStatus().build();

    Finding finding = Scenario.of(rule, NOW).apply(pod).single();

    assertThat(finding.message()).isEqualTo("Pod media/web cannot mount its volumes: subPath of volume mount config "
        + "cannot be prepared.");
  }

  /** The reason each component gives such a message. */
  private static String reasonOf(String message) {
    if (message.startsWith("MapVolume")) {
      return "FailedMapVolume";
    }
    return message.startsWith("AttachVolume") ? "FailedAttachVolume" : "FailedMount";
  }

  private Scenario load() {
    return Scenario.of(rule, NOW).load(getClass(), "pod-mount-failed.yaml");
  }

  private static Event mountEvent(Pod pod, String reason, String message) {
    return new EventBuilder()
        .withNewMetadata().withNamespace("media").withName(pod.getMetadata().getName() + ".18799f55a1b2c3d4")
        .withUid("7a2c4e6f-8b1d-4f3a-9c5e-2d4f6a8b0c1e").withCreationTimestamp("2026-11-20T10:04:58Z").endMetadata()
        .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withNamespace("media")
        .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endInvolvedObject()
        .withReason(reason).withType("Warning").withMessage(message).withCount(1)
        .withFirstTimestamp("2026-11-20T10:04:58Z").withLastTimestamp("2026-11-20T10:04:58Z")
        .withNewSource().withComponent("kubelet").withHost("worker-2").endSource()
        .build();
  }
}
