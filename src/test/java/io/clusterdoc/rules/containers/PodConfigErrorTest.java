package io.clusterdoc.rules.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodConfigErrorTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String API = "api-7f9c6d8b5-pk2mx";
  private static final String RENDERER = "renderer-8b6d7c5f9-n4tjs";

  private final PodConfigError rule = new PodConfigError();

  @Test
  void aMissingConfigMapIsNamedWithTheReferenceToFix() {
    Finding finding = load().findingOn(API);

    assertThat(finding.rule()).isEqualTo("pod-config-error");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.message()).isEqualTo("Pod media/" + API + " on node worker-1 cannot start container api: "
        + "ConfigMap app-config not found (CreateContainerConfigError).");
    assertThat(finding.cause()).isEqualTo("Container api waits in CreateContainerConfigError. The container takes "
        + "environment variables from ConfigMap media/app-config (through envFrom), which does not exist. The kubelet "
        + "said: \"configmap \"app-config\" not found\".");
    assertThat(finding.remediation()).startsWith("Create ConfigMap app-config in namespace media (kubectl create "
        + "configmap app-config -n media").contains("optional: true", "kubectl describe pod -n media " + API);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "worker-5d8b9c7f6-l6vqz     | Secret db-credentials not found (CreateContainerConfigError)"
          + " | from Secret media/db-credentials (through env DB_PASSWORD)"
          + " | kubectl create secret generic db-credentials -n media",
      "scheduler-6c7d8f9b5-w2xrt  | key DB_HOST missing from ConfigMap app-config (CreateContainerConfigError)"
          + " | ConfigMap media/app-config exists but has no key DB_HOST (through env DB_HOST)."
          + " | kubectl get ConfigMap app-config -n media -o go-template=",
      "edge-proxy-58c9d6b7f-v5nkh | runAsNonRoot with the non-numeric image user nginx (CreateContainerConfigError)"
          + " | the kubelet cannot verify that nginx is not root"
          + " | Set securityContext.runAsUser to a numeric uid other than 0",
      "probe-6f5c8d7b9-g9mdq      | runAsNonRoot but the image runs as root (CreateContainerConfigError)"
          + " | runs as uid 0"
          + " | run as a non-root user",
      "renderer-8b6d7c5f9-n4tjs   | command app not found in the image (RunContainerError)"
          + " | The runtime cannot find app"
          + " | docker run --rm --entrypoint sh registry.example.com/media/renderer:2.0.0 -c 'command -v app'",
      "upscaler-7c8b9d6f5-b7pwk   | runtime hook nvidia-container-runtime-hook missing on node gpu-1 (StartError)"
          + " | Container inference failed to start (StartError) and waits in CrashLoopBackOff."
          + " | kubectl cordon gpu-1",
      "notifier-6d9f7b8c5-s8hcv   | command /app/run.sh not executable (StartError)"
          + " | /app/run.sh exists in the image but may not be executed"
          + " | chmod +x",
      "waveform-5b7c9d8f6-f3lxn   | image built for another architecture (RunContainerError)"
          + " | another CPU architecture than node worker-arm-1's"
          + " | kubectl get node worker-arm-1 -o jsonpath='{.status.nodeInfo.architecture}'",
      "cache-7b8c6d9f5-q2zgh      | container not created (CreateContainerError)"
          + " | failed to reserve container name"
          + " | journalctl -u containerd -u kubelet",
  })
  void eachErrorIsExplainedWithItsFix(String pod, String label, String cause, String remedy) {
    Finding finding = load().findingOn(pod);

    assertThat(finding.message()).endsWith(": " + label + ".");
    assertThat(finding.cause()).contains(cause).doesNotEndWith("…");
    assertThat(finding.remediation()).contains(remedy, "The kubelet retries by itself").doesNotEndWith("…");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // Docker's ContainerCannotRun, the quotes escaped once
      "ContainerCannotRun | OCI runtime create failed: container_linux.go:349: starting container process caused "
          + "\"exec: \\\"app\\\": executable file not found in $PATH\": unknown | command app not found in the image",
      // The notes' NVIDIA hook, escaped twice inside runc's own message
      "ContainerCannotRun | oci runtime error: container_linux.go:247: starting container process caused "
          + "\"process_linux.go:339: running prestart hook 0 caused \\\"error running hook: exec: "
          + "\\\\\\\"nvidia-container-runtime-hook\\\\\\\": executable file not found in $PATH\\\"\""
          + " | runtime hook nvidia-container-runtime-hook missing on node worker-1",
      "StartError | failed to create containerd task: failed to create shim task: OCI runtime create failed: runc "
          + "create failed: unable to start container process: exec: \"/docker-entrypoint.sh\": stat "
          + "/docker-entrypoint.sh: no such file or directory: unknown | command /docker-entrypoint.sh not found",
  })
  void runtimeMessagesInEitherFormatAreRecognised(String reason, String error, String label) {
    Scenario scenario = load();
    Pod renderer = scenario.store().get(Pod.class, "media/" + RENDERER).orElseThrow();

    scenario.apply(new PodBuilder(renderer).editStatus().editFirstContainerStatus()
        .withState(new ContainerStateBuilder().withNewWaiting().withReason("CrashLoopBackOff")
            .withMessage("back-off 2m40s restarting failed container=renderer").endWaiting().build())
        .editLastState().editTerminated().withReason(reason).withMessage(error).endTerminated().endLastState()
        .endContainerStatus().endStatus().build());

    assertThat(scenario.findingOn(RENDERER).message()).contains(label).endsWith("(" + reason + ").");
  }

  @Test
  void applicationCrashesRunningPodsAndPodsBeingCreatedAreNotReported() {
    assertThat(load().findings()).extracting(f -> f.object().name())
        .hasSize(10)
        .doesNotContain("ingest-6c9b8d7f5-x7wpl", "search-7d5b9c8f6-c4rqm", "thumbs-5f6c7d8b9-m2kvn");
  }

  @Test
  void theFindingResolvesWhenTheContainerStarts() {
    Scenario scenario = load();
    Pod api = scenario.store().get(Pod.class, "media/" + API).orElseThrow();

    scenario.apply(new PodBuilder(api).editStatus().withPhase("Running").editFirstContainerStatus()
        .withState(new ContainerStateBuilder().withNewRunning().withStartedAt("2026-11-20T10:05:31Z").endRunning()
            .build())
        .withReady(true).withStarted(true).endContainerStatus().endStatus().build());

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain(API);
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(API);
  }

  @Test
  void aSubPathThatCannotBePreparedIsLeftToPodMountFailed() {
    Pod pod = new PodBuilder().withNewMetadata().withNamespace("media").withName("web").endMetadata()
        .withNewStatus().addNewContainerStatus().withName("web").withNewState().withNewWaiting()
        .withReason("CreateContainerConfigError")
        .withMessage("failed to prepare subPath for volumeMount \"config\" of container \"web\"")
        .endWaiting().endState().endContainerStatus().endStatus().build();

    assertThat(Scenario.of(rule, NOW).apply(pod).findings()).isEmpty();
  }

  @Test
  void aContainerWithoutSpecOrMessageIsStillReported() {
    Pod pod = new PodBuilder().withNewMetadata().withNamespace("media").withName("bare").endMetadata()
        .withNewStatus().addNewContainerStatus().withName("app").withNewState().withNewWaiting()
        .withReason("CreateContainerError").endWaiting().endState().endContainerStatus().endStatus().build();

    Finding finding = Scenario.of(rule, NOW).apply(pod).single();

    assertThat(finding.message()).isEqualTo("Pod media/bare cannot start container app: container not created "
        + "(CreateContainerError).");
    assertThat(finding.cause()).isEqualTo("Container app waits in CreateContainerError. The container runtime could "
        + "not create the container.");
  }

  private Scenario load() {
    return Scenario.of(rule, NOW).load(getClass(), "pod-config-error.yaml");
  }
}
