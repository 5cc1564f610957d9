package io.clusterdoc.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.rules.RuleCatalog;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
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
    int port = freePort();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + port).withRequestRetryBackoffLimit(0).build()).build();
    OperatorSettings settings = TestCluster.fastSettings().toBuilder().cacheSyncTimeout(Duration.ofSeconds(2)).build();
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    try (client; DiagnosisOperator operator = new DiagnosisOperator(client, settings, RuleCatalog.all(),
        Clock.systemUTC())) {
      operator.start();
      HttpResponse<String> down = get(operator, "/readyz");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("cannot list Pod objects");

      server.init(InetAddress.getLoopbackAddress(), port);
      TestCluster cluster = new TestCluster(client).withCrd();
      cluster.create(cluster.fixture("node-under-disk-pressure.yaml", Node.class));
      cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());

      await().atMost(RECOVERY).until(() -> get(operator, "/readyz").statusCode() == 200);
      await().atMost(RECOVERY).until(() -> cluster.status("cluster") != null && cluster.status("cluster")
          .getFindings() != null && cluster.status("cluster").getFindings().stream()
          .anyMatch(f -> "node-pressure".equals(f.getRule()) && "worker-1".equals(f.getObject().getName())));
    } finally {
      server.destroy();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static HttpResponse<String> get(DiagnosisOperator operator, String path)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + operator.metricsPort() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
