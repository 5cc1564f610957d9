package io.clusterdoc.operator;

import static org.awaitility.Awaitility.await;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosis;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisStatus;
import io.clusterdoc.api.v1alpha1.RemediationSettings;
import io.clusterdoc.api.v1alpha1.RemediationSettings.Mode;
import io.clusterdoc.api.v1alpha1.RuleSettings;
import io.clusterdoc.api.v1alpha1.StatusFinding;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the operator tests do to the test API server: install the CRD, create objects and diagnoses, and read
 * back the status the operator wrote.
 */
final class TestCluster {
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  /** A finalizer nothing removes, to keep a deleted object Terminating. */
  static final String HOLD = "example.com/hold";

  private final KubernetesClient client;

  /**
   * Short windows so the tests do not wait; the full pass stays out of the way to prove incremental updates;
   * metrics on a free port.
   */
  static OperatorSettings fastSettings() {
    return OperatorSettings.builder().statusInterval(Duration.ofMillis(300)).recheckInterval(Duration.ofMillis(100))
        .cacheSyncTimeout(Duration.ofSeconds(10)).metrics(0, false).remediationInterval(Duration.ofMillis(200))
        .operatorNamespace("clusterdoc").build();
  }

  TestCluster(KubernetesClient client) {
    this.client = client;
  }

  /** Installs the committed CRD, so the status subresource and schema are the real ones. */
  TestCluster withCrd() {
    try (InputStream crd = new FileInputStream("crds/clusterdiagnoses.clusterdoc.io-v1.yml")) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  <T extends HasMetadata> T create(T object) {
    return client.resource(object).create();
  }

  /** A namespace that was deleted but that a finalizer keeps Terminating. */
  Namespace terminatingNamespace(String name) {
    create(new NamespaceBuilder().withNewMetadata().withName(name).withFinalizers(HOLD).endMetadata().build());
    client.namespaces().withName(name).delete();
    return client.namespaces().withName(name).get();
  }

  /** Lets a Terminating namespace go, as the namespace controller does once its finalizers are gone. */
  void releaseNamespace(String name) {
    Namespace namespace = client.namespaces().withName(name).get();
    namespace.getMetadata().setFinalizers(List.of());
    client.resource(namespace).update();
  }

  /** A List fixture stored beside the operator tests, as kubectl get -o yaml prints it. */
  List<HasMetadata> objects(String fixture) {
    return client.getKubernetesSerialization().<KubernetesList>unmarshal(TestCluster.class.getResourceAsStream(fixture))
        .getItems();
  }

  /** A one-object fixture stored beside the operator tests. */
  <T extends HasMetadata> T fixture(String fixture, Class<T> type) {
    return client.getKubernetesSerialization().unmarshal(TestCluster.class.getResourceAsStream(fixture), type);
  }

  /** The Events about the named object with this reason. */
  List<Event> eventsAbout(String objectName, String reason) {
    return client.v1().events().inAnyNamespace().list().getItems().stream()
        .filter(e -> objectName.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
        .toList();
  }

  /**
   * The fixture's pod stuck Terminating. The test API server removes a pod as soon as it has a deletionTimestamp
   * and no finalizer, where a real one keeps it until its kubelet confirms; so the cache sees the pod held by a
   * finalizer, and the fresh read, which the guards use, sees it as the API server shows it: without one.
   */
  void stuckPod(KubernetesMockServer server, List<HasMetadata> objects) {
    objects.forEach(object -> {
      if (object instanceof Pod pod) {
        pod.getMetadata().setFinalizers(List.of(HOLD));
      }
      create(object);
    });
    Pod pod = objects.stream().filter(Pod.class::isInstance).map(Pod.class::cast).findFirst().orElseThrow();
    String path = "/api/v1/namespaces/" + pod.getMetadata().getNamespace() + "/pods/" + pod.getMetadata().getName();
    client.resource(pod).delete();
    Pod terminating = client.pods().inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName()).get();
    terminating.getMetadata().setFinalizers(List.of());
    server.expect().get().withPath(path)
        .andReturn(200, client.getKubernetesSerialization().asJson(terminating)).always();
  }

  /** The test API server has no finalize subresource: answer it the way a real one does. */
  void expectFinalize(KubernetesMockServer server, String namespace, int status) {
    String body = status == 200 ? "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + namespace
        + "\"}}" : "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\","
        + "\"code\":403,\"message\":\"namespaces \\\"" + namespace + "\\\" is forbidden\"}";
    server.expect().put().withPath("/api/v1/namespaces/" + namespace + "/finalize").andReturn(status, body).always();
  }

  /**
   * A spec with remediation in this mode, and thresholds short enough for tests: namespaces and pods count as stuck
   * after 1s, and a stuck namespace may be finalized after 1s.
   */
  static ClusterDiagnosisSpec withRemediation(Mode mode, Consumer<RemediationSettings> settings) {
    RemediationSettings remediation = new RemediationSettings();
    remediation.setMode(mode);
    remediation.setThresholds(Map.of("finalize-namespace", "1s"));
    settings.accept(remediation);
    RuleSettings rules = new RuleSettings();
    rules.setThresholds(Map.of("namespace-stuck-terminating", "1s", "pod-stuck-terminating", "1s"));
    ClusterDiagnosisSpec spec = new ClusterDiagnosisSpec();
    spec.setRules(rules);
    spec.setRemediation(remediation);
    return spec;
  }

  static ClusterDiagnosisSpec withRules(Consumer<RuleSettings> settings) {
    RuleSettings rules = new RuleSettings();
    settings.accept(rules);
    ClusterDiagnosisSpec spec = new ClusterDiagnosisSpec();
    spec.setRules(rules);
    return spec;
  }

  void createDiagnosis(String name, ClusterDiagnosisSpec spec) {
    ClusterDiagnosis diagnosis = new ClusterDiagnosis();
    diagnosis.setMetadata(new ObjectMetaBuilder().withName(name).build());
    diagnosis.setSpec(spec);
    client.resource(diagnosis).create();
  }

  StatusFinding awaitFinding(String diagnosis, String rule, String objectName) {
    return await().atMost(TIMEOUT).until(() -> findings(diagnosis).stream()
            .filter(f -> f.getRule().equals(rule) && f.getObject().getName().equals(objectName)).findFirst(),
        Optional::isPresent).orElseThrow();
  }

  List<StatusFinding> findings(String diagnosis) {
    ClusterDiagnosisStatus status = status(diagnosis);
    return status == null || status.getFindings() == null ? List.of() : status.getFindings();
  }

  ClusterDiagnosisStatus status(String diagnosis) {
    ClusterDiagnosis resource = client.resources(ClusterDiagnosis.class).withName(diagnosis).get();
    return resource == null ? null : resource.getStatus();
  }
}
