package io.clusterdoc.rules.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorednsNotReadyTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String POD_A = "coredns-5b8bf7b657-7xkq2";
  private static final String POD_B = "coredns-5b8bf7b657-m9d4t";

  private final CorednsNotReady rule = new CorednsNotReady();

  @Test
  void aCorefileWithoutReadyExplainsEachUnreadyPodAndTheServiceWithoutReadyEndpoint() {
    Scenario scenario = load("coredns-missing-ready.yaml");

    assertThat(scenario.findings()).extracting(f -> f.object().kind() + "/" + f.object().name())
        .containsExactlyInAnyOrder("Pod/" + POD_A, "Pod/" + POD_B, "Service/kube-dns");
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.rule()).isEqualTo("coredns-not-ready");
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.remediation()).doesNotEndWith("…");
    });

    Finding podA = scenario.findingOn(POD_A);
    assertThat(podA.message()).contains("kube-system/" + POD_A, "worker-1", "Running but not Ready");
    assertThat(podA.cause())
        .contains("has no `ready` line", "dial tcp 10.244.1.17:8181: connect: connection refused", "482 times");
    assertThat(podA.remediation())
        .contains("kubectl -n kube-system edit configmap coredns", "rollout restart deployment coredns",
            "describe pod " + POD_A);
    assertThat(podA.related()).extracting(ObjectRef::kind, ObjectRef::name).containsExactly(tuple("ConfigMap", "coredns"));

    Finding podB = scenario.findingOn(POD_B);
    assertThat(podB.cause()).contains("has no `ready` line", "Ready condition: ContainersNotReady",
        "no Unhealthy event");

    Finding service = scenario.findingOn("kube-dns");
    assertThat(service.message()).contains("Service kube-system/kube-dns (10.96.0.10) has no ready endpoint");
    assertThat(service.cause()).contains("2 address(es) only under notReadyAddresses",
        "2 of 2 CoreDNS pods are not Ready: " + POD_A + " (Running), " + POD_B + " (Running)");
    assertThat(service.related()).extracting(ObjectRef::name).containsExactly(POD_A, POD_B);
  }

  @Test
  void aReadyProbeAnswering503PointsAtTheApiServerAndTheNodeFirewall() {
    Scenario scenario = load("coredns-api-unreachable.yaml");

    Finding pod = scenario.findingOn("coredns-5b8bf7b657-5gjrq");
    assertThat(pod.cause())
        .contains("HTTP 503", "kubernetes plugin", "iptables",
            "\"Readiness probe failed: HTTP probe failed with statuscode: 503\" (2755 times)")
        .doesNotContain("no `ready` line");
    assertThat(pod.remediation())
        .contains("kubectl -n kube-system logs -l k8s-app=kube-dns",
            "delete pod -l k8s-app=kube-proxy --field-selector spec.nodeName=master-01", "iptables --flush",
            "host firewall")
        .doesNotContain("edit configmap")
        .doesNotEndWith("…");
    assertThat(pod.related()).isEmpty();

    assertThat(scenario.findingOn("coredns-5b8bf7b657-rqndm").cause()).contains("no Unhealthy event");
  }

  @Test
  void healthyDnsIsNotAFinding() {
    assertThat(load("coredns-healthy.yaml").findings()).isEmpty();
  }

  @Test
  void aDeploymentScaledToZeroLeavesTheServiceWithoutPods() {
    Finding finding = load("coredns-scaled-to-zero.yaml").single();

    assertThat(finding.object().kind()).isEqualTo("Service");
    assertThat(finding.message()).contains("no CoreDNS pod (label k8s-app=kube-dns)");
    assertThat(finding.cause()).contains("scaled to 0 replicas");
    assertThat(finding.remediation()).contains("kubectl -n kube-system scale deployment coredns --replicas=2");
    assertThat(finding.related()).extracting(ObjectRef::kind).containsExactly("Deployment");
  }

  @Test
  void anOfflineScanOfAnotherNamespaceClaimsNothingAboutClusterDns() {
    assertThat(load("offline-shop-namespace.yaml").findings()).isEmpty();
    assertThat(Scenario.of(rule, NOW).fullPass().findings()).isEmpty();
  }

  @Test
  void addingReadyToTheCorefileReevaluatesThePodsWithoutAnyPodChange() {
    Scenario scenario = load("coredns-missing-ready.yaml");

    scenario.apply(withReadyPlugin(scenario.store().get(ConfigMap.class, "kube-system/coredns").orElseThrow()));

    Finding podA = scenario.findingOn(POD_A);
    assertThat(podA.cause()).contains("Connection refused means nothing listens").doesNotContain("no `ready` line");
    assertThat(podA.related()).isEmpty();
    assertThat(scenario.findingOn(POD_B).cause()).doesNotContain("no `ready` line");
  }

  @Test
  void endpointsLosingTheirReadyAddressesRaiseAFindingOnTheService() {
    Scenario scenario = load("coredns-healthy.yaml");
    Endpoints healthy = scenario.store().get(Endpoints.class, "kube-system/kube-dns").orElseThrow();

    scenario.apply(allNotReady(healthy));
    Finding finding = scenario.single();
    assertThat(finding.object().name()).isEqualTo("kube-dns");
    assertThat(finding.cause()).contains("All 2 CoreDNS pods are Ready, yet none is listed");

    scenario.apply(healthy);
    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("kube-dns");
  }

  @Test
  void deletedEndpointsLeaveTheServiceWithoutEndpoints() {
    Scenario scenario = load("coredns-healthy.yaml");

    scenario.delete(scenario.store().get(Endpoints.class, "kube-system/kube-dns").orElseThrow());

    assertThat(scenario.single().cause()).startsWith("There is no Endpoints object kube-system/kube-dns");
  }

  @Test
  void anUnhealthyEventReevaluatesThePodItIsAbout() {
    Scenario scenario = load("coredns-api-unreachable.yaml");

    Scenario.objects(getClass(), "coredns-unhealthy-event.yaml").forEach(scenario::apply);

    assertThat(scenario.findingOn("coredns-5b8bf7b657-rqndm").cause())
        .contains("HTTP 503", "statuscode: 503\" (2712 times)");
  }

  @Test
  void theFindingsResolveOnceCorednsIsReadyAgain() {
    Scenario scenario = load("coredns-missing-ready.yaml");
    Pod podA = scenario.store().get(Pod.class, "kube-system/" + POD_A).orElseThrow();
    Pod podB = scenario.store().get(Pod.class, "kube-system/" + POD_B).orElseThrow();
    Endpoints endpoints = scenario.store().get(Endpoints.class, "kube-system/kube-dns").orElseThrow();

    scenario.apply(withReadyPlugin(scenario.store().get(ConfigMap.class, "kube-system/coredns").orElseThrow()))
        .apply(ready(podA))
        .apply(ready(podB));
    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactly("kube-dns");

    scenario.apply(allReady(endpoints));
    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.resolved()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder(POD_A, POD_B, "kube-dns");
  }

  @Test
  void deletingEveryDnsPodLeavesOneFindingOnTheServiceNamingTheDeployment() {
    Scenario scenario = load("coredns-missing-ready.yaml");

    scenario.delete(scenario.store().get(Pod.class, "kube-system/" + POD_A).orElseThrow())
        .delete(scenario.store().get(Pod.class, "kube-system/" + POD_B).orElseThrow());

    Finding finding = scenario.single();
    assertThat(finding.object().name()).isEqualTo("kube-dns");
    assertThat(finding.cause()).contains("Deployment kube-system/coredns wants 2 replica(s) but none exists");
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactlyInAnyOrder(POD_A, POD_B);
  }

  @Test
  void onlyObjectsOfTheClusterDnsMapToItsSubject() {
    Scenario scenario = load("coredns-missing-ready.yaml");
    List<HasMetadata> dns = Scenario.objects(getClass(), "coredns-missing-ready.yaml").stream()
        .filter(o -> !o.getMetadata().getName().startsWith("kube-proxy"))
        .toList();
    Pod kubeProxy = scenario.store().get(Pod.class, "kube-system/kube-proxy-8wz6c").orElseThrow();

    assertThat(dns).hasSize(7)
        .allSatisfy(o -> assertThat(rule.subjectsAffectedBy(o, scenario.store())).containsExactly(CorednsNotReady.ID));
    assertThat(List.of(
        kubeProxy,
        warningAbout(kubeProxy),
        new EventBuilder(warningAbout(dnsPod(scenario))).withType("Normal").build(),
        new ConfigMapBuilder().withNewMetadata().withNamespace("kube-system").withName("kube-proxy").endMetadata().build(),
        new ServiceBuilder().withNewMetadata().withNamespace("default").withName("kubernetes").endMetadata().build()))
        .allSatisfy(o -> assertThat(rule.subjectsAffectedBy(o, scenario.store())).isEmpty());
    assertThat(Scenario.objects(getClass(), "offline-shop-namespace.yaml"))
        .allSatisfy(o -> assertThat(rule.subjectsAffectedBy(o, scenario.store())).isEmpty());
  }

  @Test
  void objectsWithoutStatusSpecOrDataAreReadWithoutFailing() {
    Pod bare = new PodBuilder().withNewMetadata().withNamespace("kube-system").withName("coredns-bare")
        .addToLabels("k8s-app", "kube-dns").endMetadata().build();
    Scenario scenario = Scenario.of(rule, NOW)
        .apply(bare)
        .apply(new ServiceBuilder().withNewMetadata().withNamespace("kube-system").withName("kube-dns").endMetadata()
            .build())
        .apply(new ConfigMapBuilder().withNewMetadata().withNamespace("kube-system").withName("coredns").endMetadata()
            .build())
        .apply(new EndpointsBuilder().withNewMetadata().withNamespace("kube-system").withName("kube-dns")
            .endMetadata().build());

    assertThat(scenario.single().cause()).contains("lists no address", "coredns-bare (no status)");

    scenario.delete(bare).apply(new DeploymentBuilder().withNewMetadata().withNamespace("kube-system")
        .withName("coredns").endMetadata().build());

    assertThat(scenario.single().cause()).contains("Deployment kube-system/coredns wants 1 replica(s)");
  }

  private Scenario load(String fixture) {
    return Scenario.of(rule, NOW).load(getClass(), fixture);
  }

  private static Pod dnsPod(Scenario scenario) {
    return scenario.store().get(Pod.class, "kube-system/" + POD_A).orElseThrow();
  }

  private static ConfigMap withReadyPlugin(ConfigMap configMap) {
    String corefile = configMap.getData().get("Corefile").replace("    errors\n", "    errors\n    ready # :8181\n");
    return new ConfigMapBuilder(configMap).addToData("Corefile", corefile).build();
  }

  private static Pod ready(Pod pod) {
    return new PodBuilder(pod).editStatus()
        .editMatchingCondition(c -> "Ready".equals(c.getType())).withStatus("True").withReason(null)
        .withMessage(null).endCondition()
        .editFirstContainerStatus().withReady(true).endContainerStatus()
        .endStatus().build();
  }

  private static Endpoints allNotReady(Endpoints endpoints) {
    EndpointSubset subset = endpoints.getSubsets().get(0);
    return new EndpointsBuilder(endpoints).withSubsets(new EndpointSubsetBuilder(subset)
        .withAddresses().withNotReadyAddresses(subset.getAddresses()).build()).build();
  }

  private static Endpoints allReady(Endpoints endpoints) {
    EndpointSubset subset = endpoints.getSubsets().get(0);
    return new EndpointsBuilder(endpoints).withSubsets(new EndpointSubsetBuilder(subset)
        .withAddresses(subset.getNotReadyAddresses()).withNotReadyAddresses().build()).build();
  }

  private static Event warningAbout(Pod pod) {
    return new EventBuilder().withNewMetadata().withNamespace("kube-system")
        .withName(pod.getMetadata().getName() + ".1879a3c2d4e5f601").endMetadata()
        .withType("Warning").withReason("BackOff").withMessage("Back-off restarting failed container")
        .withNewInvolvedObject().withKind("Pod").withNamespace("kube-system").withName(pod.getMetadata().getName())
        .withUid(pod.getMetadata().getUid()).endInvolvedObject()
        .build();
  }
}
