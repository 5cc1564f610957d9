package io.clusterdoc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosis;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisStatus;
import io.clusterdoc.api.v1alpha1.RuleSettings;
import io.clusterdoc.api.v1alpha1.StatusFinding;
import io.clusterdoc.operator.DiagnosisOperator;
import io.clusterdoc.operator.OperatorSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The operator against a real API server with real controllers (k3s in a container): the namespace controller
 * leaves a namespace Terminating for the finalizer of an object in it, and the API server validates and defaults
 * what the mock-server tests write by hand. Needs Docker, so it runs in CI and is skipped elsewhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sEndToEndTest {
  /** The Kubernetes minor the project's kubectl client is tested with. */
  private static final DockerImageName K3S_IMAGE = DockerImageName.parse("rancher/k3s:v1.32.5-k3s1");
  private static final String CRD = "crds/clusterdiagnoses.clusterdoc.io-v1.yml";
  /** Pulling and starting k3s is done before the test; this covers informers syncing and the status write. */
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  /** A finalizer no controller removes, so the namespace holding the object cannot finish terminating. */
  private static final String HOLD = "example.com/hold";
  private static final String STUCK_NAMESPACE = "doomed";
  private static final String HELD_CONFIG_MAP = "held";
  private static final String SERVICE_NAMESPACE = "shop";
  private static final String SERVICE = "legacy-api";

  @Container
  private static final K3sContainer K3S = new K3sContainer(K3S_IMAGE);

  private KubernetesClient client;
  private DiagnosisOperator operator;

  @BeforeEach
  void startOperator() throws IOException {
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build();
    installCrd();
    operator = new DiagnosisOperator(client, OperatorSettings.builder().metrics(0, false).build());
    operator.start();
  }

  @AfterEach
  void stopOperatorAndCleanUp() {
    if (operator != null) {
      operator.close();
    }
    releaseStuckNamespace();
    client.namespaces().withName(SERVICE_NAMESPACE).delete();
    client.resources(ClusterDiagnosis.class).withName("cluster").delete();
    client.close();
  }

  @Test
  void findsAStuckNamespaceAndAnEndpointsPortNameMismatch() {
    createStuckNamespace();
    createServiceWithUnnamedEndpointsPort();
    createDiagnosis(Map.of("namespace-stuck-terminating", "1s"));

    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(findings())
        .extracting(StatusFinding::getRule, f -> f.getObject().getKind(), f -> f.getObject().getName())
        .contains(tuple("namespace-stuck-terminating", "Namespace", STUCK_NAMESPACE),
            tuple("endpoints-port-name-mismatch", "Service", SERVICE)));
  }

  /** The committed CRD, as a user applies it; objects of its kind can be created once it is Established. */
  private void installCrd() throws IOException {
    try (InputStream crd = new FileInputStream(CRD)) {
      CustomResourceDefinition created = client.apiextensions().v1().customResourceDefinitions().load(crd).create();
      client.apiextensions().v1().customResourceDefinitions().withName(created.getMetadata().getName())
          .waitUntilCondition(K3sEndToEndTest::established, TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The namespace controller deletes the ConfigMap's content but keeps the namespace until the finalizer goes. */
  private void createStuckNamespace() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(STUCK_NAMESPACE).endMetadata()
        .build()).create();
    client.configMaps().inNamespace(STUCK_NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata()
        .withName(HELD_CONFIG_MAP).withFinalizers(HOLD).endMetadata().build()).create();
    client.namespaces().withName(STUCK_NAMESPACE).delete();
  }

  /** A Service without selector whose port is named, and hand-written Endpoints whose only port is not. */
  private void createServiceWithUnnamedEndpointsPort() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(SERVICE_NAMESPACE).endMetadata()
        .build()).create();
    client.services().inNamespace(SERVICE_NAMESPACE).resource(new ServiceBuilder().withNewMetadata()
        .withName(SERVICE).endMetadata()
        .withNewSpec().addNewPort().withName("http").withPort(80).withNewTargetPort(8080).endPort().endSpec()
        .build()).create();
    client.endpoints().inNamespace(SERVICE_NAMESPACE).resource(new EndpointsBuilder().withNewMetadata()
        .withName(SERVICE).endMetadata()
        .addNewSubset().addNewAddress().withIp("192.168.10.21").endAddress()
        .addNewPort().withPort(8080).withProtocol("TCP").endPort().endSubset()
        .build()).create();
  }

  private void createDiagnosis(Map<String, String> thresholds) {
    RuleSettings rules = new RuleSettings();
    rules.setThresholds(thresholds);
    ClusterDiagnosisSpec spec = new ClusterDiagnosisSpec();
    spec.setRules(rules);
    ClusterDiagnosis diagnosis = new ClusterDiagnosis();
    diagnosis.setMetadata(new ObjectMetaBuilder().withName("cluster").build());
    diagnosis.setSpec(spec);
    client.resource(diagnosis).create();
  }

  private List<StatusFinding> findings() {
    ClusterDiagnosis diagnosis = client.resources(ClusterDiagnosis.class).withName("cluster").get();
    ClusterDiagnosisStatus status = diagnosis == null ? null : diagnosis.getStatus();
    return status == null || status.getFindings() == null ? List.of() : status.getFindings();
  }

  /** Removes the finalizer nothing else would, so the namespace controller can finish deleting the namespace. */
  private void releaseStuckNamespace() {
    Resource<ConfigMap> held = client.configMaps().inNamespace(STUCK_NAMESPACE).withName(HELD_CONFIG_MAP);
    if (held.get() != null) {
      held.edit(configMap -> new ConfigMapBuilder(configMap).editMetadata().withFinalizers(List.of()).endMetadata()
          .build());
    }
  }
}
