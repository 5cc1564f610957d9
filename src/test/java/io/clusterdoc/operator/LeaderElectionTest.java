package io.clusterdoc.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.operator.OperatorSettings.LeaderElection;
import io.clusterdoc.rules.RuleCatalog;
import io.clusterdoc.testing.Scrape;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas against the test API server: one leads and writes, the other stands by with warm caches and writes
 * nothing; when the leader shuts down it hands the Lease over, and the standby takes over within the lease duration
 * and goes on publishing.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {
  private static final Duration LEASE = Duration.ofSeconds(4);

  /**
   * What a real API server answers java-operator-sdk's permission check with, given the Role the manifests grant
   * on Leases; the test API server cannot evaluate RBAC.
   */
  private static final String LEASE_RULES = "{\"apiVersion\":\"authorization.k8s.io/v1\","
      + "\"kind\":\"SelfSubjectRulesReview\",\"status\":{\"incomplete\":false,\"nonResourceRules\":[],"
      + "\"resourceRules\":[{\"apiGroups\":[\"coordination.k8s.io\"],\"resources\":[\"leases\"],"
      + "\"verbs\":[\"get\",\"create\",\"update\"]}]}}";

  KubernetesClient client;
  KubernetesMockServer server;
  private final List<DiagnosisOperator> replicas = new ArrayList<>();
  private final AtomicInteger lostLeadership = new AtomicInteger();
  private final List<KubernetesClient> clients = new ArrayList<>();

  @AfterEach
  void stopReplicas() {
    replicas.forEach(DiagnosisOperator::close);
    clients.forEach(KubernetesClient::close);
  }

  @Test
  void theStandbyTakesOverWhenTheLeaderStopsAndGoesOnPublishing() throws InterruptedException {
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, LEASE_RULES).always();
    TestCluster cluster = new TestCluster(client).withCrd();
    cluster.create(new NamespaceBuilder().withNewMetadata().withName("clusterdoc").endMetadata().build());
    Node pressured = cluster.create(cluster.fixture("node-under-disk-pressure.yaml", Node.class));
    DiagnosisOperator first = replica("clusterdoc-0");
    DiagnosisOperator second = replica("clusterdoc-1");
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());

    DiagnosisOperator leader = await().atMost(TestCluster.TIMEOUT).until(() -> leader(first, second),
        Optional::isPresent).orElseThrow();
    DiagnosisOperator standby = leader == first ? second : first;
    cluster.awaitFinding("cluster", "node-pressure", "worker-1");
    await().atMost(TestCluster.TIMEOUT).until(() -> cluster.eventsAbout("worker-1", "NodePressure").size() == 1);
    assertThat(leaderGauge(standby)).as("the standby says it does not write").isEqualTo(0.0);
    assertThat(ready(standby)).as("a standby with synced caches is ready").isTrue();
    assertThat(writesBy(standby == first ? "clusterdoc-0" : "clusterdoc-1")).as("the standby writes nothing").isEmpty();

    long handedOver = System.nanoTime();
    leader.close();
    replicas.remove(leader);

    await().atMost(LEASE.plusSeconds(5)).until(() -> leaderGauge(standby) == 1.0);
    assertThat(Duration.ofNanos(System.nanoTime() - handedOver)).as("taken over within the lease duration")
        .isLessThan(LEASE);
    assertThat(client.leases().inNamespace("clusterdoc").withName("clusterdoc").get().getSpec().getHolderIdentity())
        .isEqualTo(standby == first ? "clusterdoc-0" : "clusterdoc-1");
    client.resource(relieved(pressured)).update();
    await().atMost(TestCluster.TIMEOUT).until(() -> cluster.findings("cluster").stream()
        .noneMatch(f -> f.getRule().equals("node-pressure")));
    await().atMost(TestCluster.TIMEOUT).until(() -> cluster.eventsAbout("worker-1", "NodePressureResolved").size() == 1);
    assertThat(cluster.eventsAbout("worker-1", "NodePressure")).as("one Event, from whichever replica led").hasSize(1);
    assertThat(lostLeadership).as("a graceful hand-over is not a lost leadership").hasValue(0);
  }

  /** Requests that change something, made by the replica of this identity, up to now. */
  private List<String> writesBy(String identity) throws InterruptedException {
    return new RequestLog(server).from(identity).stream()
        .filter(r -> !r.getMethod().equals("GET"))
        .filter(r -> !r.getPath().startsWith("/apis/authorization.k8s.io/"))
        .map(r -> r.getMethod() + " " + r.getPath())
        .toList();
  }

  private DiagnosisOperator replica(String identity) {
    KubernetesClient replicaClient = RequestLog.clientAs(client, identity);
    clients.add(replicaClient);
    OperatorSettings settings = TestCluster.fastSettings().toBuilder()
        .leaderElection(new LeaderElection(identity, "clusterdoc", "clusterdoc", LEASE, Duration.ofSeconds(3),
            Duration.ofMillis(250)))
        .build();
    DiagnosisOperator replica = new DiagnosisOperator(replicaClient, settings, RuleCatalog.all(), Clock.systemUTC(),
        lostLeadership::incrementAndGet);
    replicas.add(replica);
    replica.start();
    return replica;
  }

  private Optional<DiagnosisOperator> leader(DiagnosisOperator first, DiagnosisOperator second) {
    Lease lease = client.leases().inNamespace("clusterdoc").withName("clusterdoc").get();
    if (lease == null || leaderGauge(first) + leaderGauge(second) != 1.0) {
      return Optional.empty();
    }
    return Optional.of(leaderGauge(first) == 1.0 ? first : second);
  }

  private static double leaderGauge(DiagnosisOperator replica) {
    return scrape(replica).value("clusterdoc_leader").orElseThrow();
  }

  private static boolean ready(DiagnosisOperator replica) {
    return scrape(replica).value("clusterdoc_ready").orElseThrow() == 1.0;
  }

  private static Scrape scrape(DiagnosisOperator replica) {
    return Scrape.of(URI.create("http://127.0.0.1:" + replica.metricsPort() + "/metrics"));
  }

  private static Node relieved(Node node) {
    Node fresh = new io.fabric8.kubernetes.api.model.NodeBuilder(node).build();
    fresh.getMetadata().setResourceVersion(null);
    fresh.getStatus().getConditions().stream().filter(c -> "DiskPressure".equals(c.getType()))
        .forEach(c -> c.setStatus("False"));
    return fresh;
  }
}
