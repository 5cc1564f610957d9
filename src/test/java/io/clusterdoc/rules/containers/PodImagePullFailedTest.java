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

class PodImagePullFailedTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String TRANSCODER = "transcoder-6d5f8b7c9-x2kqp";
  private static final String ENCODER = "encoder-7d6f5b8c9-c5rjm";
  private static final String ENCODER_IMAGE = "registry.example.com/media/encoder:3.0.0";

  private final PodImagePullFailed rule = new PodImagePullFailed();

  @Test
  void aMissingTagIsNamedWithTheRegistrysAnswerFromThePullEvent() {
    Finding finding = load().findingOn(TRANSCODER);

    assertThat(finding.rule()).isEqualTo("pod-image-pull-failed");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.object().kind()).isEqualTo("Pod");
    assertThat(finding.message()).isEqualTo("Pod media/" + TRANSCODER + " on node worker-2 cannot pull the image of "
        + "container transcoder: registry.example.com/media/transcoder:2.3.1 (image or tag not found).");
    assertThat(finding.cause())
        .startsWith("Container transcoder waits in ImagePullBackOff. The registry has no such repository or tag")
        .contains("The kubelet said: \"Failed to pull image \"registry.example.com/media/transcoder:2.3.1\": rpc "
            + "error: code = NotFound")
        .doesNotContain("Error: ImagePullBackOff", "Back-off pulling image");
    assertThat(finding.remediation())
        .contains("skopeo list-tags docker://registry.example.com/media/transcoder",
            "kubectl describe pod -n media " + TRANSCODER, "deleting the pod only restarts that wait");
    assertThat(finding.cause()).doesNotEndWith("…");
    assertThat(finding.remediation()).doesNotEndWith("…");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "thumbnailer-7b9c5d4f6-m8vtl | registry refused the credentials | 401 Unauthorized"
          + " | --docker-server=registry.example.com",
      "uploader-5f7d8c9b4-q4wzn    | registry unreachable from the node | no such host"
          + " | nslookup harbor.media.internal",
      "indexer-84c6b9d7f-j2k9s     | repository missing or private | pull access denied"
          + " | library/NAME",
      "player-6c8d7b5f9-t7hxp      | invalid image name | must be lowercase"
          + " | a lower-case registry/repository",
      "devtools-9f6b8c7d5-wp4rm    | image absent and imagePullPolicy Never | not present with pull policy of Never"
          + " | kind load docker-image",
      "archiver-58d9c7b6f-z6nqd    | image on the node unreadable | unexpected EOF"
          + " | crictl rmi registry.example.com/media/archiver:1.2.0",
      "encoder-7d6f5b8c9-c5rjm     | pull failed | The kubelet's pull error is not in view."
          + " | crictl pull registry.example.com/media/encoder:3.0.0",
      "catalog-6b7d9f8c5-h3rkw     | registry certificate not trusted | x509: certificate signed by unknown authority"
          + " | /etc/containerd/certs.d/registry.media.lan:5000/ca.crt",
  })
  void eachFailureIsClassifiedWithItsRemedy(String pod, String label, String evidence, String remedy) {
    Finding finding = load().findingOn(pod);

    assertThat(finding.message()).endsWith("(" + label + ").");
    assertThat(finding.cause()).contains(evidence);
    assertThat(finding.remediation()).contains(remedy);
    assertThat(finding.cause()).doesNotEndWith("…");
    assertThat(finding.remediation()).doesNotEndWith("…");
  }

  @Test
  void anAuthenticationFailureNamesThePullSecretsAndTheKubeletsMissingSecretWarning() {
    Finding finding = load().findingOn("thumbnailer-7b9c5d4f6-m8vtl");

    assertThat(finding.cause()).contains("The pod's imagePullSecrets: media-registry.",
        "It also said: \"Unable to retrieve some image pull secrets (media-registry); attempting to pull the image "
            + "may not succeed.\"");
    assertThat(finding.remediation()).contains("kubectl create secret docker-registry regcred -n media "
        + "--docker-server=registry.example.com", "copied into pods only when pods are created");
  }

  @Test
  void anInitContainerThatCannotPullIsNamedAndTheWaitingAppContainerIsNot() {
    Finding finding = load().findingOn("catalog-6b7d9f8c5-h3rkw");

    assertThat(finding.message()).isEqualTo("Pod media/catalog-6b7d9f8c5-h3rkw on node worker-3 cannot pull the "
        + "image of init container fetch-assets: registry.media.lan:5000/tools/fetch-assets:0.9 (registry certificate "
        + "not trusted).");
    assertThat(finding.cause()).startsWith("Init container fetch-assets waits in ImagePullBackOff.")
        .contains("node worker-3 does not trust the TLS certificate of registry.media.lan:5000");
  }

  @Test
  void podsThatRunDespiteOldPullFailuresOrAreStillPullingAreNotReported() {
    assertThat(load().findings()).extracting(f -> f.object().name())
        .hasSize(9)
        .doesNotContain("streamer-5c9d8b7f6-r9mzt", "subtitles-6f8b7c9d5-k2vbn");
  }

  @Test
  void aPullEventAloneReclassifiesThePodAndItsDeletionUndoesIt() {
    Scenario scenario = load();
    Pod encoder = pod(scenario, ENCODER);
    Event notFound = pullFailure(encoder, "Failed to pull image \"" + ENCODER_IMAGE + "\": rpc error: code = "
        + "NotFound desc = failed to pull and unpack image \"" + ENCODER_IMAGE + "\": " + ENCODER_IMAGE
        + ": not found");

    scenario.apply(notFound);
    assertThat(scenario.findingOn(ENCODER).message()).endsWith("(image or tag not found).");

    scenario.delete(notFound);
    assertThat(scenario.findingOn(ENCODER).message()).endsWith("(pull failed).");
    assertThat(scenario.resolved()).isEmpty();
  }

  @Test
  void theFindingResolvesOnceTheImageIsPulledAndTheContainerRuns() {
    Scenario scenario = load();
    Pod transcoder = pod(scenario, TRANSCODER);

    scenario.apply(new PodBuilder(transcoder).editStatus().withPhase("Running").editFirstContainerStatus()
        .withState(new ContainerStateBuilder().withNewRunning().withStartedAt("2026-11-20T10:06:02Z").endRunning()
            .build())
        .withReady(true).withStarted(true).endContainerStatus().endStatus().build());

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain(TRANSCODER);
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(TRANSCODER);
  }

  @Test
  void onlyWarningPullEventsAboutAPodMapToThatPod() {
    Scenario scenario = load();
    Pod encoder = pod(scenario, ENCODER);
    Event pull = pullFailure(encoder, "Failed to pull image \"" + ENCODER_IMAGE + "\": i/o timeout");

    assertThat(rule.subjectsAffectedBy(pull, scenario.store())).containsExactly("media/" + ENCODER);
    assertThat(rule.subjectsAffectedBy(new EventBuilder(pull).withType("Normal").build(), scenario.store()))
        .isEmpty();
    assertThat(rule.subjectsAffectedBy(new EventBuilder(pull).withReason("Unhealthy").build(), scenario.store()))
        .isEmpty();
    assertThat(rule.subjectsAffectedBy(new EventBuilder(pull).editInvolvedObject().withKind("Node")
        .withNamespace(null).withName("worker-2").endInvolvedObject().build(), scenario.store())).isEmpty();
  }

  @Test
  void aPodWithoutStatusOrSpecIsNotReported() {
    Pod bare = new PodBuilder().withNewMetadata().withNamespace("media").withName("bare").endMetadata().build();
    Pod specless = new PodBuilder().withNewMetadata().withNamespace("media").withName("specless").endMetadata()
        .withNewStatus().addNewContainerStatus().withName("app").withNewState().withNewWaiting()
        .withReason("ErrImagePull").endWaiting().endState().endContainerStatus().endStatus().build();

    Finding finding = Scenario.of(rule, NOW).apply(bare).apply(specless).single();

    assertThat(finding.message()).isEqualTo("Pod media/specless cannot pull the image of container app: "
        + "(unknown image) (pull failed).");
  }

  private Scenario load() {
    return Scenario.of(rule, NOW).load(getClass(), "pod-image-pull-failed.yaml");
  }

  private static Pod pod(Scenario scenario, String name) {
    return scenario.store().get(Pod.class, "media/" + name).orElseThrow();
  }

  private static Event pullFailure(Pod pod, String message) {
    return new EventBuilder()
        .withNewMetadata().withNamespace("media").withName(pod.getMetadata().getName() + ".1879a0c3d5e2f001")
        .withUid("0b5e6f2a-3c4d-4e5f-8a9b-1c2d3e4f5a60").withCreationTimestamp("2026-11-20T10:04:40Z").endMetadata()
        .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withNamespace("media")
        .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
        .withFieldPath("spec.containers{encoder}").endInvolvedObject()
        .withReason("Failed").withType("Warning").withMessage(message).withCount(1)
        .withFirstTimestamp("2026-11-20T10:04:40Z").withLastTimestamp("2026-11-20T10:04:40Z")
        .withNewSource().withComponent("kubelet").withHost("worker-2").endSource()
        .build();
  }
}
