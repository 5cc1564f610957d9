package io.clusterdoc.cli;

import ch.qos.logback.classic.Level;
import io.clusterdoc.engine.Durations;
import io.clusterdoc.operator.DiagnosisOperator;
import io.clusterdoc.operator.OperatorSettings;
import io.clusterdoc.operator.OperatorSettings.LeaderElection;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the operator until the process is stopped. Every option can also be set by an environment variable named
 * CLUSTERDOC_ and the option in upper snake case, which is how the manifests configure it.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run the operator: watch the cluster and keep every ClusterDiagnosis status and the Events current. "
        + "Each option can also be set by the environment variable CLUSTERDOC_<OPTION>, e.g. CLUSTERDOC_LOG_FORMAT.")
final class RunCommand implements Callable<Integer> {
  @Option(names = "--full-pass-interval", paramLabel = "DURATION",
      defaultValue = "${env:CLUSTERDOC_FULL_PASS_INTERVAL:-10m}",
      description = "How often every rule re-evaluates everything, repairing any drift (default: ${DEFAULT-VALUE}).")
  private String fullPassInterval;

  @Option(names = "--status-interval", paramLabel = "DURATION", defaultValue = "${env:CLUSTERDOC_STATUS_INTERVAL:-2s}",
      description = "At most one status write per ClusterDiagnosis in this window (default: ${DEFAULT-VALUE}).")
  private String statusInterval;

  @Option(names = "--remediation-interval", paramLabel = "DURATION",
      defaultValue = "${env:CLUSTERDOC_REMEDIATION_INTERVAL:-30s}",
      description = "How often remediation looks at the current findings again (default: ${DEFAULT-VALUE}).")
  private String remediationInterval;

  @Option(names = "--tls-secrets", defaultValue = "${env:CLUSTERDOC_TLS_SECRETS:-false}",
      description = "Also watch TLS Secrets (only their tls.crt is kept) so certificate-expiring covers them; "
          + "needs permission to list and watch Secrets.")
  private boolean tlsSecrets;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "${env:CLUSTERDOC_METRICS_PORT:-8080}",
      description = "Port serving /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE}).")
  private int metricsPort;

  @Option(names = "--metrics-namespace-label", defaultValue = "${env:CLUSTERDOC_METRICS_NAMESPACE_LABEL:-false}",
      description = "Also split clusterdoc_findings by namespace: one more series per namespace with findings.")
  private boolean namespaceLabel;

  @Option(names = "--events-per-minute", paramLabel = "N",
      defaultValue = "${env:CLUSTERDOC_EVENTS_PER_MINUTE:-" + OperatorSettings.DEFAULT_EVENTS_PER_MINUTE + "}",
      description = "At most N finding Events a minute in all; the others are counted in "
          + "clusterdoc_events_over_budget_total (default: ${DEFAULT-VALUE}; 0 records none).")
  private int eventsPerMinute;

  @Option(names = "--events-per-object-per-minute", paramLabel = "N",
      defaultValue = "${env:CLUSTERDOC_EVENTS_PER_OBJECT_PER_MINUTE:-"
          + OperatorSettings.DEFAULT_EVENTS_PER_OBJECT_PER_MINUTE + "}",
      description = "At most N finding Events a minute about any one object (default: ${DEFAULT-VALUE}).")
  private int eventsPerObjectPerMinute;

  @Option(names = "--leader-election", defaultValue = "${env:CLUSTERDOC_LEADER_ELECTION:-false}",
      description = "Elect one writing replica through a Lease in the namespace of POD_NAMESPACE; the others stand by.")
  private boolean leaderElection;

  @Option(names = "--lease-name", paramLabel = "NAME",
      defaultValue = "${env:CLUSTERDOC_LEASE_NAME:-" + LeaderElection.DEFAULT_LEASE_NAME + "}",
      description = "The Lease used with --leader-election (default: ${DEFAULT-VALUE}).")
  private String leaseName;

  @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "${env:CLUSTERDOC_LOG_FORMAT:-plain}",
      description = "plain or json, one line per message on stdout (default: ${DEFAULT-VALUE}).")
  private String logFormat;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "${env:CLUSTERDOC_LOG_LEVEL:-info}",
      description = "clusterdoc's own log level: trace, debug, info, warn or error (default: ${DEFAULT-VALUE}).")
  private String logLevel;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    OperatorSettings settings = settings();
    LogSetup.apply(format(), level());
    CountDownLatch stopped = new CountDownLatch(1);
    KubernetesClient client = new KubernetesClientBuilder().build();
    DiagnosisOperator operator = new DiagnosisOperator(client, settings);
    Runnable stop = () -> {
      operator.close();
      client.close();
    };
    // SIGTERM: the hook closes the operator, which flushes status writes and releases the Lease.
    Thread shutdown = new Thread(() -> {
      stop.run();
      stopped.countDown();
    }, "clusterdoc-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    try {
      operator.start();
    } catch (RuntimeException e) {
      Runtime.getRuntime().removeShutdownHook(shutdown);
      stop.run();
      throw e;
    }
    stopped.await();
    return 0;
  }

  /** Every option checked before anything starts, each error naming its option. */
  private OperatorSettings settings() {
    String namespace = System.getenv("POD_NAMESPACE");
    if (leaderElection && (namespace == null || namespace.isBlank())) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--leader-election: the Lease's namespace comes from POD_NAMESPACE, which is not set");
    }
    return OperatorSettings.builder()
        .fullPassInterval(duration(fullPassInterval, "--full-pass-interval"))
        .statusInterval(duration(statusInterval, "--status-interval"))
        .remediationInterval(duration(remediationInterval, "--remediation-interval"))
        .tlsSecrets(tlsSecrets)
        .metrics(port(metricsPort), namespaceLabel)
        .events(count(eventsPerMinute, "--events-per-minute"),
            count(eventsPerObjectPerMinute, "--events-per-object-per-minute"))
        .operatorNamespace(namespace)
        .leaderElection(leaderElection
            ? LeaderElection.of(DiagnosisOperator.instanceName(), leaseName, namespace) : null)
        .build();
  }

  private LogSetup.Format format() {
    try {
      return LogSetup.Format.valueOf(logFormat.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--log-format: '" + logFormat + "' is neither plain nor json");
    }
  }

  private Level level() {
    Level level = Level.toLevel(logLevel.trim(), null);
    if (level == null || level == Level.ALL || level == Level.OFF) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--log-level: '" + logLevel + "' is not one of trace, debug, info, warn, error");
    }
    return level;
  }

  private int port(int port) {
    if (port < 1 || port > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--metrics-port: " + port + " is not a TCP port (1-65535)");
    }
    return port;
  }

  private int count(int value, String option) {
    if (value < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + value + " is below 0");
    }
    return value;
  }

  private Duration duration(String value, String option) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }
}
