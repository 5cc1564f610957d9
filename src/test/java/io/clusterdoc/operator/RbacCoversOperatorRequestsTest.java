package io.clusterdoc.operator;

import static io.clusterdoc.operator.TestCluster.withRules;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterdoc.rules.RuleCatalog;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every request the operator makes while it lists, watches, reads a log, writes status and records Events is one
 * that the ClusterRole in deploy/rbac.yaml allows: a verb the code uses but the role lacks would make every such
 * request fail on a real cluster, which the test API server (no authorization) would never show.
 */
@EnableKubernetesMockClient(crud = true)
class RbacCoversOperatorRequestsTest {
  private static final String OPERATOR_AGENT = "clusterdoc-operator-under-test";
  private static final String LOG_PATH = "/api/v1/namespaces/kube-system/pods/coredns-7db6d8ff4d-lp2xq/log"
      + "?pretty=false&container=coredns&previous=true&tailLines=200";

  KubernetesClient client;
  KubernetesMockServer server;

  /** What one request asks the API server's authorizer for. */
  private record Access(String group, String resource, String verb) {
    @Override
    public String toString() {
      return verb + " " + (group.isEmpty() ? "" : group + "/") + resource;
    }
  }

  @Test
  void theClusterRoleAllowsEveryRequestTheOperatorMakes() throws Exception {
    TestCluster cluster = new TestCluster(client).withCrd();
    server.expect().get().withPath(LOG_PATH)
        .andReturn(200, "[FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected for zone \".\"\n").always();
    cluster.create(client.getKubernetesSerialization()
        .unmarshal(getClass().getResourceAsStream("coredns-crash-looping.yaml"), Pod.class));
    cluster.terminatingNamespace("doomed");
    Set<Access> used = new TreeSet<>(Comparator.comparing(Access::toString));
    try (KubernetesClient operatorClient = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(OPERATOR_AGENT).build()).build();
        DiagnosisOperator operator = new DiagnosisOperator(operatorClient, TestCluster.fastSettings(),
            RuleCatalog.all(), Clock.systemUTC())) {
      operator.start();
      cluster.createDiagnosis("cluster", withRules(r -> r.setThresholds(Map.of("namespace-stuck-terminating", "1s"))));
      cluster.awaitFinding("cluster", "coredns-loop-detected", "coredns-7db6d8ff4d-lp2xq");
      cluster.awaitFinding("cluster", "namespace-stuck-terminating", "doomed");
      await().atMost(TestCluster.TIMEOUT)
          .until(() -> client.v1().events().inAnyNamespace().list().getItems().size() >= 2);
    }
    for (RecordedRequest request; (request = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null; ) {
      if (OPERATOR_AGENT.equals(request.getHeader("User-Agent"))) {
        access(request).ifPresent(used::add);
      }
    }

    assertThat(used).extracting(Access::toString)
        .as("the scenario exercised list, watch, the log, the status patch and Event creation")
        .contains("list pods", "watch pods", "get pods/log", "patch clusterdoc.io/clusterdiagnoses/status",
            "create events");
    List<PolicyRule> granted = clusterRole().getRules();
    assertThat(used).allSatisfy(access ->
        assertThat(granted.stream().anyMatch(rule -> allows(rule, access))).as("deploy/rbac.yaml allows " + access)
            .isTrue());
  }

  private static boolean allows(PolicyRule rule, Access access) {
    return rule.getApiGroups().contains(access.group()) && rule.getResources().contains(access.resource())
        && rule.getVerbs().contains(access.verb());
  }

  private ClusterRole clusterRole() throws IOException {
    try (InputStream rbac = new FileInputStream("deploy/rbac.yaml")) {
      List<HasMetadata> objects = client.load(rbac).items();
      return objects.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast).findFirst()
          .orElseThrow();
    }
  }

  /**
   * Maps a request to what RBAC checks, as the API server's request-info resolver does; empty for discovery
   * paths (/version, /api, /apis/group), which every authenticated client may read.
   */
  private static Optional<Access> access(RecordedRequest request) {
    URI uri = URI.create(request.getPath());
    String[] parts = uri.getPath().substring(1).split("/");
    boolean core = parts[0].equals("api");
    int start = core ? 2 : 3;
    if (!(core || parts[0].equals("apis")) || parts.length <= start) {
      return Optional.empty();
    }
    String group = core ? "" : parts[1];
    List<String> rest = List.of(parts).subList(start, parts.length);
    if (rest.size() > 2 && rest.get(0).equals("namespaces")) {
      rest = rest.subList(2, rest.size());
    }
    String resource = rest.get(0) + (rest.size() > 2 ? "/" + rest.get(2) : "");
    boolean named = rest.size() > 1;
    String query = uri.getQuery() == null ? "" : uri.getQuery();
    String verb = switch (request.getMethod()) {
      case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> request.getMethod().toLowerCase(Locale.ROOT);
    };
    return Optional.of(new Access(group, resource, verb));
  }
}
