package io.clusterdoc.operator;

import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.cluster.ObjectStore;
import io.clusterdoc.engine.Engine;
import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Rule;
import io.clusterdoc.engine.RuleMonitor;
import io.clusterdoc.engine.TrackedFinding;
import io.clusterdoc.rules.RootCauses;
import io.clusterdoc.input.PodLogs;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the object store and the engines (one per ClusterDiagnosis). Informer callbacks,
 * configuration changes, rechecks and full passes are all queued onto it, so neither the store nor the engines
 * need locks; other threads read published {@link Snapshot}s.
 */
final class EvaluationLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluationLoop.class);

  /** The findings of one diagnosis at one moment, safe to share. */
  record Snapshot(long version, List<TrackedFinding> findings) {
  }

  private static final class Diagnosis {
    final EngineConfig config;
    final Engine engine;
    long publishedVersion = -1;

    Diagnosis(EngineConfig config, Engine engine) {
      this.config = config;
      this.engine = engine;
    }
  }

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "clusterdoc-evaluation");
    thread.setDaemon(true);
    return thread;
  });
  /** Every object comes from an informer whose cache (InformerCache) has pruned it. */
  private final ObjectStore store = ObjectStore.ofPrunedObjects();
  private final Map<String, Diagnosis> diagnoses = new HashMap<>();
  private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
  private final List<Runnable> afterSync = new ArrayList<>();
  private final Collection<Rule> rules;
  private final Clock clock;
  private final Function<String, Engine.Listener> listeners;
  private final Consumer<String> findingsChanged;
  private final Supplier<Optional<Set<String>>> existingDiagnoses;
  private final LogFetcher logs;
  private final RuleMonitor monitor;
  private volatile boolean synced;
  /** When the change now being evaluated was received ({@link System#nanoTime()}); read on this thread only. */
  private long changeReceivedAt = System.nanoTime();
  private boolean publishQueued;
  private volatile long lastTick = System.nanoTime();
  private volatile Map<Kind, Integer> cacheSizes = Map.of();

  /**
   * @param listeners the appear/resolve listener for the diagnosis of the given name
   * @param findingsChanged told the name of a diagnosis whose findings changed
   * @param existingDiagnoses the names of the diagnoses that exist, when known
   * @param logs fetches the container logs rules ask for
   * @param monitor told how long each rule evaluation takes, and of each that fails
   */
  EvaluationLoop(Collection<Rule> rules, Clock clock, Function<String, Engine.Listener> listeners,
      Consumer<String> findingsChanged, Supplier<Optional<Set<String>>> existingDiagnoses, LogFetcher logs,
      RuleMonitor monitor) {
    this.rules = rules;
    this.clock = clock;
    this.listeners = listeners;
    this.findingsChanged = findingsChanged;
    this.existingDiagnoses = existingDiagnoses;
    this.logs = logs;
    this.monitor = monitor;
  }

  void start(OperatorSettings settings) {
    long recheck = settings.recheckInterval().toMillis();
    long fullPass = settings.fullPassInterval().toMillis();
    executor.scheduleWithFixedDelay(guarded(this::runDueRechecks), recheck, recheck, TimeUnit.MILLISECONDS);
    executor.scheduleWithFixedDelay(guarded(this::fullPass), fullPass, fullPass, TimeUnit.MILLISECONDS);
  }

  /** An object was added, changed or deleted; pass null for what does not exist. */
  void changed(HasMetadata before, HasMetadata after) {
    submit(() -> {
      HasMetadata previous = after != null ? store.put(after).orElse(null) : store.remove(before).orElse(null);
      if (synced && (previous != null || after != null)) {
        diagnoses.values().forEach(d -> d.engine.onChange(previous, after));
        publishSoon();
      }
      if (after instanceof Pod pod) {
        logs.consider(pod, this::logFetched);
      } else if (before instanceof Pod pod && after == null) {
        logs.forget(pod);
      }
    });
  }

  /** A log arrived (on the fetch thread): store it and look at the pod again with it. */
  private void logFetched(Pod pod, PodLogs.Fetched fetched) {
    submit(() -> {
      if (fetched.forbidden()) {
        logs.forbidden();
        store.setLogsUnavailable(PodLogs.FORBIDDEN);
      }
      fetched.log().ifPresent(store::putLog);
      Optional<Pod> current = store.get(Pod.class, Keys.of(pod));
      if (synced && current.isPresent()) {
        diagnoses.values().forEach(d -> d.engine.onChange(current.get(), current.get()));
        publishSoon();
      }
    });
  }

  /** Every kind has been listed once: from now on changes are evaluated incrementally. */
  void markSynced() {
    executor.execute(guarded(() -> {
      synced = true;
      LOG.info("caches synced: {} objects", store.size());
      fullPass();
      afterSync.forEach(Runnable::run);
      afterSync.clear();
    }));
  }

  /**
   * Creates or reconfigures the engine of a diagnosis. A new engine starts from what is known (the previous
   * engine, else the findings the status held before a restart), so reconfiguring or restarting announces
   * only real changes. Completes once the engine has run its first full pass.
   */
  CompletableFuture<Snapshot> configure(String name, EngineConfig config, List<TrackedFinding> known) {
    CompletableFuture<Snapshot> done = new CompletableFuture<>();
    submit(() -> {
      Diagnosis existing = diagnoses.get(name);
      if (existing == null || !existing.config.equals(config)) {
        Engine engine = new Engine(store, rules, config, clock, listeners.apply(name), monitor);
        engine.restore(existing != null ? existing.engine.findings() : known);
        diagnoses.put(name, new Diagnosis(config, engine));
        if (synced) {
          engine.fullPass();
        }
      }
      Runnable complete = () -> {
        publish();
        done.complete(snapshots.get(name));
      };
      if (synced) {
        complete.run();
      } else {
        afterSync.add(complete);
      }
    });
    return done;
  }

  Optional<Snapshot> snapshot(String name) {
    return Optional.ofNullable(snapshots.get(name));
  }

  /** The current findings of every diagnosis, as last published. */
  Map<String, List<Finding>> currentFindings() {
    Map<String, List<Finding>> current = new HashMap<>();
    snapshots.forEach((name, snapshot) -> current.put(name,
        snapshot.findings().stream().map(TrackedFinding::finding).toList()));
    return current;
  }

  /** When the change now being evaluated was received; only meaningful on the evaluation thread. */
  long changeReceivedAt() {
    return changeReceivedAt;
  }

  /** Objects cached per kind, as of the last tick. */
  Map<Kind, Integer> cacheSizes() {
    return cacheSizes;
  }

  boolean synced() {
    return synced;
  }

  /** Empty while the loop keeps ticking; otherwise how long it has been stuck. */
  List<String> stuckLongerThan(Duration limit) {
    Duration since = Duration.ofNanos(System.nanoTime() - lastTick);
    return since.compareTo(limit) > 0
        ? List.of("evaluation loop has not run for " + since.toSeconds() + "s (limit " + limit.toSeconds() + "s)")
        : List.of();
  }

  private void runDueRechecks() {
    lastTick = System.nanoTime();
    changeReceivedAt = lastTick;
    cacheSizes = store.sizes();
    forgetDeleted();
    if (synced) {
      diagnoses.values().forEach(d -> d.engine.runDueRechecks());
      publishSoon();
    }
  }

  /** A deleted diagnosis must stop recording Events; there is no finalizer to tell us, so look. */
  private void forgetDeleted() {
    existingDiagnoses.get().ifPresent(names -> {
      diagnoses.keySet().retainAll(names);
      snapshots.keySet().retainAll(names);
    });
  }

  private void fullPass() {
    changeReceivedAt = System.nanoTime();
    if (synced) {
      diagnoses.values().forEach(d -> d.engine.fullPass());
      publishSoon();
    }
  }

  /**
   * Publishes once the work queued until now has been done. A snapshot sorts and links every finding, so under a
   * burst of changes they share one snapshot instead of each paying for its own; a change that comes alone is
   * still published right after it is evaluated.
   */
  private void publishSoon() {
    if (!publishQueued) {
      publishQueued = true;
      executor.execute(guarded(() -> {
        publishQueued = false;
        publish();
      }));
    }
  }

  private void publish() {
    diagnoses.forEach((name, d) -> {
      if (d.engine.version() != d.publishedVersion) {
        d.publishedVersion = d.engine.version();
        snapshots.put(name, new Snapshot(d.publishedVersion, linked(d.engine.findings())));
        findingsChanged.accept(name);
      }
    });
  }

  private List<TrackedFinding> linked(List<TrackedFinding> findings) {
    List<Finding> linked = RootCauses.link(findings.stream().map(TrackedFinding::finding).toList(), store);
    return IntStream.range(0, findings.size()).mapToObj(i -> findings.get(i).withFinding(linked.get(i))).toList();
  }

  /** Queues work caused by something received now: findings it creates are timed from this moment. */
  private void submit(Runnable task) {
    long received = System.nanoTime();
    executor.execute(guarded(() -> {
      changeReceivedAt = received;
      task.run();
    }));
  }

  /** A failure in one task must not kill the thread every later change depends on. */
  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.error("evaluation failed; the next change or full pass retries", e);
      }
    };
  }

  @Override
  public void close() {
    executor.shutdownNow();
    logs.close();
  }
}
