package io.clusterdoc.metrics;

import io.clusterdoc.BuildInfo;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.RuleMonitor;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.remediation.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * clusterdoc's meters, all named {@code clusterdoc_*}, in one Prometheus registry that also carries the JVM's and
 * java-operator-sdk's. Labels are bounded by the rule catalogue, the three severities and the number of
 * ClusterDiagnosis objects; never an object's name, uid or a message, so a 5,000-node cluster costs no more series
 * than a small one. Only the optional namespace label grows with the cluster, which is why it is off by default.
 */
public final class ClusterdocMetrics implements RuleMonitor, AutoCloseable {
  private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
      Duration.ofMinutes(5)};

  /** How a status write ended; every outcome is exported from the start, so rates over it are defined. */
  public enum StatusWrite {
    SUCCESS, CONFLICT, FAILURE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<String> ruleIds;
  private final boolean namespaceLabel;
  private final MultiGauge findings;
  private final Timer detectionLatency;
  private final Map<String, Timer> ruleEvaluation = new HashMap<>();
  private final Map<String, Counter> ruleErrors = new HashMap<>();
  private final Map<StatusWrite, Counter> statusWrites = new EnumMap<>(StatusWrite.class);
  private final Map<String, Counter> remediations = new HashMap<>();
  private final Counter eventsOverBudget;
  private final AtomicInteger leader = new AtomicInteger();
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private volatile Supplier<Map<String, List<Finding>>> currentFindings = Map::of;

  /**
   * @param ruleIds every rule that can report: each gets a findings series per severity even at zero, so a
   *     dashboard shows zero rather than no data
   * @param namespaceLabel whether findings are also counted per namespace
   * @param remediationActions every remediation action, each exported per outcome from the start
   */
  public ClusterdocMetrics(Collection<String> ruleIds, boolean namespaceLabel, Collection<String> remediationActions) {
    this.ruleIds = List.copyOf(ruleIds);
    this.namespaceLabel = namespaceLabel;
    this.findings = MultiGauge.builder("clusterdoc.findings")
        .description("Current findings by ClusterDiagnosis, rule and severity").register(registry);
    this.detectionLatency = Timer.builder("clusterdoc.detection.latency")
        .description("From receiving the change that created a finding to writing it to the ClusterDiagnosis status")
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    for (String rule : this.ruleIds) {
      ruleEvaluation.put(rule, Timer.builder("clusterdoc.rule.evaluation").tag("rule", rule)
          .description("Time spent evaluating a rule").register(registry));
      ruleErrors.put(rule, Counter.builder("clusterdoc.rule.errors").tag("rule", rule)
          .description("Evaluations in which the rule failed on an object and kept its earlier findings")
          .register(registry));
    }
    for (StatusWrite outcome : StatusWrite.values()) {
      statusWrites.put(outcome, Counter.builder("clusterdoc.status.writes").tag("outcome", outcome.label())
          .description("ClusterDiagnosis status writes by outcome").register(registry));
    }
    eventsOverBudget = Counter.builder("clusterdoc.events.over.budget")
        .description("Finding Events not recorded: over the budget per minute in all or about their object")
        .register(registry);
    for (String action : remediationActions) {
      for (Outcome outcome : Outcome.values()) {
        remediations.put(action + "|" + outcome.label(), Counter.builder("clusterdoc.remediations")
            .tags("action", action, "outcome", outcome.label())
            .description("Remediation decisions by action and outcome").register(registry));
      }
    }
    Gauge.builder("clusterdoc.build.info", () -> 1).tag("version", BuildInfo.version())
        .description("The running clusterdoc version").register(registry);
    Gauge.builder("clusterdoc.leader", leader, AtomicInteger::get)
        .description("1 on the replica that writes status and Events").register(registry);
    bindJvmAndProcess();
  }

  private void bindJvmAndProcess() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** For java-operator-sdk's own meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The current findings of each diagnosis, read at every scrape. */
  public void bindFindings(Supplier<Map<String, List<Finding>>> source) {
    this.currentFindings = source;
  }

  /** Cached objects per kind, read at every scrape. */
  public void bindCacheSizes(Supplier<Map<Kind, Integer>> sizes) {
    for (Kind kind : Kind.values()) {
      Gauge.builder("clusterdoc.cache.objects", () -> sizes.get().getOrDefault(kind, 0)).tag("kind", kind.kindName())
          .description("Objects held in the operator's cache by kind").register(registry);
    }
  }

  /** Whether this replica is ready, read at every scrape. */
  public void bindReadiness(BooleanSupplier ready) {
    Gauge.builder("clusterdoc.ready", () -> ready.getAsBoolean() ? 1 : 0)
        .description("1 when caches are synced and every informer is watching").register(registry);
  }

  /**
   * Exports the appear and resolve counters of a diagnosis at zero before it is first evaluated. A counter that
   * appeared only at its first increment would hide that increment from {@code increase()}; created first, the
   * findings of the first evaluation are in its first scraped value, and every later one counts.
   */
  public void diagnosisStarted(String diagnosis) {
    for (String rule : ruleIds) {
      for (Severity severity : Severity.values()) {
        detectedCounter(diagnosis, rule, severity);
        resolvedCounter(diagnosis, rule, severity);
      }
    }
  }

  public void detected(String diagnosis, Finding finding) {
    detectedCounter(diagnosis, finding.rule(), finding.severity()).increment();
  }

  public void resolved(String diagnosis, Finding finding) {
    resolvedCounter(diagnosis, finding.rule(), finding.severity()).increment();
  }

  private Counter detectedCounter(String diagnosis, String rule, Severity severity) {
    return Counter.builder("clusterdoc.findings.detected").description("Findings that appeared")
        .tags("diagnosis", diagnosis, "rule", rule, "severity", severity.id()).register(registry);
  }

  private Counter resolvedCounter(String diagnosis, String rule, Severity severity) {
    return Counter.builder("clusterdoc.findings.resolved").description("Findings that resolved")
        .tags("diagnosis", diagnosis, "rule", rule, "severity", severity.id()).register(registry);
  }

  public void detectionLatency(Duration latency) {
    detectionLatency.record(latency);
  }

  public void remediation(String action, Outcome outcome) {
    Counter counter = remediations.get(action + "|" + outcome.label());
    if (counter != null) {
      counter.increment();
    }
  }

  /** A finding Event that was not recorded: over the budget per minute in all or about its object. */
  public void eventOverBudget() {
    eventsOverBudget.increment();
  }

  public void statusWrite(StatusWrite outcome) {
    statusWrites.get(outcome).increment();
  }

  @Override
  public void evaluated(String ruleId, long nanos) {
    Timer timer = ruleEvaluation.get(ruleId);
    if (timer != null) {
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void failed(String ruleId) {
    Counter errors = ruleErrors.get(ruleId);
    if (errors != null) {
      errors.increment();
    }
  }

  public void leader(boolean isLeader) {
    leader.set(isLeader ? 1 : 0);
  }

  /** The Prometheus text exposition of every meter, with the findings counted as they are now. */
  public synchronized String scrape() {
    findings.register(findingRows(), true);
    return registry.scrape();
  }

  private List<MultiGauge.Row<?>> findingRows() {
    Map<Tags, Integer> counts = new HashMap<>();
    currentFindings.get().forEach((diagnosis, list) -> {
      for (String rule : ruleIds) {
        for (Severity severity : Severity.values()) {
          counts.put(findingTags(diagnosis, rule, severity, ""), 0);
        }
      }
      for (Finding finding : list) {
        counts.merge(findingTags(diagnosis, finding.rule(), finding.severity(), namespaceOf(finding)), 1,
            Integer::sum);
      }
    });
    return counts.entrySet().stream().<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(e.getKey(), e.getValue()))
        .toList();
  }

  private Tags findingTags(String diagnosis, String rule, Severity severity, String namespace) {
    Tags tags = Tags.of("diagnosis", diagnosis, "rule", rule, "severity", severity.id());
    return namespaceLabel ? tags.and("namespace", namespace) : tags;
  }

  private static String namespaceOf(Finding finding) {
    String namespace = finding.object().owningNamespace();
    return namespace == null ? "" : namespace;
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
