package io.clusterdoc.operator;

import static io.clusterdoc.operator.TestCluster.withRules;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterdoc.BuildInfo;
import io.clusterdoc.engine.Rule;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.rules.RuleCatalog;
import io.clusterdoc.testing.ExplodingRule;
import io.clusterdoc.testing.Scrape;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real operator's HTTP port: what Prometheus and the kubelet see. */
@EnableKubernetesMockClient(crud = true)
class MetricsEndpointTest {
  private static final String STUCK = "namespace-stuck-terminating";
  /** Every label a clusterdoc metric may carry: nothing that grows with the number of objects. */
  private static final Set<String> BOUNDED_LABELS =
      Set.of("diagnosis", "rule", "severity", "outcome", "kind", "version", "le", "action");

  /** Series names as queries write them; a trailing underscore or asterisk (operator_sdk_*) is a family, not a name. */
  private static final Pattern METRIC_NAME =
      Pattern.compile("\\b(?:clusterdoc|operator_sdk|jvm|process|system)_[a-z_]*[a-z](?![a-z_*])");

  KubernetesClient client;
  private TestCluster cluster;
  private DiagnosisOperator operator;

  @BeforeEach
  void installCrd() {
    cluster = new TestCluster(client).withCrd();
  }

  @AfterEach
  void stopOperator() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void findingsBecomeMetricsThatFallBackToZeroWhenResolved() {
    cluster.terminatingNamespace("doomed");
    start(TestCluster.fastSettings());
    cluster.createDiagnosis("cluster", withRules(r -> r.setThresholds(Map.of(STUCK, "1s"))));
    cluster.awaitFinding("cluster", STUCK, "doomed");

    Scrape firing = awaitScrape(s -> s.value("clusterdoc_detection_latency_seconds_count").orElse(0.0) >= 1);
    assertThat(findings(firing, STUCK, "critical")).isEqualTo(1.0);
    assertThat(findings(firing, "pod-evicted", "warning")).as("rules without findings export zero").isEqualTo(0.0);
    assertThat(firing.value("clusterdoc_findings_detected_total", "diagnosis", "cluster", "rule", STUCK,
        "severity", "critical")).contains(1.0);
    assertThat(firing.value("clusterdoc_detection_latency_seconds_bucket", "le", "+Inf")).contains(1.0);
    assertThat(firing.value("clusterdoc_status_writes_total", "outcome", "success")).hasValueSatisfying(
        writes -> assertThat(writes).isPositive());
    assertThat(firing.value("clusterdoc_status_writes_total", "outcome", "failure")).contains(0.0);
    assertThat(firing.value("clusterdoc_rule_evaluation_seconds_count", "rule", STUCK)).hasValueSatisfying(
        evaluations -> assertThat(evaluations).isPositive());
    assertThat(firing.value("clusterdoc_cache_objects", "kind", "Namespace")).contains(1.0);
    assertThat(firing.value("clusterdoc_build_info", "version", BuildInfo.version())).contains(1.0);
    assertThat(firing.value("clusterdoc_leader")).contains(1.0);
    assertThat(firing.value("clusterdoc_ready")).contains(1.0);

    cluster.releaseNamespace("doomed");

    Scrape resolved = awaitScrape(s -> findings(s, STUCK, "critical") == 0.0);
    assertThat(resolved.value("clusterdoc_findings_resolved_total", "diagnosis", "cluster", "rule", STUCK,
        "severity", "critical")).contains(1.0);
  }

  @Test
  void exportsOperatorSdkAndJvmMetricsAndOnlyBoundedLabels() {
    start(TestCluster.fastSettings());
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());
    Scrape scrape = awaitScrape(MetricsEndpointTest::reconciledAndPublished);

    assertThat(scrape.names()).contains("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_usage",
        "process_uptime_seconds");
    int rows = RuleCatalog.ids().size() * 3;
    assertThat(scrape.matching("clusterdoc_findings", "diagnosis", "cluster")).as("30 rules x 3 severities")
        .hasSize(rows);
    assertThat(scrape.matching("clusterdoc_findings_detected_total", "diagnosis", "cluster"))
        .as("counters exported at zero, so that increase() sees the first finding").hasSize(rows)
        .allSatisfy(sample -> assertThat(sample.value()).isZero());
    assertThat(scrape.matching("clusterdoc_findings_resolved_total", "diagnosis", "cluster")).hasSize(rows);
    scrape.samples().stream().filter(s -> s.name().startsWith("clusterdoc_"))
        .forEach(s -> assertThat(BOUNDED_LABELS).as(s.toString()).containsAll(s.labels().keySet()));
  }

  @Test
  void theAlertsTheDashboardAndTheDocsUseOnlyMetricsTheOperatorExports() throws IOException {
    start(TestCluster.fastSettings());
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());
    System.gc();
    Scrape scrape = awaitScrape(s -> reconciledAndPublished(s) && s.names().contains("jvm_gc_pause_seconds_sum"));
    Set<String> families = new TreeSet<>(scrape.names());
    scrape.names().forEach(name -> families.add(name.replaceAll("_(bucket|count|sum|max)$", "")));
    String docs = Files.readString(Path.of("docs/metrics.md"));

    for (Path user : List.of(Path.of("deploy/prometheus/clusterdoc-rules.yaml"),
        Path.of("deploy/grafana/clusterdoc-dashboard.json"))) {
      assertThat(metricNames(Files.readString(user))).as("metrics %s uses", user).isNotEmpty()
          .allSatisfy(name -> assertThat(scrape.names()).as("exported by the operator").contains(name));
    }
    assertThat(metricNames(docs)).filteredOn(name -> name.startsWith("clusterdoc_"))
        .allSatisfy(name -> assertThat(families).as("docs/metrics.md names what is exported").contains(name));
    scrape.names().stream().filter(name -> name.startsWith("clusterdoc_"))
        .map(name -> name.replaceAll("_(bucket|count|sum|max)$", ""))
        .forEach(family -> assertThat(docs).as("docs/metrics.md documents %s", family).contains("`" + family));
  }

  /** Names of exported series in queries and prose; families (clusterdoc_findings) and wildcards excluded. */
  private static Set<String> metricNames(String text) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC_NAME.matcher(text);
    while (matcher.find()) {
      names.add(matcher.group());
    }
    return names;
  }

  @Test
  void countsFindingsPerNamespaceOnlyWhenAskedTo() {
    cluster.terminatingNamespace("doomed");
    start(TestCluster.fastSettings().toBuilder().metrics(0, true).build());
    cluster.createDiagnosis("cluster", withRules(r -> r.setThresholds(Map.of(STUCK, "1s"))));
    cluster.awaitFinding("cluster", STUCK, "doomed");

    Scrape scrape = awaitScrape(s -> !s.matching("clusterdoc_findings", "namespace", "doomed").isEmpty());

    assertThat(scrape.value("clusterdoc_findings", "rule", STUCK, "severity", "critical", "namespace", "doomed"))
        .contains(1.0);
  }

  @Test
  void probesAnswerBeforeAndAfterTheCachesAreSynced() throws Exception {
    start(TestCluster.fastSettings());

    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    await().atMost(TestCluster.TIMEOUT).until(() -> get("/readyz").statusCode() == 200);
    assertThat(get("/readyz").body()).isEqualTo("ok\n");
    assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
    assertThat(get("/metrics/extra").statusCode()).isEqualTo(404);
    HttpResponse<String> post = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(uri("/metrics")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void notReadyWhenTheApiServerCannotBeReached() throws Exception {
    KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("https://127.0.0.1:1").withRequestRetryBackoffLimit(0).build()).build();
    // Nothing will sync: waiting the usual time for it would only slow the test down.
    OperatorSettings settings = TestCluster.fastSettings().toBuilder().cacheSyncTimeout(Duration.ofSeconds(2)).build();
    operator = new DiagnosisOperator(unreachable, settings, RuleCatalog.all(), Clock.systemUTC());
    try (unreachable) {
      operator.start();

      HttpResponse<String> ready = get("/readyz");

      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("cannot list Pod objects");
      assertThat(get("/healthz").statusCode()).as("alive: restarting would not help").isEqualTo(200);
      assertThat(Scrape.of(uri("/metrics")).value("clusterdoc_ready")).contains(0.0);
    }
  }

  /**
   * A rule that fails on every node is counted per evaluation, by rule, so that an alert sees a rule that cannot
   * read what the cluster holds; the other rules' rows stay at zero.
   */
  @Test
  void aRuleThatFailsIsCounted() {
    cluster.create(cluster.fixture("node-under-disk-pressure.yaml", Node.class));
    List<Rule> rules = new ArrayList<>(RuleCatalog.all());
    rules.add(new ExplodingRule());
    operator = new DiagnosisOperator(client, TestCluster.fastSettings(), rules, Clock.systemUTC());
    operator.start();
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());
    cluster.awaitFinding("cluster", "node-pressure", "worker-1");

    Scrape scrape = awaitScrape(s -> s.value("clusterdoc_rule_errors_total", "rule", ExplodingRule.ID).orElse(0.0) >= 1);
    assertThat(scrape.value("clusterdoc_rule_errors_total", "rule", "node-pressure")).contains(0.0);
  }



  private void start(OperatorSettings settings) {
    operator = new DiagnosisOperator(client, settings, RuleCatalog.all(), Clock.systemUTC());
    operator.start();
  }

  private Scrape awaitScrape(Predicate<Scrape> condition) {
    return await().atMost(TestCluster.TIMEOUT).until(() -> Scrape.of(uri("/metrics")), condition);
  }

  /** The controller has run and the diagnosis's findings (zeros at least) are exported. */
  private static boolean reconciledAndPublished(Scrape scrape) {
    return !scrape.matching("operator_sdk_reconciliations_started_total").isEmpty()
        && !scrape.matching("clusterdoc_findings", "diagnosis", "cluster").isEmpty();
  }

  private static double findings(Scrape scrape, String rule, String severity) {
    return scrape.value("clusterdoc_findings", "diagnosis", "cluster", "rule", rule, "severity", severity)
        .orElseThrow();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return OperatorPort.get(operator, path);
  }

  private URI uri(String path) {
    return OperatorPort.uri(operator, path);
  }
}
