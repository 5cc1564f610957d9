package io.clusterdoc.operator;

import static io.clusterdoc.operator.TestCluster.withRules;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterdoc.rules.RuleCatalog;
import io.clusterdoc.testing.PrometheusBinaries;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real operator, scraped by a real Prometheus that loads the shipped rule file: a namespace stuck
 * Terminating must make the alert fire, and letting the namespace go must resolve it. Only the rule file's
 * {@code for} durations are shortened, so the test waits seconds instead of minutes; expressions, labels and
 * annotations are exactly what ships.
 */
@EnableKubernetesMockClient(crud = true)
class PrometheusAlertingTest {
  private static final Path RULES = Path.of("deploy/prometheus/clusterdoc-rules.yaml");
  private static final String ALERT = "ClusterdocNamespaceStuckTerminating";
  private static final Duration ALERT_TIMEOUT = Duration.ofSeconds(60);

  KubernetesClient client;
  @TempDir
  Path work;
  private DiagnosisOperator operator;
  private Process prometheus;
  private URI prometheusUrl;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void stopEverything() throws InterruptedException {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void aNamespaceStuckTerminatingFiresTheAlertWhichResolvesWhenTheNamespaceGoes() throws Exception {
    Path binary = PrometheusBinaries.prometheus();
    TestCluster cluster = new TestCluster(client).withCrd();
    operator = new DiagnosisOperator(client, TestCluster.fastSettings(), RuleCatalog.all(), Clock.systemUTC());
    operator.start();
    startPrometheus(binary, operator.metricsPort());
    await().atMost(ALERT_TIMEOUT).until(() -> query("clusterdoc_ready").equals(Optional.of(1.0)));

    cluster.terminatingNamespace("doomed");
    cluster.createDiagnosis("cluster", withRules(r -> r.setThresholds(Map.of("namespace-stuck-terminating", "1s"))));

    JsonNode firing = await().atMost(ALERT_TIMEOUT).until(() -> alert(ALERT),
        alert -> alert.isPresent() && "firing".equals(alert.get().path("state").asText())).orElseThrow();
    assertThat(firing.path("labels").path("severity").asText()).isEqualTo("critical");
    assertThat(firing.path("annotations").path("description").asText())
        .contains("kubectl get clusterdiagnosis").contains("namespace-stuck-terminating");
    assertThat(alert("ClusterdocCriticalFinding")).as("the dedicated alert does not page twice").isEmpty();

    cluster.releaseNamespace("doomed");

    await().atMost(ALERT_TIMEOUT).until(() -> alert(ALERT).isEmpty());
    assertThat(query("max(clusterdoc_findings{rule=\"namespace-stuck-terminating\"})")).contains(0.0);
  }

  private void startPrometheus(Path binary, int metricsPort) throws IOException, InterruptedException {
    Path rules = work.resolve("clusterdoc-rules.yaml");
    Files.writeString(rules, Files.readString(RULES).replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: 1s"));
    Path config = work.resolve("prometheus.yml");
    Files.writeString(config, String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  evaluation_interval: 1s",
        "rule_files: ['" + rules + "']",
        "scrape_configs:",
        "  - job_name: clusterdoc",
        "    static_configs:",
        "      - targets: ['127.0.0.1:" + metricsPort + "']",
        ""));
    int port = freePort();
    prometheusUrl = URI.create("http://127.0.0.1:" + port);
    Path log = work.resolve("prometheus.log");
    prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await().atMost(ALERT_TIMEOUT).ignoreExceptions()
          .until(() -> get("/-/ready").statusCode() == 200 && prometheus.isAlive());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("Prometheus did not become ready; its log:\n" + Files.readString(log), e);
    }
  }

  /** The active alert of this name, pending or firing. */
  private Optional<JsonNode> alert(String name) throws IOException, InterruptedException {
    JsonNode alerts = json.readTree(get("/api/v1/alerts").body()).path("data").path("alerts");
    return StreamSupport.stream(alerts.spliterator(), false)
        .filter(a -> name.equals(a.path("labels").path("alertname").asText()))
        .findFirst();
  }

  /** The value of an instant query that returns at most one series. */
  private Optional<Double> query(String promql) throws IOException, InterruptedException {
    JsonNode result = json.readTree(get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .body()).path("data").path("result");
    List<JsonNode> series = StreamSupport.stream(result.spliterator(), false).toList();
    assertThat(series).as(promql).hasSizeLessThanOrEqualTo(1);
    return series.stream().findFirst().map(s -> Double.parseDouble(s.path("value").path(1).asText()));
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(prometheusUrl.resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
