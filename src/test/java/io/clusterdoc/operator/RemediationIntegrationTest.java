package io.clusterdoc.operator;

import static io.clusterdoc.operator.TestCluster.withRemediation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosis;
import io.clusterdoc.api.v1alpha1.RemediationRecord;
import io.clusterdoc.api.v1alpha1.RemediationSettings.Mode;
import io.clusterdoc.remediation.Consent;
import io.clusterdoc.rules.RuleCatalog;
import io.clusterdoc.testing.Scrape;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceConditionBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Remediation in the real operator against the test API server: what reaches the server, the Events, the status
 * history and the metrics. The operator talks through its own client, so that its requests can be told apart
 * from the test's.
 */
@EnableKubernetesMockClient(crud = true)
class RemediationIntegrationTest {
  private static final String OPERATOR_AGENT = "clusterdoc-operator-under-test";
  private static final String STUCK = "namespace-stuck-terminating";
  private static final String FINALIZE = "finalize-namespace";

  KubernetesClient client;
  KubernetesMockServer server;
  private TestCluster cluster;
  private KubernetesClient operatorClient;
  private DiagnosisOperator operator;
  private RequestLog requests;

  @BeforeEach
  void startOperator() {
    cluster = new TestCluster(client).withCrd();
    requests = new RequestLog(server);
    operatorClient = RequestLog.clientAs(client, OPERATOR_AGENT);
    operator = new DiagnosisOperator(operatorClient, TestCluster.fastSettings(), RuleCatalog.all(), Clock.systemUTC());
  }

  @AfterEach
  void stopOperator() {
    operator.close();
    operatorClient.close();
  }

  @Test
  void finalizesAConsentingNamespaceWithNothingLeftInIt() throws Exception {
    cluster.expectFinalize(server, "doomed", 200);
    terminating("doomed", Map.of(Consent.ANNOTATION, "true"));
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.ENABLED, r -> { }));

    RemediationRecord record = awaitRecord("cluster", "Applied");

    assertThat(record.getAction()).isEqualTo(FINALIZE);
    assertThat(record.getObject().getName()).isEqualTo("doomed");
    assertThat(record.getReason()).startsWith("clear spec.finalizers [kubernetes] of namespace doomed");
    RecordedRequest finalize = onlyWrite();
    assertThat(finalize.getMethod()).isEqualTo("PUT");
    assertThat(finalize.getPath()).isEqualTo("/api/v1/namespaces/doomed/finalize");
    Namespace sent = client.getKubernetesSerialization().unmarshal(finalize.getUtf8Body(), Namespace.class);
    assertThat(sent.getSpec().getFinalizers()).isEmpty();
    assertThat(sent.getMetadata().getResourceVersion()).as("conditional on what was read").isNotBlank();
    await().atMost(TestCluster.TIMEOUT).until(() -> !cluster.eventsAbout("doomed", "RemediationApplied").isEmpty());
    assertThat(remediations(FINALIZE, "applied")).isEqualTo(1.0);
  }

  @Test
  void aDryRunRecordsTheDecisionAndWritesNothing() throws Exception {
    terminating("doomed", Map.of(Consent.ANNOTATION, "true"));
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.DRY_RUN, r -> { }));

    RemediationRecord record = awaitRecord("cluster", "DryRun");

    assertThat(record.getReason()).startsWith("would clear spec.finalizers [kubernetes] of namespace doomed");
    await().atMost(TestCluster.TIMEOUT).until(() -> !cluster.eventsAbout("doomed", "RemediationDryRun").isEmpty());
    assertThat(writesToUserObjects()).isEmpty();
    assertThat(remediations(FINALIZE, "dry_run")).isEqualTo(1.0);
  }

  @Test
  void withoutConsentNothingIsDecidedOrRecorded() throws Exception {
    terminating("doomed", Map.of());
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.ENABLED, r -> { }));
    cluster.awaitFinding("cluster", STUCK, "doomed");

    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> cluster.status("cluster").getRemediations() == null);
    assertThat(writesToUserObjects()).isEmpty();
  }

  @Test
  void aNamespaceWithContentLeftIsNotFinalized() throws Exception {
    terminating("doomed", Map.of(Consent.ANNOTATION, "true"), new NamespaceConditionBuilder()
        .withType("NamespaceContentRemaining").withStatus("True").withReason("SomeResourcesRemain")
        .withMessage("Some resources are remaining: pods. has 1 resource instances").build());
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.ENABLED, r -> { }));

    RemediationRecord record = awaitRecord("cluster", "Skipped");

    assertThat(record.getReason()).startsWith("NamespaceContentRemaining is True: objects remain in it");
    await().atMost(TestCluster.TIMEOUT).until(() -> !cluster.eventsAbout("doomed", "RemediationSkipped").isEmpty());
    await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
    assertThat(cluster.status("cluster").getRemediations()).as("a refusal that does not change is said once")
        .hasSize(1);
    assertThat(cluster.eventsAbout("doomed", "RemediationSkipped")).hasSize(1);
    assertThat(writesToUserObjects()).isEmpty();
  }

  @Test
  void clusterdocsOwnNamespaceIsProtectedEvenWhenItConsents() throws Exception {
    terminating("clusterdoc", Map.of(Consent.ANNOTATION, "true"));
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.ENABLED, r -> { }));

    RemediationRecord record = awaitRecord("cluster", "Skipped");

    assertThat(record.getReason()).startsWith("namespace clusterdoc is protected");
    assertThat(writesToUserObjects()).isEmpty();
  }

  @Test
  void theHourlyLimitHolds() throws Exception {
    cluster.expectFinalize(server, "first", 200);
    cluster.expectFinalize(server, "second", 200);
    terminating("first", Map.of(Consent.ANNOTATION, "true"));
    terminating("second", Map.of(Consent.ANNOTATION, "true"));
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.ENABLED, r -> r.setMaxActionsPerHour(1)));

    awaitRecord("cluster", "RateLimited");

    assertThat(cluster.status("cluster").getRemediations()).extracting(RemediationRecord::getOutcome)
        .containsExactlyInAnyOrder("Applied", "RateLimited");
    assertThat(writesToUserObjects()).hasSize(1);
    assertThat(remediations(FINALIZE, "rate_limited")).isEqualTo(1.0);
  }

  @Test
  void aMissingPermissionIsRecordedAsAFailureThatNamesIt() throws Exception {
    cluster.expectFinalize(server, "doomed", 403);
    terminating("doomed", Map.of(Consent.ANNOTATION, "true"));
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.ENABLED, r -> { }));

    RemediationRecord record = awaitRecord("cluster", "Failed");

    assertThat(record.getReason()).contains("forbidden").contains("deploy/remediation");
    await().atMost(TestCluster.TIMEOUT).until(() -> !cluster.eventsAbout("doomed", "RemediationFailed").isEmpty());
  }

  @Test
  void deletesOnlyTheEvictedPodsOfAConsentingController() throws Exception {
    cluster.objects("remediation-evicted-pods.yaml").forEach(cluster::create);
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.ENABLED, r -> { }));

    RemediationRecord record = awaitRecord("cluster", "Applied");

    assertThat(record.getAction()).isEqualTo("delete-evicted-pods");
    assertThat(record.getObject().getKind()).isEqualTo("ReplicaSet");
    List<RecordedRequest> deletes = writesToUserObjects();
    assertThat(deletes).extracting(RecordedRequest::getMethod).containsOnly("DELETE");
    assertThat(deletes).extracting(RecordedRequest::getPath).containsExactlyInAnyOrder(
        "/api/v1/namespaces/shop/pods/web-7c9f8d6b5-2lq8v", "/api/v1/namespaces/shop/pods/web-7c9f8d6b5-k8d2x");
    assertThat(deletes).allSatisfy(delete -> assertThat(delete.getUtf8Body()).contains("\"preconditions\"")
        .contains("\"resourceVersion\""));
    assertThat(client.pods().inNamespace("shop").withName("web-7c9f8d6b5-x9n4q").get()).as("the running pod stays")
        .isNotNull();
    await().atMost(TestCluster.TIMEOUT).until(() -> !cluster.eventsAbout("web-7c9f8d6b5", "RemediationApplied").isEmpty());
  }

  @Test
  void evictedPodsAreKeptForInspectionUntilTheyAreOldEnough() throws Exception {
    cluster.objects("remediation-evicted-pods.yaml").forEach(cluster::create);
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.ENABLED,
        r -> r.setThresholds(Map.of("delete-evicted-pods", "3650d"))));

    RemediationRecord record = awaitRecord("cluster", "Skipped");

    assertThat(record.getAction()).isEqualTo("delete-evicted-pods");
    assertThat(writesToUserObjects()).isEmpty();
  }

  @Test
  void namesTheHandWrittenEndpointsPortAfterTheServicePort() throws Exception {
    consentingNamespace("shop");
    cluster.create(cluster.fixture("selectorless-service.yaml", Service.class));
    cluster.create(cluster.fixture("unnamed-endpoints.yaml", Endpoints.class));
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.ENABLED, r -> { }));

    RemediationRecord record = awaitRecord("cluster", "Applied");

    assertThat(record.getAction()).isEqualTo("name-endpoints-ports");
    RecordedRequest patch = onlyWrite();
    assertThat(patch.getMethod()).isEqualTo("PATCH");
    assertThat(patch.getHeader("Content-Type")).startsWith("application/json-patch+json");
    assertThat(client.endpoints().inNamespace("shop").withName("legacy-api").get().getSubsets().get(0).getPorts()
        .get(0).getName()).isEqualTo("http");
    await().atMost(TestCluster.TIMEOUT).until(() -> cluster.findings("cluster").stream()
        .noneMatch(f -> f.getRule().equals("endpoints-port-name-mismatch")));
  }

  @Test
  void endpointsOfAServiceWithASelectorAreLeftToTheEndpointsController() throws Exception {
    consentingNamespace("shop");
    Service service = cluster.fixture("selectorless-service.yaml", Service.class);
    service.getSpec().setSelector(Map.of("app", "legacy-api"));
    cluster.create(service);
    cluster.create(cluster.fixture("unnamed-endpoints.yaml", Endpoints.class));
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.ENABLED, r -> { }));

    RemediationRecord record = awaitRecord("cluster", "Skipped");

    assertThat(record.getAction()).isEqualTo("name-endpoints-ports");
    assertThat(record.getReason()).contains("selector");
    assertThat(writesToUserObjects()).isEmpty();
  }

  @Test
  void forceDeletesAPodStuckOnANodeThatStoppedReporting() throws Exception {
    cluster.stuckPod(server, cluster.objects("remediation-stuck-pod.yaml"));
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.ENABLED, r -> { }));

    RemediationRecord record = awaitRecord("cluster", "Applied");

    assertThat(record.getAction()).isEqualTo("force-delete-stuck-pod");
    RecordedRequest delete = onlyWrite();
    assertThat(delete.getPath()).isEqualTo("/api/v1/namespaces/batch/pods/report-builder-5d8f7b9c6-qt7wz");
    assertThat(delete.getUtf8Body()).contains("\"gracePeriodSeconds\":0").contains("\"preconditions\"");
  }

  @Test
  void aPodOnAReadyNodeIsLeftToItsKubelet() throws Exception {
    List<HasMetadata> objects = cluster.objects("remediation-stuck-pod.yaml");
    objects.stream().filter(Node.class::isInstance).map(Node.class::cast).forEach(node ->
        node.getStatus().getConditions().get(0).setStatus("True"));
    cluster.stuckPod(server, objects);
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.ENABLED, r -> { }));

    RemediationRecord record = awaitRecord("cluster", "Skipped");

    assertThat(record.getAction()).isEqualTo("force-delete-stuck-pod");
    assertThat(record.getReason()).contains("worker-9");
    assertThat(writesToUserObjects()).isEmpty();
  }

  @Test
  void aDryRunOfEveryActionRecordsWhatItWouldDoAndWritesNothing() throws Exception {
    terminating("doomed", Map.of(Consent.ANNOTATION, "true"));
    cluster.objects("remediation-evicted-pods.yaml").forEach(cluster::create);
    cluster.stuckPod(server, cluster.objects("remediation-stuck-pod.yaml"));
    cluster.create(cluster.fixture("selectorless-service.yaml", Service.class));
    cluster.create(cluster.fixture("unnamed-endpoints.yaml", Endpoints.class));
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.DRY_RUN, r -> { }));

    await().atMost(TestCluster.TIMEOUT).until(() -> dryRuns("cluster").size() == 4);

    assertThat(dryRuns("cluster")).extracting(RemediationRecord::getAction).containsExactlyInAnyOrder(FINALIZE,
        "delete-evicted-pods", "name-endpoints-ports", "force-delete-stuck-pod");
    assertThat(dryRuns("cluster")).allSatisfy(r -> assertThat(r.getReason()).startsWith("would "));
    assertThat(writesToUserObjects()).isEmpty();
  }

  @Test
  void anUnknownRuleInTheRemediationSpecIsReportedInTheReadyCondition() {
    operator.start();
    cluster.createDiagnosis("cluster", withRemediation(Mode.ENABLED, r -> r.setRules(List.of("node-pressure"))));

    await().atMost(TestCluster.TIMEOUT).until(() -> {
      ClusterDiagnosis resource = client.resources(ClusterDiagnosis.class).withName("cluster").get();
      return resource.getStatus() != null && resource.getStatus().getConditions().stream()
          .anyMatch(c -> "InvalidSpec".equals(c.getReason()) && c.getMessage().contains("spec.remediation.rules[0]"));
    });
  }

  /**
   * A Terminating namespace with the kubernetes finalizer, held by a finalizer nothing removes, with the
   * conditions the namespace controller would have set.
   */
  private void terminating(String name, Map<String, String> annotations, NamespaceCondition... conditions) {
    cluster.create(new NamespaceBuilder().withNewMetadata().withName(name).withAnnotations(annotations)
        .withFinalizers(TestCluster.HOLD).endMetadata().withNewSpec().withFinalizers("kubernetes").endSpec()
        .withNewStatus().withPhase("Active").withConditions(conditions).endStatus().build());
    client.namespaces().withName(name).delete();
  }

  private void consentingNamespace(String name) {
    cluster.create(new NamespaceBuilder().withNewMetadata().withName(name)
        .withAnnotations(Map.of(Consent.ANNOTATION, "true")).endMetadata().build());
  }

  private List<RemediationRecord> dryRuns(String diagnosis) {
    List<RemediationRecord> records = cluster.status(diagnosis) == null ? null
        : cluster.status(diagnosis).getRemediations();
    return records == null ? List.of() : records.stream().filter(r -> "DryRun".equals(r.getOutcome())).toList();
  }

  private RemediationRecord awaitRecord(String diagnosis, String outcome) {
    return await().atMost(TestCluster.TIMEOUT).until(() -> {
      List<RemediationRecord> records = cluster.status(diagnosis) == null ? null
          : cluster.status(diagnosis).getRemediations();
      return records == null ? null
          : records.stream().filter(r -> outcome.equals(r.getOutcome())).findFirst().orElse(null);
    }, java.util.Objects::nonNull);
  }

  /** Writes the operator sent to anything but its own ClusterDiagnosis status and Events. */
  private List<RecordedRequest> writesToUserObjects() throws InterruptedException {
    return requests.from(OPERATOR_AGENT).stream()
        .filter(r -> !r.getMethod().equals("GET"))
        .filter(r -> !URI.create(r.getPath()).getPath().endsWith("/events"))
        .filter(r -> !URI.create(r.getPath()).getPath().matches("/apis/clusterdoc.io/v1alpha1/clusterdiagnoses/[^/]+/status"))
        .toList();
  }

  private RecordedRequest onlyWrite() throws InterruptedException {
    List<RecordedRequest> writes = writesToUserObjects();
    assertThat(writes).hasSize(1);
    return writes.get(0);
  }

  private double remediations(String action, String outcome) {
    return Scrape.of(URI.create("http://127.0.0.1:" + operator.metricsPort() + "/metrics"))
        .value("clusterdoc_remediations_total", "action", action, "outcome", outcome).orElseThrow();
  }

}
