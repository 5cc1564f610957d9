package io.clusterdoc.operator;

import io.clusterdoc.engine.Rule;
import io.clusterdoc.input.PodLogs;
import io.clusterdoc.metrics.ClusterdocMetrics;
import io.clusterdoc.metrics.MetricsServer;
import io.clusterdoc.remediation.Consent;
import io.clusterdoc.remediation.KubernetesReads;
import io.clusterdoc.remediation.KubernetesWrites;
import io.clusterdoc.remediation.Planner;
import io.clusterdoc.remediation.RemediationAction;
import io.clusterdoc.remediation.RemediationCatalog;
import io.clusterdoc.remediation.Remediator;
import io.clusterdoc.rules.RuleCatalog;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.javaoperatorsdk.operator.processing.retry.Retry;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/** Wires the informers, the evaluation loop, Events, metrics and the ClusterDiagnosis controller together. */
public final class DiagnosisOperator implements AutoCloseable {
  /** Longer than any full pass should take, even on the largest cluster: past it the loop counts as stuck. */
  static final Duration STUCK_AFTER = Duration.ofSeconds(60);

  private final OperatorSettings settings;
  private final ClusterdocMetrics metrics;
  private final FindingEvents events;
  private final EvaluationLoop loop;
  private final ClusterWatcher watcher;
  private final RemediationLoop remediation;
  private final StatusWriter statusWriter;
  private final Leadership leadership;
  private final Operator operator;
  private volatile MetricsServer server;

  /** Ends the process when leadership is lost: Kubernetes restarts it, and it comes back as a standby. */
  public DiagnosisOperator(KubernetesClient client, OperatorSettings settings) {
    this(client, settings, RuleCatalog.all(), Clock.systemUTC(),
        () -> new Thread(() -> System.exit(1), "clusterdoc-exit").start());
  }

  DiagnosisOperator(KubernetesClient client, OperatorSettings settings, List<Rule> rules, Clock clock) {
    this(client, settings, rules, clock, () -> { });
  }

  DiagnosisOperator(KubernetesClient client, OperatorSettings settings, List<Rule> rules, Clock clock,
      Runnable onLostLeadership) {
    this.settings = settings;
    List<RemediationAction> actions = RemediationCatalog.all();
    this.metrics = new ClusterdocMetrics(rules.stream().map(Rule::id).toList(), settings.namespaceLabel(),
        actions.stream().map(RemediationAction::id).toList());
    this.leadership = new Leadership(client, settings.leaderElection(), metrics, onLostLeadership);
    this.events = new FindingEvents(client, clock, instanceName(), leadership::leading,
        new EventBudget(clock, settings.eventsPerMinute(), settings.eventsPerObjectPerMinute()),
        metrics::eventOverBudget);
    DetectionTracker detections = new DetectionTracker(metrics, System::nanoTime);
    AtomicReference<ClusterDiagnosisReconciler> reconciler = new AtomicReference<>();
    this.loop = new EvaluationLoop(rules, clock,
        name -> events.andThen(detections.listener(name, this::changeReceivedAt)),
        name -> reconciler.get().findingsChanged(name), () -> reconciler.get().existingDiagnoses(),
        new LogFetcher(new PodLogs(client), rules), metrics);
    this.watcher = new ClusterWatcher(client, loop, settings.tlsSecrets());
    Remediator remediator = new Remediator(new Planner(actions, protectedNamespaces(settings)),
        new KubernetesWrites(client), new RemediationAudit(events, metrics, name -> reconciler.get().findingsChanged(name)),
        clock);
    this.remediation = new RemediationLoop(remediator, loop::currentFindings, () -> new KubernetesReads(client),
        () -> reconciler.get().existingDiagnoses(), leadership::leading);
    this.statusWriter = new StatusWriter(client, clock, settings.statusInterval(), metrics);
    reconciler.set(new ClusterDiagnosisReconciler(new SpecReader(rules, actions), loop, statusWriter, detections,
        remediation, rules.size()));
    // Server-side apply is off: status goes through update with resourceVersion, the path tests exercise.
    // An API server that cannot be reached at start makes the replica unready, not dead: its informers retry.
    this.operator = new Operator(o -> o.withKubernetesClient(client)
        .withUseSSAToPatchPrimaryResource(false)
        .withCloseClientOnStop(false)
        .withStopOnInformerErrorDuringStartup(false)
        .withCacheSyncTimeout(settings.cacheSyncTimeout())
        .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics.registry()))
        .withLeaderElectionConfiguration(leadership.configuration().orElse(null)));
    operator.register(reconciler.get(), controller -> controller.withRetry(statusRetry(settings.statusInterval())));
    metrics.bindFindings(loop::currentFindings);
    metrics.bindCacheSizes(loop::cacheSizes);
    metrics.bindReadiness(() -> readinessProblems().isEmpty());
  }

  /**
   * A status that cannot be written is tried again until it is: first after one status interval, then half as long
   * again each time, at most a minute apart. java-operator-sdk's default gives up after a few tries, and then the
   * status would stay stale until the findings change again.
   */
  private static Retry statusRetry(Duration statusInterval) {
    return new GenericRetry().setInitialInterval(Math.max(1, statusInterval.toMillis())).setIntervalMultiplier(1.5)
        .setMaxInterval(Duration.ofMinutes(1).toMillis()).withoutMaxAttempts();
  }

  private long changeReceivedAt() {
    return loop.changeReceivedAt();
  }

  /**
   * Serves metrics and probes, lists and watches the cluster, then starts reconciling ClusterDiagnosis objects.
   * The probes answer from the start: not ready until the caches are synced.
   */
  public void start() {
    try {
      server = MetricsServer.start(settings.metricsPort(), metrics, this::livenessProblems, this::readinessProblems);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on port " + settings.metricsPort() + ": " + e.getMessage(), e);
    }
    loop.start(settings);
    watcher.start(settings.cacheSyncTimeout());
    operator.start();
    remediation.start(settings.remediationInterval());
  }

  /** The system namespaces and clusterdoc's own are never written to. */
  private static Set<String> protectedNamespaces(OperatorSettings settings) {
    Set<String> namespaces = new HashSet<>(Consent.SYSTEM_NAMESPACES);
    settings.operatorNamespace().ifPresent(namespaces::add);
    return namespaces;
  }

  /** The port /metrics, /healthz and /readyz are served on, once started. */
  public int metricsPort() {
    return server.port();
  }

  private List<String> livenessProblems() {
    return loop.stuckLongerThan(STUCK_AFTER);
  }

  private List<String> readinessProblems() {
    List<String> problems = new ArrayList<>();
    if (!loop.synced()) {
      problems.add("caches not synced yet");
    }
    problems.addAll(watcher.problems());
    if (leadership.elected() && !leadership.leading()) {
      // A standby runs no controller: it is ready once it can take over with current findings.
      return problems;
    }
    RuntimeInfo runtime = operator.getRuntimeInfo();
    if (!runtime.isStarted()) {
      problems.add("ClusterDiagnosis controller not started");
    } else if (!runtime.allEventSourcesAreHealthy()) {
      runtime.unhealthyEventSources().forEach((controller, sources) ->
          sources.keySet().forEach(source -> problems.add("event source " + source + " of " + controller + " unhealthy")));
    }
    return problems;
  }

  /**
   * Shuts down in the order that loses nothing: no new remediation, the status writes the interval held back,
   * the controller and its election, then the Lease handed over, the watches, and the Events already decided.
   */
  @Override
  public void close() {
    leadership.closing();
    remediation.close();
    if (leadership.leading()) {
      statusWriter.flush();
    }
    operator.stop();
    leadership.release();
    watcher.close();
    loop.close();
    events.close();
    if (server != null) {
      server.close();
    }
    metrics.close();
  }

  /** The pod's name in a cluster, the host's elsewhere: Events' reportingInstance and the Lease's holder. */
  public static String instanceName() {
    String pod = System.getenv("POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "clusterdoc";
    }
  }
}
