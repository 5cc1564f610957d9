package io.clusterdoc.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.api.v1alpha1.StatusFinding;
import io.clusterdoc.benchmark.SyntheticCluster;
import io.clusterdoc.operator.FaultyApiServer.Fault;
import io.clusterdoc.rules.RuleCatalog;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real operator against an API server that fails in every way {@link FaultyApiServer} knows, many times
 * over, while the cluster changes underneath. After each fault the ClusterDiagnosis status must come back to the
 * truth within a bounded time: every failing object reported once, nothing reported about an object that is
 * fixed or gone (even when it went while the operator could not watch), and readiness back to true. At the end,
 * each finding that appeared was announced by exactly one Event, and each one that resolved by exactly one.
 */
class FaultInjectionTest {
  /** Eight rounds of each kind of fault. */
  private static final int ROUNDS = 64;
  private static final Duration CONVERGENCE = Duration.ofSeconds(30);
  private static final Duration SLOW_ANSWER = Duration.ofMillis(1500);
  private static final Duration WATCH_OUTAGE = Duration.ofMillis(1500);
  /** Longer than the watch outage: the informers' lists, after the 410, fail for a while too. */
  private static final Duration LIST_OUTAGE = Duration.ofSeconds(3);
  private static final Set<String> MODELLED_RULES = Set.of("node-pressure", "pod-crash-looping");

  private final SyntheticCluster synthetic = new SyntheticCluster(200, 40);
  private final Random random = new Random(20261123);
  private final FaultyApiServer server = new FaultyApiServer();
  private final KubernetesClient admin = server.adminClient();
  private final KubernetesClient operatorClient = server.operatorClient();
  private final TestCluster cluster = new TestCluster(admin);
  private final Truth truth = new Truth();
  private DiagnosisOperator operator;

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    operatorClient.close();
    admin.close();
    server.close();
  }

  @Test
  void findingsEventsAndReadinessRecoverFromEveryFault() {
    cluster.withCrd();
    for (int i = 0; i < 6; i++) {
      truth.createNode(i < 2);
    }
    for (int i = 0; i < 10; i++) {
      truth.createPod(i < 3);
    }
    operator = new DiagnosisOperator(operatorClient, TestCluster.fastSettings().toBuilder()
        .events(100_000, 100_000).build(), RuleCatalog.all(), Clock.systemUTC());
    operator.start();
    cluster.createDiagnosis("cluster", new ClusterDiagnosisSpec());
    awaitConvergence();

    List<Fault> schedule = List.of(Fault.WATCH_CLOSED, Fault.HISTORY_EXPIRED, Fault.CONFLICT, Fault.SERVER_ERROR,
        Fault.SLOW, Fault.WATCH_REFUSED, Fault.WATCH_GARBLED, Fault.RESTARTED);
    long slowest = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Fault fault = schedule.get(round % schedule.size());
      long started = System.nanoTime();
      System.out.println("fault injection: round " + round + ": " + fault + ", " + inject(fault));
      awaitConvergence();
      slowest = Math.max(slowest, System.nanoTime() - started);
    }

    Map<Fault, Integer> injected = server.injected();
    System.out.printf("fault injection: %d rounds, faults %s, slowest convergence %d ms%n", ROUNDS, injected,
        slowest / 1_000_000);
    assertThat(injected.keySet()).containsExactlyInAnyOrder(Fault.values());
    assertThat(injected).as("every kind of fault hit the operator at least once per round of it")
        .allSatisfy((fault, times) -> assertThat(times).isGreaterThanOrEqualTo(ROUNDS / schedule.size()));
    await().atMost(CONVERGENCE).untilAsserted(() -> assertThat(findingEvents()).isEqualTo(truth.expectedEvents));
    assertThat(appearedMinusResolved()).as("per object and rule: never announced twice without a resolve between")
        .allSatisfy((key, open) -> assertThat(open).isBetween(0L, 1L));
  }

  /** Injects one fault and, while it lasts, changes the cluster once; returns what changed. */
  private String inject(Fault fault) {
    return switch (fault) {
      case WATCH_CLOSED -> {
        server.closeWatches();
        yield truth.change();
      }
      case HISTORY_EXPIRED -> {
        server.refuse(Fault.WATCH_REFUSED, FaultyApiServer::isWatch, WATCH_OUTAGE);
        server.refuse(Fault.LIST_REFUSED, FaultyApiServer::isList, LIST_OUTAGE);
        server.closeWatches();
        String change = truth.change();
        server.expireHistory();
        yield change;
      }
      case CONFLICT -> {
        server.failNext(fault, FaultyApiServer::isStatusWrite, 2, HttpURLConnection.HTTP_CONFLICT);
        yield truth.change();
      }
      case SERVER_ERROR -> {
        server.failNext(fault, Predicate.not(FaultyApiServer::isWatch), 3, HttpURLConnection.HTTP_INTERNAL_ERROR);
        yield truth.change();
      }
      case SLOW -> {
        server.delayNext(Predicate.not(FaultyApiServer::isWatch), 4, SLOW_ANSWER);
        yield truth.change();
      }
      case WATCH_REFUSED -> {
        server.refuse(fault, FaultyApiServer::isWatch, WATCH_OUTAGE);
        server.closeWatches();
        yield truth.change();
      }
      case WATCH_GARBLED -> {
        // java-operator-sdk stops the process on an unreadable event of its own ClusterDiagnosis watch, by design
        // (Kubernetes then restarts it): only the informers of the watched kinds get one here.
        server.garbleWatches(request -> !request.getPath().startsWith("/apis/clusterdoc.io/"));
        yield truth.change();
      }
      case RESTARTED -> restart();
      case LIST_REFUSED -> throw new IllegalArgumentException("lists are refused within HISTORY_EXPIRED rounds");
    };
  }

  /** The API server goes away, the cluster changes meanwhile, and it comes back without the watch history. */
  private String restart() {
    server.stop();
    String change = truth.change();
    await().atMost(CONVERGENCE).until(() -> readyz().statusCode() == HttpURLConnection.HTTP_UNAVAILABLE);
    server.expireHistory();
    server.start();
    return change;
  }

  /** The status shows exactly the truth, and the operator is ready again. */
  private void awaitConvergence() {
    await().atMost(CONVERGENCE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      List<StatusFinding> findings = cluster.findings("cluster");
      assertThat(findings).extracting(f -> f.getRule() + " " + f.getObject().getUid()).doesNotHaveDuplicates();
      assertThat(findings.stream().filter(f -> MODELLED_RULES.contains(f.getRule()))
          .map(f -> f.getRule() + " " + f.getObject().getUid()).collect(Collectors.toSet()))
          .isEqualTo(truth.expectedFindings());
      assertThat(findings.stream().filter(f -> Set.of("Node", "Pod").contains(f.getObject().getKind()))
          .map(f -> f.getObject().getUid())).as("no finding about an object that is gone")
          .allMatch(truth.uids()::contains);
    });
    await().atMost(CONVERGENCE).untilAsserted(() -> {
      HttpResponse<String> ready = readyz();
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(HttpURLConnection.HTTP_OK);
    });
  }

  /** Events about the modelled rules, counted by object uid and reason. */
  private Map<String, Long> findingEvents() {
    return events().filter(e -> truth.reasons().contains(e.getReason()))
        .collect(Collectors.groupingBy(e -> e.getInvolvedObject().getUid() + " " + e.getReason(),
            Collectors.counting()));
  }

  /** For every object and rule: Events saying the finding appeared, less those saying it resolved. */
  private Map<String, Long> appearedMinusResolved() {
    return events().collect(Collectors.groupingBy(
        e -> e.getInvolvedObject().getUid() + " " + e.getReason().replaceFirst("Resolved$", ""),
        Collectors.summingLong(e -> e.getReason().endsWith("Resolved") ? -1 : 1)));
  }

  private Stream<Event> events() {
    return admin.v1().events().inAnyNamespace().list().getItems().stream();
  }

  private HttpResponse<String> readyz() throws IOException, InterruptedException {
    return OperatorPort.get(operator, "/readyz");
  }


  /**
   * What the cluster holds, changed through the admin port: nodes that are or are not under disk pressure, pods
   * that are or are not crash looping. Keeps the findings and the Events that a correct operator produces.
   */
  private final class Truth {
    private final Map<String, Live> live = new HashMap<>();
    private final Map<String, Long> expectedEvents = new HashMap<>();
    private int nextNode;
    private int nextPod;

    /** An object of the cluster, the synthetic index it was made from, and whether its rule should report it. */
    private record Live(HasMetadata object, int index, String rule, boolean failing) {
      String uid() {
        return object.getMetadata().getUid();
      }
    }

    String createNode(boolean pressured) {
      return add(synthetic.node(nextNode), nextNode++, "node-pressure", pressured);
    }

    String createPod(boolean crashLooping) {
      return add(synthetic.healthyPod(nextPod), nextPod++, "pod-crash-looping", crashLooping);
    }

    /** One random change: an object turns failing or healthy, goes away, or a new one comes; says which. */
    String change() {
      List<String> keys = new ArrayList<>(live.keySet());
      keys.sort(null);
      String chosen = keys.get(random.nextInt(keys.size()));
      int dice = random.nextInt(10);
      if (dice < 5) {
        toggle(chosen);
        return "toggled " + chosen;
      }
      if (dice < 7 && keys.size() > 4) {
        Live gone = live.remove(chosen);
        admin.resource(gone.object()).withGracePeriod(0).delete();
        announce(gone, false);
        return "deleted " + chosen;
      }
      return "created " + (random.nextBoolean() ? createNode(random.nextBoolean()) : createPod(random.nextBoolean()));
    }

    Set<String> expectedFindings() {
      return live.values().stream().filter(Live::failing).map(l -> l.rule() + " " + l.uid())
          .collect(Collectors.toSet());
    }

    Set<String> uids() {
      return live.values().stream().map(Live::uid).collect(Collectors.toSet());
    }

    Set<String> reasons() {
      return MODELLED_RULES.stream().flatMap(rule -> Stream.of(FindingEvents.reason(rule),
          FindingEvents.reason(rule) + "Resolved")).collect(Collectors.toSet());
    }

    /** Creates the object, which the API server gives a uid of its own; returns its key. */
    private String add(HasMetadata object, int index, String rule, boolean failing) {
      object.getMetadata().setUid(null);
      object.getMetadata().setResourceVersion(null);
      HasMetadata created = admin.resource(inState(new Live(object, index, rule, false), failing)).create();
      live.put(key(created), new Live(created, index, rule, failing));
      announce(new Live(created, index, rule, false), failing);
      return key(created);
    }

    private void toggle(String key) {
      Live before = live.get(key);
      Live current = new Live(admin.resource(before.object()).get(), before.index(), before.rule(), before.failing());
      HasMetadata updated = admin.resource(inState(current, !before.failing())).update();
      live.put(key, new Live(updated, before.index(), before.rule(), !before.failing()));
      announce(before, !before.failing());
    }

    /** The Event a change of the object from its state to {@code failing} must bring, if any. */
    private void announce(Live before, boolean failing) {
      if (before.failing() != failing) {
        String reason = FindingEvents.reason(before.rule()) + (failing ? "" : "Resolved");
        expectedEvents.merge(before.uid() + " " + reason, 1L, Long::sum);
      }
    }

    /** The object with its status set to failing or healthy. */
    private HasMetadata inState(Live object, boolean failing) {
      if (object.object() instanceof Node node) {
        pressure(node, failing);
        return node;
      }
      Pod pod = (Pod) object.object();
      Pod state = failing ? synthetic.crashLoopingPod(object.index()) : synthetic.healthyPod(object.index());
      pod.setStatus(state.getStatus());
      return pod;
    }

    private static void pressure(Node node, boolean pressured) {
      List<NodeCondition> conditions = new ArrayList<>(node.getStatus().getConditions());
      conditions.removeIf(c -> "DiskPressure".equals(c.getType()));
      conditions.add(new NodeConditionBuilder().withType("DiskPressure")
          .withStatus(pressured ? "True" : "False")
          .withReason(pressured ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure")
          .withMessage(pressured ? "kubelet has disk pressure" : "kubelet has no disk pressure").build());
      node.getStatus().setConditions(conditions);
    }

    private static String key(HasMetadata object) {
      return object.getKind() + "/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }
  }
}
