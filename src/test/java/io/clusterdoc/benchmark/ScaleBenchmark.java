package io.clusterdoc.benchmark;

import ch.qos.logback.classic.Level;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.cluster.ObjectStore;
import io.clusterdoc.engine.Engine;
import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.RuleMonitor;
import io.clusterdoc.rules.RuleCatalog;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ObjectName;
import org.slf4j.LoggerFactory;

/**
 * Measures clusterdoc at scale on a synthetic cluster and prints one table line per figure, with its target: heap
 * per cached pod (pruned by {@link ObjectStore#put} vs unpruned fabric8 Pods), heap after the whole store, the full
 * pass of every rule, the engine's cost per pod update against the cost of deserialising that pod, and the operator's
 * detection latency against the fabric8 mock API server. Run through {@code bench/run}; single-threaded like the
 * engine, so the number of cores matters little except to the garbage collector.
 */
public final class ScaleBenchmark {
  /** The lines of the table, in order; the smoke test checks each has a number. */
  public static final List<String> FIGURES = List.of(
      "memory.pruned_per_pod", "memory.unpruned_per_pod", "memory.unpruned_to_pruned", "memory.store_retained",
      "memory.heap_after_store", "full_pass.median", "incremental.engine_per_update", "incremental.store_put_per_update",
      "incremental.deserialise_per_pod", "incremental.engine_to_deserialise", "latency.pods", "latency.setup",
      "latency.updates", "latency.status_window", "latency.p50", "latency.p95", "latency.p99", "latency.max",
      "latency.pod_event_p50", "latency.pod_event_p99", "latency.operator_p50", "latency.operator_p99", "latency.missed");

  /** Command-line options; see {@code bench/run}. */
  public record Options(int pods, int nodes, int sample, int passes, int updates, int latencyPods, int latencyUpdates,
      int latencyRate, Duration statusInterval, boolean skipLatency, boolean histogram) {

    static Options parse(String... args) {
      int pods = 150_000;
      int nodes = 5_000;
      int sample = 10_000;
      int passes = 5;
      int updates = 2_000;
      int latencyPods = 10_000;
      int latencyUpdates = 1_000;
      int rate = 100;
      long windowMs = 100;
      boolean skipLatency = false;
      boolean histogram = false;
      for (int k = 0; k < args.length; k++) {
        String arg = args[k];
        switch (arg) {
          case "--pods" -> pods = Integer.parseInt(args[++k]);
          case "--nodes" -> nodes = Integer.parseInt(args[++k]);
          case "--sample" -> sample = Integer.parseInt(args[++k]);
          case "--passes" -> passes = Integer.parseInt(args[++k]);
          case "--updates" -> updates = Integer.parseInt(args[++k]);
          case "--latency-pods" -> latencyPods = Integer.parseInt(args[++k]);
          case "--latency-updates" -> latencyUpdates = Integer.parseInt(args[++k]);
          case "--latency-rate" -> rate = Integer.parseInt(args[++k]);
          case "--status-interval" -> windowMs = Long.parseLong(args[++k].replace("ms", ""));
          case "--skip-latency" -> skipLatency = true;
          case "--histogram" -> histogram = true;
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      return new Options(pods, nodes, Math.min(sample, pods), passes, Math.min(updates, pods / 2 + 1), latencyPods,
          latencyUpdates, rate, Duration.ofMillis(windowMs), skipLatency, histogram);
    }
  }

  /** One line of the table. */
  public record Line(String figure, String description, String value, String target) {
  }

  private final Options options;
  private final PrintStream log;
  private final List<Line> lines = new ArrayList<>();

  private ScaleBenchmark(Options options, PrintStream log) {
    this.options = options;
    this.log = log;
  }

  public static void main(String[] args) {
    Options options = Options.parse(args);
    List<Line> table = run(options, System.err);
    System.out.println(table(table, options));
  }

  /** Runs every measurement; progress goes to {@code log}. */
  public static List<Line> run(Options options, PrintStream log) {
    ch.qos.logback.classic.Logger clusterdoc = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.clusterdoc");
    Level level = clusterdoc.getLevel();
    clusterdoc.setLevel(Level.INFO);
    try {
      ScaleBenchmark benchmark = new ScaleBenchmark(options, log);
      benchmark.measure();
      return List.copyOf(benchmark.lines);
    } finally {
      clusterdoc.setLevel(level);
    }
  }

  /** The table as Markdown: figure, value, target. */
  public static String table(List<Line> lines, Options options) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "clusterdoc scale benchmark: %,d pods, %,d nodes; %d cores, max heap %d MiB, "
            + "Java %s%n%n", options.pods(), options.nodes(), Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version")));
    out.append("| figure | what | value | target |\n|---|---|---|---|\n");
    lines.forEach(l -> out.append("| ").append(l.figure()).append(" | ").append(l.description()).append(" | ")
        .append(l.value()).append(" | ").append(l.target()).append(" |\n"));
    return out.toString();
  }

  private void measure() {
    SyntheticCluster cluster = new SyntheticCluster(options.pods(), options.nodes());
    log.printf("synthetic cluster: %,d pods, %,d nodes, %,d namespaces, %,d deployments; pod JSON %,d bytes%n",
        cluster.pods(), cluster.nodes(), cluster.namespaces(), cluster.deployments(), cluster.podJson(0).length());
    perPodMemory(cluster);
    ObjectStore store = fullStore(cluster);
    if (store != null) {
      RuleTimes times = new RuleTimes();
      Engine engine = new Engine(store, RuleCatalog.all(), EngineConfig.DEFAULT, Clock.systemUTC(),
          Engine.Listener.NONE, times);
      fullPass(engine, times);
      incremental(cluster, store, engine, times);
      Reference.reachabilityFence(store);
      store = null;
    } else {
      for (String figure : FIGURES.subList(FIGURES.indexOf("full_pass.median"), FIGURES.indexOf("latency.pods"))) {
        add(figure, "not measured: the store did not fit in the heap", "n/a", "");
      }
    }
    if (options.skipLatency()) {
      for (String figure : FIGURES.subList(FIGURES.indexOf("latency.pods"), FIGURES.size())) {
        add(figure, "skipped (--skip-latency)", "n/a", "");
      }
    } else {
      OperatorLatency.Result r = OperatorLatency.run(new SyntheticCluster(options.latencyPods(),
              Math.max(1, options.latencyPods() / 30)), options.latencyUpdates(), options.latencyRate(),
          options.statusInterval(), log);
      add("latency.pods", "pods in the mock API server (CRUD), nodes at 30 pods each", String.format(Locale.ROOT,
          "%,d pods, %,d nodes", r.pods(), r.nodes()), "10,000 pods");
      add("latency.setup", "time to create them through the API and for the operator to sync and write status",
          seconds(r.setupNanos()), "");
      add("latency.updates", "pod updates to CrashLoopBackOff (each reverted once detected)", String.format(Locale.ROOT,
          "%,d at %.0f/s achieved (median write %.0f ms)", r.updates(), r.achievedRate(), r.writeNanos() / 1e6),
          options.latencyRate() + "/s");
      add("latency.status_window", "status coalescing window (--status-interval), included in the latencies below",
          options.statusInterval().toMillis() + " ms", "");
      add("latency.p50", "API write to finding in ClusterDiagnosis status, median", millis(r.percentile(50)), "");
      add("latency.p95", "API write to finding in status, 95th percentile", millis(r.percentile(95)), "");
      add("latency.p99", "API write to finding in status, 99th percentile", millis(r.percentile(99)),
          "< 1000 ms + window");
      add("latency.max", "API write to finding in status, maximum", millis(r.percentile(100)), "");
      add("latency.pod_event_p50", "API write to the pod's event at a watch on pods (the mock server's delivery, "
          + "before the operator can see the change), median", millis(r.podEventPercentile(50)), "");
      add("latency.pod_event_p99", "the same, 99th percentile", millis(r.podEventPercentile(99)), "");
      add("latency.operator_p50", String.format(Locale.ROOT, "the operator's own clusterdoc_detection_latency_seconds "
          + "(informer event to status, window included) over the updates, %.0f detections: median at or below",
          r.operator().count()), bound(r.operator().upperBound(50)), "");
      add("latency.operator_p99", "the same histogram, 99th percentile at or below (bucket bound)",
          bound(r.operator().upperBound(99)), "");
      add("latency.missed", "updates whose finding did not appear within 60 s", Integer.toString(r.missed()), "0");
    }
  }

  private void perPodMemory(SyntheticCluster cluster) {
    int sample = options.sample();
    long before = usedHeapAfterGc();
    ObjectStore pruned = new ObjectStore();
    for (int i = 0; i < sample; i++) {
      pruned.put(cluster.pod(i));
    }
    long prunedBytes = usedHeapAfterGc() - before;
    Reference.reachabilityFence(pruned);
    pruned = null;

    before = usedHeapAfterGc();
    List<Pod> unpruned = new ArrayList<>(sample);
    for (int i = 0; i < sample; i++) {
      unpruned.add(cluster.pod(i));
    }
    long unprunedBytes = usedHeapAfterGc() - before;
    Reference.reachabilityFence(unpruned);
    unpruned = null;

    double prunedPerPod = (double) prunedBytes / sample;
    double unprunedPerPod = (double) unprunedBytes / sample;
    log.printf("per pod over %,d pods: pruned %,.0f B, unpruned %,.0f B%n", sample, prunedPerPod, unprunedPerPod);
    add("memory.pruned_per_pod", String.format(Locale.ROOT, "retained heap per pod in ObjectStore (pruned, indexed), "
        + "%,d pods", sample), kib(prunedPerPod) + "/pod", "<= 2 KiB/pod");
    add("memory.unpruned_per_pod", String.format(Locale.ROOT, "retained heap per unpruned fabric8 Pod in a list, "
        + "same %,d pods", sample), kib(unprunedPerPod) + "/pod", "");
    add("memory.unpruned_to_pruned", "unpruned / pruned", String.format(Locale.ROOT, "%.1fx",
        unprunedPerPod / prunedPerPod), ">= 10x");
  }

  private ObjectStore fullStore(SyntheticCluster cluster) {
    long before = usedHeapAfterGc();
    ObjectStore store = new ObjectStore();
    long started = System.nanoTime();
    try {
      cluster.forEachObject(store::put);
    } catch (OutOfMemoryError e) {
      Map<Kind, Integer> reached = store.sizes();
      store = null;
      String reason = String.format(Locale.ROOT, "OutOfMemoryError with %,d pods stored (max heap %d MiB)",
          reached.getOrDefault(Kind.POD, 0), Runtime.getRuntime().maxMemory() >> 20);
      log.println("full store: " + reason);
      add("memory.store_retained", "heap retained by the whole ObjectStore", "n/a: " + reason, "");
      add("memory.heap_after_store", "used heap after GC with the store held", "n/a: " + reason,
          "< 512 MiB at 150,000 pods / 5,000 nodes");
      return null;
    }
    long filled = System.nanoTime() - started;
    long after = usedHeapAfterGc();
    Map<Kind, Integer> sizes = store.sizes();
    log.printf("full store filled in %s: %s%n", seconds(filled), sizes);
    add("memory.store_retained", String.format(Locale.ROOT, "heap retained by the whole ObjectStore (%,d objects: "
        + "%,d pods, %,d nodes, %,d namespaces, %,d Services + Endpoints)", store.size(), sizes.getOrDefault(Kind.POD, 0),
        sizes.getOrDefault(Kind.NODE, 0), sizes.getOrDefault(Kind.NAMESPACE, 0), sizes.getOrDefault(Kind.SERVICE, 0)),
        mib(after - before), "");
    add("memory.heap_after_store", "used heap after GC with the store held (JVM baseline included)", mib(after),
        "< 512 MiB at 150,000 pods / 5,000 nodes");
    if (options.histogram()) {
      log.println(histogram(30));
    }
    return store;
  }

  private void fullPass(Engine engine, RuleTimes ruleTimes) {
    int rules = RuleCatalog.all().size();
    int warmUp = Math.max(2, options.passes() / 2);
    for (int k = 0; k < warmUp; k++) {
      long t = System.nanoTime();
      engine.fullPass();
      log.printf("full pass warm-up %d: %s (%d findings)%n", k + 1, millis(System.nanoTime() - t),
          engine.findings().size());
    }
    long[] times = new long[options.passes()];
    for (int k = 0; k < times.length; k++) {
      ruleTimes.clear();
      long t = System.nanoTime();
      engine.fullPass();
      times[k] = System.nanoTime() - t;
      log.printf("full pass %d: %s%n", k + 1, millis(times[k]));
    }
    log.println("rule checks in the last full pass (Rule.check only; listing subjects is not timed):");
    log.println(ruleTimes.top(8, 1));
    add("full_pass.median", String.format(Locale.ROOT, "Engine.fullPass, all %d rules, one thread, median of %d after "
        + "%d warm-up (%,d findings)", rules, times.length, warmUp, engine.findings().size()), millis(median(times)),
        "< 2000 ms at 150,000 pods / 5,000 nodes");
  }

  private void incremental(SyntheticCluster cluster, ObjectStore store, Engine engine, RuleTimes ruleTimes) {
    List<Integer> chosen = cluster.healthyPods(options.updates());
    int n = chosen.size();
    Pod[] failing = new Pod[n];
    Pod[] healthy = new Pod[n];
    String[] keys = new String[n];
    String[] json = new String[n];
    for (int k = 0; k < n; k++) {
      int i = chosen.get(k);
      failing[k] = cluster.crashLoopingPod(i);
      healthy[k] = cluster.healthyPod(i);
      keys[k] = Keys.of(healthy[k]);
      json[k] = cluster.podJson(i);
    }
    int rounds = 12;
    int warmUp = 4;
    long[] engineNanos = new long[rounds - warmUp];
    long[] putNanos = new long[rounds - warmUp];
    for (int round = 0; round < rounds; round++) {
      if (round == warmUp) {
        ruleTimes.clear();
      }
      Pod[] next = round % 2 == 0 ? failing : healthy;
      long engineTotal = 0;
      long putTotal = 0;
      for (int k = 0; k < n; k++) {
        HasMetadata before = store.get(Pod.class, keys[k]).orElse(null);
        long t0 = System.nanoTime();
        store.put(next[k]);
        long t1 = System.nanoTime();
        engine.onChange(before, next[k]);
        long t2 = System.nanoTime();
        putTotal += t1 - t0;
        engineTotal += t2 - t1;
      }
      if (round >= warmUp) {
        engineNanos[round - warmUp] = engineTotal / n;
        putNanos[round - warmUp] = putTotal / n;
      }
    }
    log.println("rule checks per pod update (Rule.check only; mapping the change to subjects is not timed):");
    log.println(ruleTimes.top(8, (long) n * (rounds - warmUp)));
    KubernetesSerialization serialization = new KubernetesSerialization();
    long[] parseNanos = new long[rounds - warmUp];
    long sink = 0;
    // the same number of rounds as the engine had, but the engine had the full passes to warm up before
    for (int round = -warmUp; round < rounds; round++) {
      long t = System.nanoTime();
      for (int k = 0; k < n; k++) {
        sink += serialization.unmarshal(json[k], Pod.class).getMetadata().getName().length();
      }
      if (round >= warmUp) {
        parseNanos[round - warmUp] = (System.nanoTime() - t) / n;
      }
    }
    long engineNs = median(engineNanos);
    long putNs = median(putNanos);
    long parseNs = median(parseNanos);
    log.printf("incremental over %,d pods x %d rounds: engine %,d ns, put %,d ns, deserialise %,d ns (%d)%n", n,
        rounds - warmUp, engineNs, putNs, parseNs, sink % 10);
    add("incremental.engine_per_update", String.format(Locale.ROOT, "Engine.onChange(before, after) per pod status "
        + "change (healthy <-> CrashLoopBackOff), median of %d rounds of %,d", rounds - warmUp, n), micros(engineNs), "");
    add("incremental.store_put_per_update", "ObjectStore.put (pruning, indexes) for the same updates, not in the ratio",
        micros(putNs), "");
    add("incremental.deserialise_per_pod", String.format(Locale.ROOT, "KubernetesSerialization.unmarshal(json, "
        + "Pod.class) of the same pods (%,d bytes each)", json[0].length()), micros(parseNs), "");
    add("incremental.engine_to_deserialise", "engine / deserialise", String.format(Locale.ROOT, "%.1f%%",
        100.0 * engineNs / parseNs), "<= 10%");
  }

  /** Time spent in each rule's checks, as the engine reports it. */
  static final class RuleTimes implements RuleMonitor {
    private final Map<String, long[]> byRule = new java.util.HashMap<>();

    @Override
    public void evaluated(String ruleId, long nanos) {
      long[] t = byRule.computeIfAbsent(ruleId, r -> new long[2]);
      t[0] += nanos;
      t[1]++;
    }

    void clear() {
      byRule.clear();
    }

    /** The rules that took longest, per {@code per} (one pass, or one update). */
    String top(int count, long per) {
      return byRule.entrySet().stream()
          .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(count)
          .map(e -> String.format(Locale.ROOT, "  %-36s %10.1f us %8.1f checks", e.getKey(),
              e.getValue()[0] / 1e3 / per, (double) e.getValue()[1] / per))
          .collect(java.util.stream.Collectors.joining("\n"));
    }
  }

  /** Used heap once garbage collection no longer changes it: System.gc until two readings 100 ms apart agree. */
  static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long previous = Long.MAX_VALUE;
    for (int k = 0; k < 20; k++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      long used = memory.getHeapMemoryUsage().getUsed();
      if (Math.abs(previous - used) < 64 * 1024) {
        return used;
      }
      previous = used;
    }
    return previous;
  }

  /** The top of the live-object class histogram, as {@code jcmd <pid> GC.class_histogram} prints it. */
  static String histogram(int top) {
    try {
      String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
      return String.join("\n", Arrays.stream(text.split("\n")).limit(top + 2L).toList());
    } catch (Exception e) {
      return "no class histogram: " + e;
    }
  }

  private void add(String figure, String description, String value, String target) {
    if (!FIGURES.contains(figure)) {
      throw new IllegalArgumentException(figure);
    }
    lines.add(new Line(figure, description, value, target));
  }

  static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static String kib(double bytes) {
    return String.format(Locale.ROOT, "%.2f KiB", bytes / 1024);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  private static String bound(double seconds) {
    return Double.isNaN(seconds) ? "n/a: no detections recorded" : Double.isInfinite(seconds) ? "above the largest bucket"
        : String.format(Locale.ROOT, "%.0f ms", seconds * 1000);
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  private static String micros(long nanos) {
    return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
