package io.clusterdoc.cli;

import io.clusterdoc.cluster.ObjectStore;
import io.clusterdoc.engine.Engine;
import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.InvalidSettingException;
import io.clusterdoc.engine.LogReader;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.TrackedFinding;
import io.clusterdoc.input.LiveCluster;
import io.clusterdoc.input.ManifestReader;
import io.clusterdoc.input.PodLogs;
import io.clusterdoc.report.OutputFormat;
import io.clusterdoc.report.Report;
import io.clusterdoc.report.ReportWriter;
import io.clusterdoc.rules.RootCauses;
import io.clusterdoc.rules.RuleCatalog;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** One pass of every rule over files or over the live cluster. */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run every rule once and print the findings.",
        "Without --from: against the current kubeconfig context (or the in-cluster configuration)."})
final class ScanCommand implements Callable<Integer> {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Option(names = "--from", paramLabel = "PATH",
      description = "Scan files instead of a cluster: a file or a directory read recursively (YAML or JSON, "
          + "as `kubectl get -o yaml|json` or `kubectl cluster-info dump --output-directory` write them).")
  private Path from;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
  private OutputFormat output;

  @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "critical",
      description = "Exit 1 when a finding is at or above this severity: critical, warning, info or none "
          + "(default: ${DEFAULT-VALUE}).")
  private String failOn;

  @Option(names = "--now", paramLabel = "TIME",
      description = "The time thresholds compare with, as RFC 3339 (e.g. 2026-11-20T10:00:00Z); default: now. "
          + "Useful for files captured earlier.")
  private String now;

  @Option(names = "--disable", paramLabel = "RULE", description = "Do not run this rule (repeatable).")
  private List<String> disabled = List.of();

  @Option(names = "--threshold", paramLabel = "RULE=VALUE",
      description = "Override a rule's threshold: a duration or, for counts, a whole number, e.g. "
          + "namespace-stuck-terminating=10m or pod-high-restarts=50 (repeatable).")
  private Map<String, String> thresholds = Map.of();

  @Option(names = "--severity", paramLabel = "RULE=SEVERITY",
      description = "Override a rule's severity, e.g. node-pressure=critical (repeatable).")
  private Map<String, String> severities = Map.of();

  @Option(names = "--include-namespace", paramLabel = "GLOB",
      description = "Only report on namespaces matching this glob (repeatable).")
  private List<String> include = List.of();

  @Option(names = "--exclude-namespace", paramLabel = "GLOB",
      description = "Never report on namespaces matching this glob (repeatable).")
  private List<String> exclude = List.of();

  @Option(names = "--tls-secrets",
      description = "Also check the certificates of TLS Secrets (certificate-expiring); a live scan then needs "
          + "permission to list Secrets. Only tls.crt is read.")
  private boolean tlsSecrets;

  @Option(names = "--context", paramLabel = "NAME", description = "The kubeconfig context to scan (live scan only).")
  private String context;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    Severity threshold;
    EngineConfig config;
    Clock clock;
    try {
      threshold = failOnSeverity();
      config = engineConfig();
      clock = clock();
    } catch (InvalidSettingException e) {
      return usageError(e.getMessage());
    }
    ObjectStore store = from != null ? readFiles(err) : readCluster(err);
    if (store == null) {
      return Main.EXIT_USAGE;
    }
    Report report = scan(store, config, clock);
    new ReportWriter().write(report, output, spec.commandLine().getOut());
    return threshold != null && report.hasAtLeast(threshold) ? Main.EXIT_FINDINGS : 0;
  }

  private static Report scan(ObjectStore store, EngineConfig config, Clock clock) {
    Engine engine = new Engine(store, RuleCatalog.all(), config, clock, Engine.Listener.NONE);
    engine.fullPass();
    return Report.of(RootCauses.link(engine.findings().stream().map(TrackedFinding::finding).toList(), store));
  }

  private ObjectStore readFiles(PrintWriter err) throws IOException {
    ManifestReader.Result result;
    try {
      result = new ManifestReader().read(from);
    } catch (NoSuchFileException e) {
      err.println("error: " + from + ": no such file or directory");
      return null;
    }
    result.problems().forEach(p -> err.println("warning: " + p));
    if (result.kubernetesObjects() == 0) {
      err.println("error: nothing readable in " + from + ": " + result.files()
          + " file(s) with .yaml, .yml or .json, none holding a Kubernetes object");
      return null;
    }
    err.flush();
    ObjectStore store = new ObjectStore();
    result.objects().stream().filter(o -> tlsSecrets || !(o instanceof Secret)).forEach(store::put);
    result.logs().forEach(store::putLog);
    return store;
  }

  private ObjectStore readCluster(PrintWriter err) {
    Config config = Config.autoConfigure(context);
    // One scan, one answer: a person waiting at a terminal is better served by a prompt error than by backoff.
    config.setRequestRetryBackoffLimit(1);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      ObjectStore store = new ObjectStore();
      new LiveCluster(client, tlsSecrets).list(warning -> err.println("warning: " + warning)).forEach(store::put);
      readLogs(new PodLogs(client), store, err);
      return store;
    }
  }

  /** The previous logs the rules ask for; without permission, one warning and the rules see none. */
  private static void readLogs(PodLogs logs, ObjectStore store, PrintWriter err) {
    List<LogReader> readers = PodLogs.readers(RuleCatalog.all());
    for (Pod pod : List.copyOf(store.all(Pod.class))) {
      for (String container : PodLogs.wanted(pod, readers)) {
        PodLogs.Fetched fetched = logs.previous(pod, container);
        if (fetched.forbidden()) {
          err.println("warning: " + PodLogs.FORBIDDEN);
          store.setLogsUnavailable(PodLogs.FORBIDDEN);
          return;
        }
        fetched.log().ifPresent(store::putLog);
      }
    }
  }

  private Severity failOnSeverity() throws InvalidSettingException {
    if ("none".equalsIgnoreCase(failOn)) {
      return null;
    }
    return Severity.parse(failOn).orElseThrow(() -> new InvalidSettingException("--fail-on",
        "'" + failOn + "' is not one of critical, warning, info, none"));
  }

  private EngineConfig engineConfig() throws InvalidSettingException {
    EngineConfig.Builder builder = EngineConfig.builder(RuleCatalog.all());
    for (String id : disabled) {
      builder.disable(id, "--disable");
    }
    for (Map.Entry<String, String> t : thresholds.entrySet()) {
      builder.threshold(t.getKey(), t.getValue(), "--threshold");
    }
    for (Map.Entry<String, String> s : severities.entrySet()) {
      builder.severity(s.getKey(), s.getValue(), "--severity");
    }
    for (String glob : include) {
      builder.include(glob, "--include-namespace");
    }
    for (String glob : exclude) {
      builder.exclude(glob, "--exclude-namespace");
    }
    return builder.build();
  }

  private Clock clock() throws InvalidSettingException {
    if (now == null) {
      return Clock.systemUTC();
    }
    try {
      return Clock.fixed(Instant.parse(now), ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new InvalidSettingException("--now", "'" + now + "' is not an RFC 3339 time such as 2026-11-20T10:00:00Z");
    }
  }

  private int usageError(String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("error: " + message);
    err.flush();
    return Main.EXIT_USAGE;
  }
}
