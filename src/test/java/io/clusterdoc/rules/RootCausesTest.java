package io.clusterdoc.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.rules.apiservices.ApiServiceUnavailable;
import io.clusterdoc.rules.dns.CorednsNotReady;
import io.clusterdoc.rules.namespaces.NamespaceStuckTerminating;
import io.clusterdoc.rules.nodes.NodePressure;
import io.clusterdoc.rules.pods.PodCrashLooping;
import io.clusterdoc.rules.pods.PodEvicted;
import io.clusterdoc.rules.services.ServiceNoEndpoints;
import io.clusterdoc.testing.DemoCluster;
import io.clusterdoc.testing.Scenario;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RootCausesTest {
  private static final String NOW = "2026-11-20T10:05:00Z";

  @Test
  void symptomsOnABrokenNodeListItFirstAndOthersStayAsTheyAre() {
    Scenario scenario = Scenario.of(List.of(new NodePressure(), new PodEvicted(), new PodCrashLooping()),
        EngineConfig.DEFAULT, NOW);
    DemoCluster.load(scenario, "nodes.yaml");
    DemoCluster.load(scenario, "workloads.yaml");
    List<Finding> findings = scenario.findings();

    List<Finding> linked = RootCauses.link(findings, scenario.store());

    Finding node = only(linked, "node-pressure");
    Finding evicted = only(linked, "pod-evicted");
    Finding crashLooping = only(linked, "pod-crash-looping");
    assertThat(evicted.related().get(0)).isEqualTo(node.object());
    assertThat(evicted.related()).filteredOn(ref -> ref.kind().equals("Pod")).hasSize(3);
    assertThat(RootCauses.explains(node, evicted)).isTrue();
    assertThat(crashLooping.related()).as("its pod runs on a healthy node").doesNotContain(node.object());
    assertThat(RootCauses.explains(node, crashLooping)).isFalse();
    assertThat(node).isEqualTo(only(findings, "node-pressure"));
  }

  @Test
  void anUnavailableApiServiceExplainsTheNamespacesItKeepsTerminating() {
    Scenario scenario = Scenario.of(List.of(new ApiServiceUnavailable(), new NamespaceStuckTerminating()),
        EngineConfig.DEFAULT, NOW);
    DemoCluster.load(scenario, "namespaces.yaml");

    Finding apiService = only(scenario.findings(), "apiservice-unavailable");
    List<Finding> explained = scenario.findings().stream().filter(f -> RootCauses.explains(apiService, f)).toList();

    assertThat(explained).extracting(f -> f.object().name()).containsExactly("monitoring-old");
    assertThat(RootCauses.explains(explained.get(0), apiService)).isFalse();
  }

  @Test
  void anUnavailableApiServiceExplainsTheFindingsOnItsBackingService() {
    Scenario scenario = Scenario.of(List.of(new ApiServiceUnavailable(), new ServiceNoEndpoints()),
        EngineConfig.DEFAULT, NOW);
    DemoCluster.load(scenario, "namespaces.yaml");

    List<Finding> linked = RootCauses.link(scenario.findings(), scenario.store());

    Finding apiService = only(linked, "apiservice-unavailable");
    Finding backend = only(linked, "service-no-endpoints");
    assertThat(backend.object().name()).isEqualTo("metrics-server");
    assertThat(RootCauses.explains(apiService, backend)).isTrue();
  }

  @Test
  void aDnsThatIsDownExplainsTheFindingsWhoseLookupsThroughItFail() {
    Scenario scenario = Scenario.of(List.of(new CorednsNotReady()), EngineConfig.DEFAULT, NOW);
    DemoCluster.load(scenario, "kube-system.yaml");
    ObjectRef web = new ObjectRef("v1", "Pod", "shop", "web-1", "uid-web-1");
    Finding lookupFails = Finding.builder("pod-not-ready", Severity.WARNING, web)
        .message("Pod shop/web-1 has been Running but not Ready: Readiness probe failed: lookup db.shop.svc.cluster.local "
            + "on 10.96.0.10:53: read udp 10.244.1.7:41234->10.96.0.10:53: i/o timeout.").build();
    Finding unrelated = Finding.builder("pod-not-ready", Severity.WARNING,
            new ObjectRef("v1", "Pod", "shop", "web-2", "uid-web-2"))
        .message("Pod shop/web-2 has been Running but not Ready: HTTP probe failed with statuscode: 503.").build();
    List<Finding> findings = new ArrayList<>(scenario.findings());
    findings.add(lookupFails);
    findings.add(unrelated);

    List<Finding> linked = RootCauses.link(findings, scenario.store());

    Finding dns = linked.stream().filter(f -> f.rule().equals("coredns-not-ready") && f.object().kind().equals("Service"))
        .findFirst().orElseThrow();
    assertThat(RootCauses.explains(dns, linked.get(linked.size() - 2))).isTrue();
    assertThat(RootCauses.explains(dns, linked.get(linked.size() - 1))).isFalse();
    assertThat(linked).filteredOn(f -> f.rule().equals("coredns-not-ready"))
        .as("root causes are never symptoms, not even of each other")
        .allSatisfy(f -> assertThat(linked).noneMatch(other -> RootCauses.explains(other, f)));
  }

  @Test
  void withoutABrokenNodeNothingChanges() {
    Scenario scenario = Scenario.of(List.of(new PodEvicted(), new PodCrashLooping()), EngineConfig.DEFAULT, NOW);
    DemoCluster.load(scenario, "workloads.yaml");

    assertThat(RootCauses.link(scenario.findings(), scenario.store())).isEqualTo(scenario.findings());
  }

  private static Finding only(List<Finding> findings, String rule) {
    return findings.stream().filter(f -> f.rule().equals(rule)).reduce((a, b) -> {
      throw new AssertionError("more than one " + rule);
    }).orElseThrow();
  }
}
