package io.clusterdoc.rules.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ServiceNoEndpointsTest {
  private static final String NOW = "2026-11-20T10:05:00Z";

  private static Scenario loaded() {
    return Scenario.of(new ServiceNoEndpoints(), NOW).load(ServiceNoEndpointsTest.class, "service-no-endpoints.yaml");
  }

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T get(Scenario scenario, Class<T> type,
      String key) {
    return scenario.store().get(type, key).orElseThrow();
  }

  @Test
  void reportsEveryServiceWithASelectorAndNoReadyEndpoint() {
    Scenario scenario = loaded();

    assertThat(scenario.findings()).extracting(f -> f.object().namespace() + "/" + f.object().name())
        .containsExactlyInAnyOrder("orders/orders-api", "orders/ledger", "orders/archive", "orders/orders-webhook",
            "orders/search", "orders/orders-db", "orders/notifications", "kube-system/metrics-server");
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.rule()).isEqualTo("service-no-endpoints");
      assertThat(f.object().kind()).isEqualTo("Service");
      assertThat(f.severity()).isEqualTo(
          "kube-system".equals(f.object().namespace()) ? Severity.CRITICAL : Severity.WARNING);
      assertThat(f.cause()).doesNotEndWith("…");
      assertThat(f.remediation()).doesNotEndWith("…");
    });
  }

  @Test
  void aSelectorThatMatchesNoPodIsNamedWithThePodsThatNearlyMatch() {
    Finding finding = loaded().findingOn("orders-api");

    assertThat(finding.message()).isEqualTo("Service orders/orders-api has no ready endpoint: its selector "
        + "app.kubernetes.io/component=api,app.kubernetes.io/name=orders-api matches no pod in namespace orders.");
    assertThat(finding.cause())
        .contains("Pods with similar labels: orders-api-6b8d9c7f5-4kx2p (app.kubernetes.io/component=backend, not "
            + "api), orders-api-6b8d9c7f5-9wq7t (app.kubernetes.io/component=backend, not api).")
        .contains("Endpoints orders/orders-api lists no address.")
        .contains("connection refused", "\"orders/orders-api:http has no endpoints\"");
    assertThat(finding.remediation())
        .contains("kubectl -n orders get pods --show-labels", "kubectl -n orders edit service orders-api",
            "spec.selector cannot be changed");
    assertThat(finding.related()).extracting(ObjectRef::kind, ObjectRef::name).containsExactly(
        tuple("Endpoints", "orders-api"),
        tuple("Pod", "orders-api-6b8d9c7f5-4kx2p"),
        tuple("Pod", "orders-api-6b8d9c7f5-9wq7t"));
  }

  @Test
  void withASingleLabelSelectorOnlyATypoCountsAsSimilar() {
    Finding finding = loaded().findingOn("ledger");

    assertThat(finding.cause()).contains("Pods with similar labels: ledgr-5f6d7c8b9-qm2xv (app=ledgr, not ledger).")
        .doesNotContain("billing");
  }

  @Test
  void nothingSimilarAndNoEndpointsObjectAreSaid() {
    Finding finding = loaded().findingOn("archive");

    assertThat(finding.cause())
        .contains("No pod in namespace orders misses it by a single label")
        .contains("There is no Endpoints object orders/archive.");
    assertThat(finding.related()).isEmpty();
  }

  @Test
  void podsThatAreNotReadyAreNamedWithWhatTheirStatusSays() {
    Scenario scenario = loaded();
    Finding webhook = scenario.findingOn("orders-webhook");
    Finding metrics = scenario.findingOn("metrics-server");

    assertThat(webhook.message()).isEqualTo("Service orders/orders-webhook has no ready endpoint: its only pod "
        + "orders-webhook-5d7c8b9f4-r2t6n is not Ready.");
    assertThat(webhook.cause())
        .contains("orders-webhook-5d7c8b9f4-r2t6n (Running, not Ready: containers with unready status: [webhook])")
        .contains("Endpoints orders/orders-webhook lists only not-ready addresses: pod "
            + "orders-webhook-5d7c8b9f4-r2t6n (10.244.1.58).");
    assertThat(webhook.remediation())
        .contains("kubectl -n orders describe pod orders-webhook-5d7c8b9f4-r2t6n")
        .contains("kubectl -n orders logs orders-webhook-5d7c8b9f4-r2t6n")
        .contains("Do not remove or loosen the readiness probe");
    assertThat(metrics.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(metrics.cause()).contains("metrics-server-6d94bc8694-vq7xh (Running, not Ready: metrics-server "
        + "CrashLoopBackOff)");
  }

  @Test
  void aHeadlessServiceWhosePodIsPendingHasNoDnsAnswer() {
    Finding finding = loaded().findingOn("orders-db");

    assertThat(finding.message()).contains("its only pod orders-db-0 is not Ready");
    assertThat(finding.cause())
        .contains("orders-db-0 (Pending: 0/3 nodes are available: 1 node(s) had untolerated taint")
        .contains("Its DNS name resolves to no pod address.")
        .doesNotContain("connection refused");
  }

  @Test
  void aNamedTargetPortMissingOnTheReadyPodsIsNamed() {
    Finding finding = loaded().findingOn("search");

    assertThat(finding.message()).isEqualTo("Service orders/search has no ready endpoint: its targetPort \"http\" "
        + "names no container port of its Ready pod search-6c7d8e9f0-hx8lp.");
    assertThat(finding.cause()).contains("by name and protocol", "The pods declare admin (9000/TCP), web (8080/TCP).");
    assertThat(finding.remediation())
        .contains("give the container port the name \"http\"", "set targetPort to the container port number")
        .contains("kubectl -n orders get pods -l app=search -o jsonpath='{..ports}'");
  }

  @Test
  void readyPodsMissingFromTheEndpointsPointAtTheEndpointsController() {
    Finding finding = loaded().findingOn("notifications");

    assertThat(finding.message()).contains("its Ready pod is not listed in its Endpoints");
    assertThat(finding.cause()).contains("notifications-8d9e0f1a2-b7c4d", "kube-controller-manager");
    assertThat(finding.remediation()).contains("kubectl -n kube-system get pods -l component=kube-controller-manager");
  }

  @Test
  void podsThatJustTurnedReadyGiveTheControllerTimeToListThem() {
    Scenario scenario = loaded();
    Pod pod = get(scenario, Pod.class, "orders/notifications-8d9e0f1a2-b7c4d");
    Pod justReady = new PodBuilder(pod).editStatus()
        .editMatchingCondition(c -> "Ready".equals(c.getType())).withLastTransitionTime("2026-11-20T10:04:00Z")
        .endCondition().endStatus().build();
    scenario.apply(justReady);
    Endpoints endpoints = get(scenario, Endpoints.class, "orders/notifications");

    scenario.apply(new EndpointsBuilder(endpoints).editMetadata().withResourceVersion("40000001").endMetadata()
        .build());

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("notifications");
    scenario.advance(Duration.ofMinutes(1));
    assertThat(scenario.findings()).extracting(f -> f.object().name()).contains("notifications");
  }

  @Test
  void aServiceCreatedAMomentAgoIsJudgedOnlyAfterTheThreshold() {
    Scenario scenario = loaded();
    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("checkout");
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-20T10:06:30Z"));

    scenario.advance(Duration.ofMinutes(1));
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).doesNotContain("checkout");

    scenario.advance(Duration.ofSeconds(30));
    assertThat(scenario.findingOn("checkout").message()).contains("its selector app=checkout matches no pod");
    assertThat(scenario.engine().nextRecheck()).isEmpty();
  }

  @Test
  void anEndpointsChangeAloneReEvaluatesTheService() {
    Scenario scenario = loaded();
    Endpoints endpoints = get(scenario, Endpoints.class, "orders/orders-webhook");
    Endpoints ready = new EndpointsBuilder(endpoints).editFirstSubset()
        .withAddresses(endpoints.getSubsets().get(0).getNotReadyAddresses()).withNotReadyAddresses()
        .endSubset().build();

    assertThat(new ServiceNoEndpoints().subjectsAffectedBy(ready, scenario.store()))
        .containsExactly("orders/orders-webhook");
    scenario.apply(ready);

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("orders-webhook");
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("orders-webhook");
  }

  @Test
  void aPodChangeMapsToNoService() {
    Scenario scenario = loaded();
    Pod pod = get(scenario, Pod.class, "orders/orders-webhook-5d7c8b9f4-r2t6n");

    assertThat(new ServiceNoEndpoints().subjectsAffectedBy(pod, scenario.store())).isEmpty();
  }

  @Test
  void fixingTheSelectorResolvesTheFinding() {
    Scenario scenario = loaded();
    Service service = get(scenario, Service.class, "orders/orders-api");
    Endpoints endpoints = get(scenario, Endpoints.class, "orders/orders-api");

    scenario.apply(new ServiceBuilder(service).editSpec().addToSelector("app.kubernetes.io/component", "backend")
        .endSpec().build());
    assertThat(scenario.findingOn("orders-api").message()).contains("its 2 Ready pods are not listed");

    scenario.apply(new EndpointsBuilder(endpoints).addNewSubset().addNewAddress().withIp("10.244.1.52").endAddress()
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().endSubset().build());
    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("orders-api");
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("orders-api");
  }

  @Test
  void readyPodsWithoutEndpointsInViewAreNotAFinding() {
    Scenario scenario = loaded();

    scenario.delete(get(scenario, Endpoints.class, "orders/notifications"));

    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("notifications");
  }

  @Test
  void endpointsThatAreALeaderElectionLockAreLeftAlone() {
    Service service = new ServiceBuilder().withNewMetadata().withNamespace("kube-system").withName("provisioner")
        .withCreationTimestamp("2026-10-01T00:00:00Z").endMetadata()
        .withNewSpec().addToSelector("app", "provisioner").addNewPort().withPort(80).endPort().endSpec().build();
    Endpoints lock = new EndpointsBuilder().withNewMetadata().withNamespace("kube-system").withName("provisioner")
        .addToAnnotations(EndpointsReadiness.LEADER_ANNOTATION, "{\"holderIdentity\":\"provisioner-0\"}")
        .endMetadata().build();

    assertThat(Scenario.of(new ServiceNoEndpoints(), NOW).apply(lock).apply(service).findings()).isEmpty();
  }

  @Test
  void incompleteObjectsAreNeverAnError() {
    Service bare = new ServiceBuilder().withNewMetadata().withNamespace("orders").withName("bare").endMetadata()
        .build();
    Service noPorts = new ServiceBuilder().withNewMetadata().withNamespace("orders").withName("no-ports")
        .endMetadata().withNewSpec().addToSelector("app", "x").endSpec().build();
    Pod statusless = new PodBuilder().withNewMetadata().withNamespace("orders").withName("x-1")
        .addToLabels("app", "x").endMetadata().build();

    Scenario scenario = Scenario.of(new ServiceNoEndpoints(), NOW).apply(statusless).apply(bare).apply(noPorts);

    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactly("no-ports");
    assertThat(scenario.single().cause()).contains("x-1 (Unknown)", "There is no Endpoints object orders/no-ports.");
  }
}
