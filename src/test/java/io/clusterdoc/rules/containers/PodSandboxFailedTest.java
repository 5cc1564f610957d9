package io.clusterdoc.rules.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodSandboxFailedTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String WEB = "web-7c9f8d6b5-2lq8v";
  private static final String EXPORTER = "exporter-6b9d8c7f5-rk4mz";
  /** The sandbox of the newest of the three Events about WEB. */
  private static final String LATEST_SANDBOX = "f7d646a539ab74b94dce2462a161bc44af1619d09cf13e505ed4957681b00c41";

  private final PodSandboxFailed rule = new PodSandboxFailed();

  @Test
  void aStaleCniBridgeNamesTheNodeAndTheNotesRecipeWithItsCaveats() {
    Finding finding = load().findingOn(WEB);

    assertThat(finding.rule()).isEqualTo("pod-sandbox-failed");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.message()).isEqualTo("Pod media/" + WEB + " on node worker-2 has no sandbox, so none of its "
        + "containers can start: CNI bridge cni0 holds an old address (FailedCreatePodSandBox since "
        + "2026-11-20T09:46:04Z).");
    assertThat(finding.cause()).contains("while the CNI plugin wants 10.244.2.1/24", "kubeadm reset",
        "Latest event: \"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox "
            + "container \"" + LATEST_SANDBOX);
    assertThat(finding.remediation()).contains("kubectl drain worker-2 --ignore-daemonsets",
        "ip link set cni0 down && ip link delete cni0", "kubectl uncordon worker-2", "wipes the node");
    assertThat(finding.related()).extracting(ObjectRef::kind, ObjectRef::name)
        .containsExactly(tuple("Node", "worker-2"));
    assertThat(finding.cause()).doesNotEndWith("…");
    assertThat(finding.remediation()).doesNotEndWith("…");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "cron-29393880-lmkcb    | sandbox creation timed out     | operation timeout: context deadline exceeded"
          + " | kubectl cordon master-1",
      "ingest-5d8c7b9f6-hx2tw | flannel not running on the node | open /run/flannel/subnet.env"
          + " | --field-selector spec.nodeName=worker-4",
      "exporter-6b9d8c7f5-rk4mz | no pod IP address left on the node | no IP addresses available in range set"
          + " | /var/lib/cni/networks/",
  })
  void eachSandboxFailureIsClassified(String pod, String label, String evidence, String remedy) {
    Finding finding = load().findingOn(pod);

    assertThat(finding.message()).contains(": " + label + " (FailedCreatePodSandBox since ");
    assertThat(finding.cause()).contains(evidence).doesNotEndWith("…");
    assertThat(finding.remediation()).contains(remedy).doesNotEndWith("…");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "failed to get sandbox image \"registry.k8s.io/pause:3.9\": failed to pull image \"registry.k8s.io/pause:3.9\": "
          + "dial tcp 34.96.108.209:443: i/o timeout | sandbox image cannot be pulled",
      "failed to create containerd task: failed to create shim task: OCI runtime create failed: expected cgroupsPath "
          + "to be of format \"slice:prefix:name\" for systemd cgroups | cgroup setup failed",
      "failed to setup network for sandbox \"0a1b\": plugin type=\"calico\" failed (add): error getting "
          + "ClusterInformation: connection is unauthorized: Unauthorized | CNI plugin failed",
      "failed to start sandbox container: unexpected end of JSON input | sandbox creation failed",
  })
  void otherRuntimeMessagesAreClassifiedFromTheEventAlone(String message, String label) {
    Scenario scenario = load();

    scenario.apply(sandboxEvent(pod(scenario, EXPORTER), "Failed to create pod sandbox: rpc error: code = Unknown "
        + "desc = " + message, "2026-11-20T10:04:59Z"));

    assertThat(scenario.findingOn(EXPORTER).message()).contains(": " + label + " (");
  }

  @Test
  void runningPodsPodsPastTheirSandboxAndPodsBeingDeletedAreNotReported() {
    assertThat(load().findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder(WEB, "cron-29393880-lmkcb", "ingest-5d8c7b9f6-hx2tw", EXPORTER);
  }

  @Test
  void theFindingResolvesWhenTheSandboxIsCreatedAlthoughTheOldEventsRemain() {
    Scenario scenario = load();
    Pod web = pod(scenario, WEB);

    scenario.apply(new PodBuilder(web).editStatus().withPhase("Running").editFirstContainerStatus()
        .withState(new ContainerStateBuilder().withNewRunning().withStartedAt("2026-11-20T10:06:40Z").endRunning()
            .build())
        .withReady(true).withStarted(true).endContainerStatus().endStatus().build());

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain(WEB);
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(WEB);
  }

  @Test
  void aSandboxEventAloneRaisesTheFindingOfAPodStillBeingCreated() {
    Scenario scenario = Scenario.of(rule, NOW);
    List<Pod> pods = Scenario.objects(getClass(), "pod-sandbox-failed.yaml").stream()
        .filter(Pod.class::isInstance).map(Pod.class::cast).toList();
    pods.forEach(scenario::apply);
    assertThat(scenario.findings()).isEmpty();

    Pod exporter = pods.stream().filter(p -> p.getMetadata().getName().equals(EXPORTER)).findFirst().orElseThrow();
    Event event = sandboxEvent(exporter, "Failed to create pod sandbox: rpc error: code = DeadlineExceeded desc = "
        + "context deadline exceeded", "2026-11-20T10:04:30Z");
    scenario.apply(event);
    assertThat(scenario.single().message()).contains("sandbox creation timed out");

    scenario.delete(event);
    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.resolved()).hasSize(1);
  }

  private Scenario load() {
    return Scenario.of(rule, NOW).load(getClass(), "pod-sandbox-failed.yaml");
  }

  private static Pod pod(Scenario scenario, String name) {
    return scenario.store().get(Pod.class, "media/" + name).orElseThrow();
  }

  static Event sandboxEvent(Pod pod, String message, String at) {
    return new EventBuilder()
        .withNewMetadata().withNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName() + ".18799f3e0c2a7d41").withUid("5d0c8e2a-7b41-4f3e-9a2d-6c1b0e9f8a73")
        .withCreationTimestamp(at).endMetadata()
        .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endInvolvedObject()
        .withReason("FailedCreatePodSandBox").withType("Warning").withMessage(message).withCount(1)
        .withFirstTimestamp(at).withLastTimestamp(at)
        .withNewSource().withComponent("kubelet").withHost(pod.getSpec().getNodeName()).endSource()
        .build();
  }
}
