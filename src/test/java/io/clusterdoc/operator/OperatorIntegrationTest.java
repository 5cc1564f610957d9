package io.clusterdoc.operator;

import static io.clusterdoc.operator.TestCluster.withRules;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosis;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisStatus;
import io.clusterdoc.api.v1alpha1.StatusFinding;
import io.clusterdoc.rules.RuleCatalog;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.clusterdoc.testing.Scrape;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real operator against fabric8's mock API server in CRUD mode: the generated CRD, informers, the
 * ClusterDiagnosis controller, status writes and Events all go through the API. The mock server has no
 * controllers, so the tests write object states the way a real cluster would show them.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorIntegrationTest {
  private static final Duration TIMEOUT = TestCluster.TIMEOUT;
  private static final String LOOP_LOG_PATH = "/api/v1/namespaces/kube-system/pods/coredns-7db6d8ff4d-lp2xq/log"
      + "?pretty=false&container=coredns&previous=true&tailLines=200";

  KubernetesClient client;
  KubernetesMockServer server;
  private DiagnosisOperator operator;
  private TestCluster cluster;

  @BeforeEach
  void startOperator() {
    cluster = new TestCluster(client).withCrd();
    operator = new DiagnosisOperator(client, TestCluster.fastSettings(), RuleCatalog.all(), Clock.systemUTC());
  }

  @AfterEach
  void stopOperator() {
    operator.close();
  }

  /**
   * The API server refuses the status write ten times in a row (403: the client itself does not retry it), more
   * than java-operator-sdk tries by default, after which nothing would write the status again until the findings
   * change: the finding still reaches the status.
   */
  @Test
  void aStatusWriteThatKeepsFailingIsRetriedUntilItSucceeds() {
    server.expect().patch().withPath("/apis/clusterdoc.io/v1alpha1/clusterdiagnoses/cluster/status")
        .andReturn(HttpURLConnection.HTTP_FORBIDDEN, "{\"kind\":\"Status\",\"code\":403}").times(10);
    cluster.create(cluster.fixture("node-under-disk-pressure.yaml", Node.class));
    operator.start();
    long started = System.nanoTime();
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());

    // Ten pauses growing by half from the 300 ms status interval take about 30 s in all.
    await().atMost(Duration.ofSeconds(60)).until(() -> Optional.ofNullable(cluster.status("cluster"))
        .map(ClusterDiagnosisStatus::getFindings).filter(findings -> !findings.isEmpty()).isPresent());
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no tight loop of retries")
        .isGreaterThan(Duration.ofSeconds(10));
  }

  /** Five nodes come under pressure at once; a budget of two Events a minute records two and counts three. */
  @Test
  void recordsNoMoreFindingEventsThanTheBudgetAllows() {
    operator.close();
    operator = new DiagnosisOperator(client, TestCluster.fastSettings().toBuilder().events(2, 6).build(),
        RuleCatalog.all(), Clock.systemUTC());
    for (int i = 1; i <= 5; i++) {
      Node node = cluster.fixture("node-under-disk-pressure.yaml", Node.class);
      node.getMetadata().setName("worker-" + i);
      cluster.create(node);
    }
    operator.start();
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());

    for (int i = 1; i <= 5; i++) {
      cluster.awaitFinding("cluster", "node-pressure", "worker-" + i);
    }
    URI metrics = URI.create("http://127.0.0.1:" + operator.metricsPort() + "/metrics");
    await().atMost(TIMEOUT).until(() -> Scrape.of(metrics).value("clusterdoc_events_over_budget_total"),
        value -> value.orElse(0.0) == 3.0);
    await().atMost(TIMEOUT).until(() -> nodePressureEvents().size() == 2);
    assertThat(nodePressureEvents()).extracting(e -> e.getInvolvedObject().getName()).doesNotHaveDuplicates();
  }

  private List<Event> nodePressureEvents() {
    return client.v1().events().inAnyNamespace().list().getItems().stream()
        .filter(e -> "NodePressure".equals(e.getReason()))
        .toList();
  }

  @Test
  void publishesFindingsAndEventsThenClearsThemWhenTheObjectIsFixed() {
    Node pressured = cluster.create(cluster.fixture("node-under-disk-pressure.yaml", Node.class));
    operator.start();
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());

    StatusFinding finding = cluster.awaitFinding("cluster", "node-pressure", "worker-1");
    assertThat(finding.getSeverity()).isEqualTo("warning");
    assertThat(finding.getObject().getUid()).isEqualTo(pressured.getMetadata().getUid());
    assertThat(finding.getFirstSeen()).isNotNull();
    ClusterDiagnosisStatus status = cluster.status("cluster");
    assertThat(status.getSummary().getWarning()).isPositive();
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    assertThat(status.getConditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo("True");
    });
    await().atMost(TIMEOUT).until(() -> cluster.eventsAbout("worker-1", "NodePressure").size() == 1);
    Event event = cluster.eventsAbout("worker-1", "NodePressure").get(0);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("Node");
    assertThat(event.getMessage()).contains("DiskPressure");

    client.resource(relieved(pressured)).update();

    await().atMost(TIMEOUT).until(() -> cluster.findings("cluster").stream().noneMatch(f -> f.getRule().equals("node-pressure")));
    await().atMost(TIMEOUT).until(() -> cluster.eventsAbout("worker-1", "NodePressureResolved").size() == 1);
    assertThat(cluster.eventsAbout("worker-1", "NodePressure")).as("no Event per re-evaluation").hasSize(1);
  }

  @Test
  void aNamespaceBecomesStuckWithTimeAloneAndResolvesWhenItIsGone() {
    cluster.terminatingNamespace("doomed");
    operator.start();
    cluster.createDiagnosis("cluster", withRules(r -> r.setThresholds(Map.of("namespace-stuck-terminating", "2s"))));

    StatusFinding finding = cluster.awaitFinding("cluster", "namespace-stuck-terminating", "doomed");
    assertThat(finding.getSeverity()).isEqualTo("critical");
    assertThat(finding.getMessage()).contains("longer than 2s");

    cluster.releaseNamespace("doomed");

    await().atMost(TIMEOUT).until(() -> cluster.findings("cluster").isEmpty());
    await().atMost(TIMEOUT).until(() -> cluster.eventsAbout("doomed", "NamespaceStuckTerminatingResolved").size() == 1);
  }

  @Test
  void fixingTheEndpointsResolvesTheServiceFinding() {
    cluster.create(cluster.fixture("selectorless-service.yaml", Service.class));
    Endpoints endpoints = cluster.create(cluster.fixture("unnamed-endpoints.yaml", Endpoints.class));
    operator.start();
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());

    StatusFinding finding = cluster.awaitFinding("cluster", "endpoints-port-name-mismatch", "legacy-api");
    assertThat(finding.getRelated()).extracting(o -> o.getKind()).contains("Endpoints");

    endpoints.getSubsets().get(0).getPorts().get(0).setName("http");
    endpoints.getMetadata().setResourceVersion(null);
    client.resource(endpoints).update();

    await().atMost(TIMEOUT).until(() -> cluster.findings("cluster").isEmpty());
  }

  @Test
  void aRestartedOperatorKeepsFirstSeenAndRecordsNoEventTwice() {
    cluster.create(cluster.fixture("node-under-disk-pressure.yaml", Node.class));
    operator.start();
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());
    StatusFinding before = cluster.awaitFinding("cluster", "node-pressure", "worker-1");
    await().atMost(TIMEOUT).until(() -> cluster.eventsAbout("worker-1", "NodePressure").size() == 1);
    operator.close();

    cluster.create(cluster.fixture("selectorless-service.yaml", Service.class));
    cluster.create(cluster.fixture("unnamed-endpoints.yaml", Endpoints.class));
    operator = new DiagnosisOperator(client, TestCluster.fastSettings(), RuleCatalog.all(), Clock.systemUTC());
    operator.start();

    cluster.awaitFinding("cluster", "endpoints-port-name-mismatch", "legacy-api");
    StatusFinding after = cluster.awaitFinding("cluster", "node-pressure", "worker-1");
    assertThat(after.getFirstSeen()).isEqualTo(before.getFirstSeen());
    assertThat(cluster.eventsAbout("worker-1", "NodePressure")).hasSize(1);
    assertThat(cluster.eventsAbout("legacy-api", "EndpointsPortNameMismatch")).hasSize(1);
  }

  @Test
  void aSettledDiagnosisIsNotWrittenAgain() {
    cluster.create(cluster.fixture("node-under-disk-pressure.yaml", Node.class));
    operator.start();
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());
    cluster.awaitFinding("cluster", "node-pressure", "worker-1");
    await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
    String settled = client.resources(ClusterDiagnosis.class).withName("cluster").get().getMetadata().getResourceVersion();

    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> settled.equals(
        client.resources(ClusterDiagnosis.class).withName("cluster").get().getMetadata().getResourceVersion()));
  }

  @Test
  void aDeletedDiagnosisStopsRecordingEvents() {
    Node pressured = cluster.create(cluster.fixture("node-under-disk-pressure.yaml", Node.class));
    operator.start();
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());
    cluster.awaitFinding("cluster", "node-pressure", "worker-1");

    client.resources(ClusterDiagnosis.class).withName("cluster").delete();
    await().atMost(TIMEOUT).until(() -> client.resources(ClusterDiagnosis.class).withName("cluster").get() == null);
    await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
    client.resource(relieved(pressured)).update();

    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
        .until(() -> cluster.eventsAbout("worker-1", "NodePressureResolved").isEmpty());
  }

  @Test
  void readsTheLogOfACrashLoopingCorednsToFindTheLoop() {
    server.expect().get().withPath(LOOP_LOG_PATH)
        .andReturn(200, "[FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected for zone \".\"\n").always();
    cluster.create(cluster.fixture("coredns-crash-looping.yaml", Pod.class));
    operator.start();
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());

    StatusFinding finding = cluster.awaitFinding("cluster", "coredns-loop-detected", "coredns-7db6d8ff4d-lp2xq");
    assertThat(finding.getMessage()).contains("Loop (127.0.0.1:55953 -> :53)");
  }

  @Test
  void withoutPermissionToReadLogsTheOtherRulesGoOn() {
    server.expect().get().withPath(LOOP_LOG_PATH).andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
        + "\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403}").always();
    cluster.create(cluster.fixture("coredns-crash-looping.yaml", Pod.class));
    operator.start();
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());

    cluster.awaitFinding("cluster", "pod-crash-looping", "coredns-7db6d8ff4d-lp2xq");
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> cluster.findings("cluster").stream().noneMatch(f -> f.getRule().equals("coredns-loop-detected")));
  }

  @Test
  void aWarningEventAboutAPendingPodRaisesTheFindingItExplains() {
    Pod pending = cluster.create(cluster.fixture("sandbox-pending-pod.yaml", Pod.class));
    operator.start();
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());
    await().atMost(TIMEOUT).until(() -> cluster.status("cluster") != null);
    assertThat(cluster.findings("cluster")).noneMatch(f -> f.getRule().equals("pod-sandbox-failed"));

    cluster.create(new EventBuilder().withNewMetadata().withNamespace("media").withName("web-7c9f8d6b5-2lq8v.07d90a2839b4a07f")
        .endMetadata()
        .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withNamespace("media")
        .withName(pending.getMetadata().getName()).withUid(pending.getMetadata().getUid()).endInvolvedObject()
        .withReason("FailedCreatePodSandBox").withType("Warning").withCount(1)
        .withFirstTimestamp("2026-11-20T09:46:04Z").withLastTimestamp("2026-11-20T09:46:04Z")
        .withMessage("Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container "
            + "\"9908ee16\" network for pod \"web-7c9f8d6b5-2lq8v\": networkPlugin cni failed to set up pod network: "
            + "failed to set bridge addr: \"cni0\" already has an IP address different from 10.244.2.1/24")
        .withNewSource().withComponent("kubelet").withHost("worker-2").endSource()
        .build());

    StatusFinding finding = cluster.awaitFinding("cluster", "pod-sandbox-failed", "web-7c9f8d6b5-2lq8v");
    assertThat(finding.getMessage()).contains("cni0");
  }

  @Test
  void aServiceAndAWebhookRecoverWhenTheirEndpointsBecomeReady() {
    cluster.objects("orders-api.yaml").forEach(cluster::create);
    cluster.create(cluster.fixture("orders-policy-webhook.yaml", ValidatingWebhookConfiguration.class));
    operator.start();
    cluster.createDiagnosis("cluster", withRules(r -> r.setThresholds(Map.of("service-no-endpoints", "1s"))));

    cluster.awaitFinding("cluster", "service-no-endpoints", "orders-api");
    cluster.awaitFinding("cluster", "webhook-service-unavailable", "orders-policy");

    Endpoints endpoints = client.endpoints().inNamespace("orders").withName("orders-api").get();
    endpoints.getSubsets().get(0).setAddresses(endpoints.getSubsets().get(0).getNotReadyAddresses());
    endpoints.getSubsets().get(0).setNotReadyAddresses(List.of());
    client.resource(endpoints).update();
    cluster.objects("orders-webhook-backend.yaml").forEach(cluster::create);

    await().atMost(TIMEOUT).until(() -> cluster.findings("cluster").stream()
        .noneMatch(f -> f.getRule().equals("service-no-endpoints") || f.getRule().equals("webhook-service-unavailable")));
  }

  @Test
  void tlsSecretsAreWatchedOnlyWhenEnabled() {
    cluster.create(cluster.fixture("expired-tls-secret.yaml", Secret.class));
    operator.close();
    operator = new DiagnosisOperator(client, TestCluster.fastSettings().toBuilder().tlsSecrets(true).build(), RuleCatalog.all(), Clock.systemUTC());
    operator.start();
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());

    StatusFinding finding = cluster.awaitFinding("cluster", "certificate-expiring", "shop-tls");
    assertThat(finding.getSeverity()).isEqualTo("critical");
    assertThat(finding.getMessage()).contains("expired on");
  }

  @Test
  void withoutTlsSecretsEnabledSecretsAreNotRead() {
    cluster.create(cluster.fixture("expired-tls-secret.yaml", Secret.class));
    cluster.create(cluster.fixture("node-under-disk-pressure.yaml", Node.class));
    operator.start();
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());

    cluster.awaitFinding("cluster", "node-pressure", "worker-1");
    assertThat(cluster.findings("cluster")).noneMatch(f -> f.getRule().equals("certificate-expiring"));
  }

  @Test
  void aSpecThatNamesAnUnknownRuleIsReportedInTheReadyCondition() {
    operator.start();
    cluster.createDiagnosis("invalid", withRules(r -> r.setDisabled(List.of("node-pressure", "no-such-rule"))));

    await().atMost(TIMEOUT).until(() -> readyCondition("invalid").filter(c -> c.getStatus().equals("False")).isPresent());
    io.fabric8.kubernetes.api.model.Condition ready = readyCondition("invalid").orElseThrow();
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).contains("spec.rules.disabled[1]").contains("no-such-rule");
  }

  private static Node relieved(Node node) {
    return new NodeBuilder(node).withMetadata(new ObjectMetaBuilder(node.getMetadata()).withResourceVersion(null).build())
        .editStatus()
        .editMatchingCondition(c -> "DiskPressure".equals(c.getType())).withStatus("False").endCondition()
        .endStatus().build();
  }

  private Optional<io.fabric8.kubernetes.api.model.Condition> readyCondition(String diagnosis) {
    ClusterDiagnosisStatus status = cluster.status(diagnosis);
    return status == null ? Optional.empty()
        : status.getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst();
  }

}
