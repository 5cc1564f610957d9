package io.clusterdoc.benchmark;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosis;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.api.v1alpha1.RuleSettings;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisStatus;
import io.clusterdoc.api.v1alpha1.StatusFinding;
import io.clusterdoc.operator.DiagnosisOperator;
import io.clusterdoc.operator.OperatorSettings;
import io.clusterdoc.rules.pods.PodCrashLooping;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real operator against fabric8's mock API server in CRUD mode: the synthetic cluster is created through the
 * API, the operator lists and watches it, then pods are updated to CrashLoopBackOff at a fixed rate and each update
 * is timed from the moment its write is sent to the first ClusterDiagnosis status (seen through a watch on the CR)
 * that lists its pod-crash-looping finding. Once seen, the pod is written back healthy, so the findings stay far
 * below the status' maxFindings and size budget and every new finding is listed.
 */
final class OperatorLatency {
  static final String DIAGNOSIS = "bench";
  private static final String CRD = "crds/clusterdiagnoses.clusterdoc.io-v1.yml";
  private static final Duration DETECTION_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(10);
  /** Enough concurrent writes that the rate holds while the API server takes a few tens of ms per write. */
  private static final int WRITERS = 8;

  /**
   * @param latencies from each write to the status that lists its finding
   * @param podEvents from each write to its event at a watch on pods, as the operator's informer receives it
   */
  record Result(int pods, int nodes, long setupNanos, int updates, double achievedRate, long writeNanos,
      long[] latencies, long[] podEvents, int missed, Histogram operator) {
    long percentile(int p) {
      return percentile(latencies, p);
    }

    long podEventPercentile(int p) {
      return percentile(podEvents, p);
    }

    private static long percentile(long[] values, int p) {
      if (values.length == 0) {
        return -1;
      }
      long[] sorted = values.clone();
      Arrays.sort(sorted);
      int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
  }

  /** Held so the level set on it is not lost when the logger is collected. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger(
      "io.fabric8.mockwebserver");

  private OperatorLatency() {
  }

  static Result run(SyntheticCluster cluster, int updates, int rate, Duration statusInterval, PrintStream log) {
    // The mock server logs every request at INFO through java.util.logging: thousands of lines a second
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new IndexedCrudDispatcher(), false);
    server.init();
    try (KubernetesClient client = server.createClient()) {
      return run(server, client, cluster, updates, rate, statusInterval, log);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      server.destroy();
    }
  }

  private static Result run(KubernetesMockServer server, KubernetesClient client, SyntheticCluster cluster,
      int updates, int rate, Duration statusInterval, PrintStream log) throws InterruptedException {
    long setupStart = System.nanoTime();
    try (InputStream crd = new FileInputStream(CRD)) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    } catch (IOException e) {
      throw new UncheckedIOException("run from the project's root: " + CRD + " is needed", e);
    }
    create(client, cluster, log);
    ClusterDiagnosis diagnosis = new ClusterDiagnosis();
    diagnosis.setMetadata(new ObjectMetaBuilder().withName(DIAGNOSIS).build());
    ClusterDiagnosisSpec spec = new ClusterDiagnosisSpec();
    spec.setMaxFindings(ClusterDiagnosisSpec.MAX_FINDINGS_LIMIT);
    // The status lists the most severe findings first, within 512 KiB: the 3.5% of failing pods in the mix already
    // fill most of it, so the findings being timed are raised to critical to be listed whatever else is failing.
    RuleSettings rules = new RuleSettings();
    rules.setSeverity(Map.of(PodCrashLooping.ID, "critical"));
    spec.setRules(rules);
    diagnosis.setSpec(spec);
    client.resource(diagnosis).create();

    OperatorSettings settings = OperatorSettings.builder().statusInterval(statusInterval).metrics(0, false)
        .cacheSyncTimeout(SETUP_TIMEOUT).build();
    try (DiagnosisOperator operator = new DiagnosisOperator(client, settings)) {
      operator.start();
      awaitFirstStatus(client);
      long setupNanos = System.nanoTime() - setupStart;
      log.printf("latency: %,d pods created and diagnosed in %.1f s%n", cluster.pods(), setupNanos / 1e9);
      Histogram before = Histogram.scrape(operator.metricsPort());
      Result result = updates(client, cluster, updates, rate, setupNanos, log);
      Histogram after = Histogram.scrape(operator.metricsPort());
      return new Result(result.pods(), result.nodes(), result.setupNanos(), result.updates(), result.achievedRate(),
          result.writeNanos(), result.latencies(), result.podEvents(), result.missed(), after.minus(before));
    }
  }

  /** Creates every object of the cluster through the API, on a few threads as a real cluster's writers would. */
  private static void create(KubernetesClient client, SyntheticCluster cluster, PrintStream log)
      throws InterruptedException {
    ExecutorService writers = Executors.newFixedThreadPool(4);
    List<Future<?>> pending = new ArrayList<>();
    AtomicInteger created = new AtomicInteger();
    long start = System.nanoTime();
    cluster.forEachObject(object -> pending.add(writers.submit(() -> {
      object.getMetadata().setResourceVersion(null);
      client.resource(object).create();
      int n = created.incrementAndGet();
      if (n % 5_000 == 0) {
        log.printf("latency: %,d objects created (%.1f s)%n", n, (System.nanoTime() - start) / 1e9);
      }
    })));
    writers.shutdown();
    if (!writers.awaitTermination(SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      writers.shutdownNow();
      throw new IllegalStateException("the mock API server did not take " + cluster.pods() + " pods within "
          + SETUP_TIMEOUT);
    }
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("creating the cluster failed", e.getCause());
      }
    }
  }

  private static void awaitFirstStatus(KubernetesClient client) throws InterruptedException {
    long deadline = System.nanoTime() + SETUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      ClusterDiagnosis d = client.resources(ClusterDiagnosis.class).withName(DIAGNOSIS).get();
      ClusterDiagnosisStatus status = d == null ? null : d.getStatus();
      if (status != null && status.getSummary() != null) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the operator wrote no status within " + SETUP_TIMEOUT);
  }

  private static Result updates(KubernetesClient client, SyntheticCluster cluster, int updates, int rate,
      long setupNanos, PrintStream log) throws InterruptedException {
    List<Integer> chosen = cluster.healthyPods(updates);
    int n = chosen.size();
    List<Pod> failing = new ArrayList<>(n);
    Map<String, Pod> healthy = new ConcurrentHashMap<>();
    for (int i : chosen) {
      Pod pod = cluster.crashLoopingPod(i);
      pod.getMetadata().setResourceVersion(null);
      failing.add(pod);
      Pod back = cluster.healthyPod(i);
      back.getMetadata().setResourceVersion(null);
      healthy.put(pod.getMetadata().getName(), back);
    }
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Queue<Long> latencies = new ConcurrentLinkedQueue<>();
    Queue<Long> writes = new ConcurrentLinkedQueue<>();
    ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
    Watch watch = client.resources(ClusterDiagnosis.class).withName(DIAGNOSIS).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ClusterDiagnosis resource) {
        long now = System.nanoTime();
        ClusterDiagnosisStatus status = resource.getStatus();
        if (status == null || status.getFindings() == null) {
          return;
        }
        for (StatusFinding f : status.getFindings()) {
          if (PodCrashLooping.ID.equals(f.getRule()) && f.getObject() != null) {
            Long sent = sentAt.remove(f.getObject().getName());
            if (sent != null) {
              latencies.add(now - sent);
              Pod back = healthy.get(f.getObject().getName());
              writers.submit(() -> writeStatus(client, back));
            }
          }
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        log.println("latency: watch on the diagnosis closed: " + cause);
      }
    });
    Queue<Long> podEvents = new ConcurrentLinkedQueue<>();
    Watch podWatch = watchPodEvents(client, sentAt, podEvents);
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger next = new AtomicInteger();
    long periodNanos = 1_000_000_000L / rate;
    long start = System.nanoTime();
    AtomicLong lastSent = new AtomicLong(start);
    ScheduledFuture<?> ticks = clock.scheduleAtFixedRate(() -> {
      int k = next.getAndIncrement();
      if (k >= n) {
        return;
      }
      writers.submit(() -> {
        Pod pod = failing.get(k);
        long sent = System.nanoTime();
        sentAt.put(pod.getMetadata().getName(), sent);
        writeStatus(client, pod);
        writes.add(System.nanoTime() - sent);
        lastSent.accumulateAndGet(System.nanoTime(), Math::max);
      });
    }, 0, periodNanos, TimeUnit.NANOSECONDS);
    while (next.get() < n) {
      Thread.sleep(50);
    }
    ticks.cancel(false);
    clock.shutdown();
    long deadline = System.nanoTime() + DETECTION_TIMEOUT.toNanos();
    while ((latencies.size() < n) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    double achieved = n / Math.max(1e-9, (lastSent.get() - start) / 1e9);
    watch.close();
    podWatch.close();
    writers.shutdown();
    writers.awaitTermination(30, TimeUnit.SECONDS);
    long[] values = latencies.stream().mapToLong(Long::longValue).toArray();
    log.printf("latency: %,d updates, %,d detected, %,d missed%n", n, values.length, n - values.length);
    long[] writeTimes = writes.stream().mapToLong(Long::longValue).sorted().toArray();
    long writeMedian = writeTimes.length == 0 ? 0 : writeTimes[writeTimes.length / 2];
    return new Result(cluster.pods(), cluster.nodes(), setupNanos, n, achieved, writeMedian, values,
        podEvents.stream().mapToLong(Long::longValue).toArray(), n - values.length, null);
  }

  /**
   * Times each update's first event at a watch on all pods, as the operator's pod informer watches them: how long
   * the API server takes to deliver a change, before the operator can see it.
   */
  private static Watch watchPodEvents(KubernetesClient client, Map<String, Long> sentAt, Queue<Long> podEvents) {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    return client.pods().inAnyNamespace().watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        long now = System.nanoTime();
        Long sent = sentAt.get(pod.getMetadata().getName());
        if (sent != null && seen.add(pod.getMetadata().getName())) {
          podEvents.add(now - sent);
        }
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    });
  }

  /**
   * One request, as the kubelet reports a pod's status: a patch that replaces the status whole (a merge patch
   * would keep the waiting state of a container that runs again, and the pod would never look healthy).
   */
  private static void writeStatus(KubernetesClient client, Pod pod) {
    String status = client.getKubernetesSerialization().asJson(
        List.of(Map.of("op", "replace", "path", "/status", "value", pod.getStatus())));
    client.resource(pod).patch(PatchContext.of(PatchType.JSON), status);
  }

  /**
   * The operator's own clusterdoc_detection_latency_seconds histogram (from the informer's event to the status that
   * shows the finding, coalescing window included), read from its /metrics: cumulative count per bucket bound.
   */
  record Histogram(java.util.SortedMap<Double, Double> buckets) {
    private static final java.util.regex.Pattern BUCKET = java.util.regex.Pattern.compile(
        "^clusterdoc_detection_latency_seconds_bucket\\{.*le=\"([^\"]+)\".*\\} ([0-9.eE+-]+)$");

    static Histogram scrape(int port) {
      java.util.SortedMap<Double, Double> buckets = new java.util.TreeMap<>();
      try {
        java.net.http.HttpResponse<java.util.stream.Stream<String>> response = java.net.http.HttpClient.newHttpClient()
            .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/metrics"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
        response.body().forEach(line -> {
          java.util.regex.Matcher m = BUCKET.matcher(line);
          if (m.matches()) {
            double le = "+Inf".equals(m.group(1)) ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
            buckets.merge(le, Double.parseDouble(m.group(2)), Double::sum);
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Histogram(buckets);
    }

    Histogram minus(Histogram earlier) {
      java.util.SortedMap<Double, Double> diff = new java.util.TreeMap<>();
      buckets.forEach((le, count) -> diff.put(le, count - earlier.buckets().getOrDefault(le, 0.0)));
      return new Histogram(diff);
    }

    double count() {
      return buckets.isEmpty() ? 0 : buckets.get(buckets.lastKey());
    }

    /** The upper bound of the bucket that holds this percentile, in seconds; NaN when empty. */
    double upperBound(double percentile) {
      double total = count();
      if (total <= 0) {
        return Double.NaN;
      }
      for (java.util.Map.Entry<Double, Double> e : buckets.entrySet()) {
        if (e.getValue() >= percentile / 100 * total) {
          return e.getKey();
        }
      }
      return Double.POSITIVE_INFINITY;
    }
  }
}
