package io.clusterdoc.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.rules.RuleCatalog;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The API server is down when the operator starts: the operator stays alive and unready, its informers keep
 * trying, and once the server answers it becomes ready and diagnoses what the server holds, without a restart.
 */
class ApiServerComesBackTest {
  /** The informers' pauses between tries grow while the server is down; this leaves room for a few of them. */
  private static final Duration RECOVERY = Duration.ofSeconds(60);

  @Test
  void becomesReadyAndDiagnosesOnceTheApiServerAnswers() throws IOException, InterruptedException {
    OperatorSettings settings = TestCluster.fastSettings().toBuilder().cacheSyncTimeout(Duration.ofSeconds(2)).build();
    try (FaultyApiServer server = new FaultyApiServer(); KubernetesClient admin = server.adminClient();
        KubernetesClient client = server.operatorClient()) {
      server.stop();
      try (DiagnosisOperator operator = new DiagnosisOperator(client, settings, RuleCatalog.all(), Clock.systemUTC())) {
        operator.start();
        HttpResponse<String> down = OperatorPort.get(operator, "/readyz");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("cannot list Pod objects");

        TestCluster cluster = new TestCluster(admin).withCrd();
        cluster.create(cluster.fixture("node-under-disk-pressure.yaml", Node.class));
        cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());
        server.start();

        await().atMost(RECOVERY).until(() -> OperatorPort.get(operator, "/readyz").statusCode() == 200);
        await().atMost(RECOVERY).until(() -> cluster.status("cluster") != null && cluster.status("cluster")
            .getFindings() != null && cluster.status("cluster").getFindings().stream()
            .anyMatch(f -> "node-pressure".equals(f.getRule()) && "worker-1".equals(f.getObject().getName())));
      }
    }
  }
}
