package io.clusterdoc.remediation.actions;

import static io.clusterdoc.remediation.actions.ActionFixtures.decided;
import static io.clusterdoc.remediation.actions.ActionFixtures.get;
import static io.clusterdoc.remediation.actions.ActionFixtures.replaced;
import static io.clusterdoc.remediation.actions.ActionFixtures.without;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.remediation.Decision;
import io.clusterdoc.remediation.InMemoryReads;
import io.clusterdoc.remediation.Write;
import io.clusterdoc.rules.services.EndpointsPortNameMismatch;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NameEndpointsPortsTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "name-endpoints-ports.yaml";
  /** Service ports http (80 -> 8080) and metrics; Endpoints ports web (8080) and metrics, in two subsets. */
  private static final String LEGACY = "legacy-api";
  /** Service port default (27017); one unnamed Endpoints port 27017. */
  private static final String MONGODB = "mongodb-mst";

  private final NameEndpointsPorts action = new NameEndpointsPorts();
  private final List<HasMetadata> objects = ActionFixtures.objects(getClass(), FIXTURE);

  @Test
  void namesTheBackendPortAfterTheServicePortInEverySubsetAndNothingElse() {
    Decision decision = decideOn(LEGACY, objects);

    assertThat(decision.refused()).isFalse();
    assertThat(decision.writes()).containsExactly(new Write.NameEndpointsPorts(endpoints(LEGACY), List.of(
        new Write.PortName(0, 0, 8080, "TCP", "http"),
        new Write.PortName(1, 1, 8080, "TCP", "http"))));
    assertThat(decision.reason()).isEqualTo("Service port \"http\" (80/TCP) has no Endpoints port of its name, and "
        + "its backend port 8080/TCP is unique in each of the 2 subsets");
  }

  @Test
  void namesAnUnnamedEndpointsPortAfterANamedServicePort() {
    Decision decision = decideOn(MONGODB, objects);

    assertThat(decision.writes()).containsExactly(new Write.NameEndpointsPorts(endpoints(MONGODB), List.of(
        new Write.PortName(0, 0, 27017, "TCP", "default"))));
    assertThat(decision.reason()).isEqualTo("Service port \"default\" (27017/TCP) has no Endpoints port of its name, "
        + "and its backend port 27017/TCP is unique in the one subset");
  }

  @Test
  void theProtocolDefaultsToTcpOnBothSidesAndTheBackendToThePort() {
    Service noProtocol = new ServiceBuilder(service(MONGODB)).editSpec().editFirstPort().withProtocol(null)
        .withTargetPort(null).endPort().endSpec().build();
    Endpoints noEndpointsProtocol = new EndpointsBuilder(endpoints(MONGODB)).editFirstSubset().editFirstPort()
        .withProtocol(null).endPort().endSubset().build();

    Decision decision = decideOn(MONGODB, replaced(replaced(objects, noProtocol), noEndpointsProtocol));

    assertThat(decision.writes()).containsExactly(new Write.NameEndpointsPorts(noEndpointsProtocol, List.of(
        new Write.PortName(0, 0, 27017, "TCP", "default"))));
  }

  @Test
  void refusesWhenTheEndpointsAreGone() {
    Decision decision = decideOn(LEGACY, without(objects, Endpoints.class, LEGACY));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("Endpoints shop/legacy-api are gone");
  }

  /** The planner stops before the action when the Service, the finding's object, is gone; the action checks too. */
  @Test
  void refusesWhenTheServiceIsGone() {
    List<HasMetadata> gone = without(objects, Service.class, LEGACY);

    assertThat(ActionFixtures.plan(action, findingOn(LEGACY), new InMemoryReads(gone), NOW)).isEmpty();
    assertThat(action.decide(findingOn(LEGACY), new InMemoryReads(gone), null, Instant.parse(NOW)).reason())
        .isEqualTo("Service shop/legacy-api is gone");
  }

  @Test
  void refusesForAServiceWithASelector() {
    Decision decision = decideOn("orders", objects);

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("the Service has a selector: the endpoints controller writes these "
        + "Endpoints and would undo the change; name the pods' container ports as the targetPorts do instead");
  }

  @Test
  void refusesForEndpointsLabelledAsManagedByAController() {
    Endpoints managed = new EndpointsBuilder(endpoints(LEGACY)).editMetadata()
        .withLabels(Map.of("endpoints.kubernetes.io/managed-by", "legacy-sync")).endMetadata().build();

    Decision decision = decideOn(LEGACY, replaced(objects, managed));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("the Endpoints are labelled endpoints.kubernetes.io/managed-by="
        + "legacy-sync: that controller writes them and would undo the change");
  }

  @Test
  void refusesForANamedTargetPort() {
    Service named = new ServiceBuilder(service(LEGACY)).editSpec().editFirstPort()
        .withTargetPort(new IntOrString("web")).endPort().endSpec().build();

    Decision decision = decideOn(LEGACY, replaced(objects, named));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("Service port \"http\" (80/TCP) targets the named port \"web\": which "
        + "Endpoints port that is, is ambiguous");
  }

  @Test
  void refusesWhenASubsetHasNoPortOfTheNumber() {
    Endpoints missing = new EndpointsBuilder(endpoints(LEGACY)).editLastSubset().removeMatchingFromPorts(
        port -> port.getPort() == 8080).endSubset().build();

    Decision decision = decideOn(LEGACY, replaced(objects, missing));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("Service port \"http\" (80/TCP): subset 1 of the Endpoints has no port "
        + "8080/TCP");
  }

  @Test
  void aPortOfTheNumberWithAnotherProtocolIsNoCandidate() {
    Endpoints udp = new EndpointsBuilder(endpoints(LEGACY)).editFirstSubset().editFirstPort().withProtocol("UDP")
        .endPort().endSubset().build();

    Decision decision = decideOn(LEGACY, replaced(objects, udp));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("Service port \"http\" (80/TCP): subset 0 of the Endpoints has no port "
        + "8080/TCP");
  }

  @Test
  void refusesWhenASubsetHasTwoPortsOfTheNumber() {
    Endpoints twice = new EndpointsBuilder(endpoints(LEGACY)).editFirstSubset().addToPorts(new EndpointPortBuilder()
        .withName("web-alt").withPort(8080).withProtocol("TCP").build()).endSubset().build();

    Decision decision = decideOn(LEGACY, replaced(objects, twice));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("Service port \"http\" (80/TCP): subset 0 of the Endpoints has 2 ports "
        + "8080/TCP: which one is meant is ambiguous");
  }

  @Test
  void refusesToTakeTheNameAnotherServicePortUses() {
    Service metricsOn8080 = new ServiceBuilder(service(LEGACY)).editSpec().editLastPort()
        .withTargetPort(new IntOrString(8080)).endPort().endSpec().build();
    Endpoints metricsNamedPort = new EndpointsBuilder(endpoints(LEGACY))
        .editFirstSubset().withPorts(new EndpointPortBuilder().withName("metrics").withPort(8080).withProtocol("TCP")
            .build()).endSubset()
        .editLastSubset().withPorts(new EndpointPortBuilder().withName("metrics").withPort(8080).withProtocol("TCP")
            .build()).endSubset()
        .build();

    Decision decision = decideOn(LEGACY, replaced(replaced(objects, metricsOn8080), metricsNamedPort));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("Service port \"http\" (80/TCP): Endpoints port 8080/TCP in subset 0 is "
        + "named \"metrics\", which another Service port uses");
  }

  @Test
  void refusesForAnUnnamedServicePortWithoutUnnamedEndpointsPort() {
    Service unnamed = new ServiceBuilder(service(MONGODB)).editSpec().editFirstPort().withName(null).endPort()
        .endSpec().build();
    Endpoints named = new EndpointsBuilder(endpoints(MONGODB)).editFirstSubset().editFirstPort().withName("mongo")
        .endPort().endSubset().build();

    Decision decision = decideOn(MONGODB, replaced(replaced(objects, unnamed), named));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("Service port <unnamed> (27017/TCP) is unnamed: only an unnamed "
        + "Endpoints port matches it, and naming a port \"\" is no fix");
  }

  @Test
  void refusesWhenTwoServicePortsTargetTheSamePort() {
    Service twoOnOne = new ServiceBuilder(service(LEGACY)).editSpec().addToPorts(new ServicePortBuilder()
        .withName("http-alt").withPort(8080).withProtocol("TCP").withTargetPort(new IntOrString(8080)).build())
        .endSpec().build();

    Decision decision = decideOn(LEGACY, replaced(objects, twoOnOne));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("Service ports \"http\" and \"http-alt\" both target Endpoints port "
        + "8080/TCP: it can take only one name");
  }

  @Test
  void refusesWhenEveryServicePortIsMatchedAlready() {
    Endpoints fixed = new EndpointsBuilder(endpoints(LEGACY))
        .editFirstSubset().editFirstPort().withName("http").endPort().endSubset()
        .editLastSubset().editMatchingPort(port -> port.getPort() == 8080).withName("http").endPort().endSubset()
        .build();

    Decision decision = decideOn(LEGACY, replaced(objects, fixed));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("every Service port already has an Endpoints port of the same name");
  }

  @Test
  void refusesForEndpointsWithoutSubsets() {
    Endpoints empty = new EndpointsBuilder(endpoints(LEGACY)).withSubsets(List.of()).build();

    Decision decision = decideOn(LEGACY, replaced(objects, empty));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("the Endpoints have no subsets: there is no port to name");
  }

  private Decision decideOn(String service, List<HasMetadata> fresh) {
    return decided(ActionFixtures.plan(action, findingOn(service), new InMemoryReads(fresh), NOW));
  }

  private Finding findingOn(String service) {
    return ActionFixtures.finding(new EndpointsPortNameMismatch(), NOW, getClass(), FIXTURE, service);
  }

  private Service service(String name) {
    return get(objects, Service.class, name);
  }

  private Endpoints endpoints(String name) {
    return get(objects, Endpoints.class, name);
  }
}
