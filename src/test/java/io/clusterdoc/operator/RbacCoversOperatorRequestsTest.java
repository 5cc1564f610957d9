package io.clusterdoc.operator;

import static io.clusterdoc.operator.TestCluster.withRemediation;
import static io.clusterdoc.operator.TestCluster.withRules;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterdoc.rules.RuleCatalog;
import io.clusterdoc.api.v1alpha1.RemediationSettings;
import io.clusterdoc.remediation.Consent;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every request the operator makes while it lists, watches, reads a log, writes status and records Events is one
 * that the ClusterRole in deploy/base/rbac.yaml allows, and what remediation adds is allowed by
 * deploy/remediation/rbac.yaml and not by the base: a verb the code uses but the role lacks would make every such
 * request fail on a real cluster, which the test API server (no authorization) would never show.
 */
@EnableKubernetesMockClient(crud = true)
class RbacCoversOperatorRequestsTest {
  private static final String OPERATOR_AGENT = "clusterdoc-operator-under-test";
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");
  private static final Path BASE_ROLE = Path.of("deploy/base/rbac.yaml");
  private static final Path REMEDIATION_ROLE = Path.of("deploy/remediation/rbac.yaml");
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

    Set<Access> used = operatorAccesses(() -> {
      cluster.createDiagnosis("cluster", withRules(r -> r.setThresholds(Map.of("namespace-stuck-terminating", "1s"))));
      cluster.awaitFinding("cluster", "coredns-loop-detected", "coredns-7db6d8ff4d-lp2xq");
      cluster.awaitFinding("cluster", "namespace-stuck-terminating", "doomed");
      await().atMost(TestCluster.TIMEOUT)
          .until(() -> client.v1().events().inAnyNamespace().list().getItems().size() >= 2);
    });

    assertThat(used).extracting(Access::toString)
        .as("the scenario exercised list, watch, the log, the status patch and Event creation")
        .contains("list pods", "watch pods", "get pods/log", "patch clusterdoc.io/clusterdiagnoses/status",
            "create events");
    assertThat(used).allSatisfy(access -> assertThat(allowed(access, BASE_ROLE)).as(BASE_ROLE + " allows " + access)
        .isTrue());
  }

  @Test
  void onlyTheRemediationClusterRoleAllowsWhatRemediationDoes() throws Exception {
    TestCluster cluster = new TestCluster(client).withCrd();
    cluster.expectFinalize(server, "doomed", 200);
    cluster.create(new NamespaceBuilder().withNewMetadata().withName("doomed")
        .withAnnotations(Map.of(Consent.ANNOTATION, "true")).withFinalizers(TestCluster.HOLD).endMetadata()
        .withNewSpec().withFinalizers("kubernetes").endSpec().build());
    client.namespaces().withName("doomed").delete();
    cluster.objects("remediation-evicted-pods.yaml").forEach(cluster::create);
    cluster.create(cluster.fixture("selectorless-service.yaml", Service.class));
    cluster.create(cluster.fixture("unnamed-endpoints.yaml", Endpoints.class));
    cluster.stuckPod(server, cluster.objects("remediation-stuck-pod.yaml"));

    Set<Access> used = operatorAccesses(() -> {
      cluster.createDiagnosis("cluster", withRemediation(RemediationSettings.Mode.ENABLED, r -> { }));
      await().atMost(TestCluster.TIMEOUT).until(() -> cluster.status("cluster") != null
          && cluster.status("cluster").getRemediations() != null
          && cluster.status("cluster").getRemediations().stream().filter(r -> "Applied".equals(r.getOutcome()))
              .count() == 4);
    });

    List<Access> writes = List.of(new Access("", "namespaces/finalize", "update"), new Access("", "pods", "delete"),
        new Access("", "endpoints", "patch"));
    assertThat(used).containsAll(writes).contains(new Access("storage.k8s.io", "volumeattachments", "list"),
        new Access("apps", "replicasets", "get"));
    for (Access write : writes) {
      assertThat(allowed(write, BASE_ROLE)).as("the base role stays read-only: " + write).isFalse();
    }
    assertThat(used).allSatisfy(access -> assertThat(allowed(access, BASE_ROLE) || allowed(access, REMEDIATION_ROLE))
        .as("the base or the remediation role allows " + access).isTrue());
  }

  /** What the operator asked the API server for while the scenario ran. */
  private Set<Access> operatorAccesses(Runnable scenario) throws InterruptedException {
    try (KubernetesClient operatorClient = RequestLog.clientAs(client, OPERATOR_AGENT);
        DiagnosisOperator operator = new DiagnosisOperator(operatorClient, TestCluster.fastSettings(),
            RuleCatalog.all(), Clock.systemUTC())) {
      operator.start();
      scenario.run();
    }
    Set<Access> used = new TreeSet<>(Comparator.comparing(Access::toString));
    new RequestLog(server).from(OPERATOR_AGENT).forEach(request -> access(request).ifPresent(used::add));
    return used;
  }

  private boolean allowed(Access access, Path roleFile) throws IOException {
    return clusterRole(roleFile).getRules().stream().anyMatch(rule -> allows(rule, access));
  }

  private static boolean allows(PolicyRule rule, Access access) {
    return rule.getApiGroups().contains(access.group()) && rule.getResources().contains(access.resource())
        && rule.getVerbs().contains(access.verb());
  }

  private ClusterRole clusterRole(Path file) throws IOException {
    try (InputStream rbac = Files.newInputStream(file)) {
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
    // As the API server does: namespaces/{name}/status and /finalize are subresources of the namespace itself.
    if (rest.size() > 2 && rest.get(0).equals("namespaces") && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
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
