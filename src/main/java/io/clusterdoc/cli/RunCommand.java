package io.clusterdoc.cli;

import io.clusterdoc.engine.Durations;
import io.clusterdoc.operator.DiagnosisOperator;
import io.clusterdoc.operator.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the operator until the process is stopped. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run the operator: watch the cluster and keep every ClusterDiagnosis status and the Events current.")
final class RunCommand implements Callable<Integer> {
  @Option(names = "--full-pass-interval", paramLabel = "DURATION", defaultValue = "10m",
      description = "How often every rule re-evaluates everything, repairing any drift (default: ${DEFAULT-VALUE}).")
  private String fullPassInterval;

  @Option(names = "--status-interval", paramLabel = "DURATION", defaultValue = "2s",
      description = "At most one status write per ClusterDiagnosis in this window (default: ${DEFAULT-VALUE}).")
  private String statusInterval;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Option(names = "--tls-secrets",
      description = "Also watch TLS Secrets (only their tls.crt is kept) so certificate-expiring covers them; "
          + "needs permission to list and watch Secrets.")
  private boolean tlsSecrets;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "8080",
      description = "Port serving /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE}).")
  private int metricsPort;

  @Option(names = "--metrics-namespace-label",
      description = "Also split clusterdoc_findings by namespace: one more series per namespace with findings.")
  private boolean namespaceLabel;

  @Override
  public Integer call() throws InterruptedException {
    OperatorSettings settings = OperatorSettings.defaults()
        .withFullPassInterval(duration(fullPassInterval, "--full-pass-interval"))
        .withStatusInterval(duration(statusInterval, "--status-interval"))
        .withTlsSecrets(tlsSecrets)
        .withMetrics(port(metricsPort), namespaceLabel)
        .withOperatorNamespace(System.getenv("POD_NAMESPACE"));
    CountDownLatch stopped = new CountDownLatch(1);
    KubernetesClient client = new KubernetesClientBuilder().build();
    DiagnosisOperator operator = new DiagnosisOperator(client, settings);
    Runnable stop = () -> {
      operator.close();
      client.close();
    };
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

  private int port(int port) {
    if (port < 1 || port > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--metrics-port: " + port + " is not a TCP port (1-65535)");
    }
    return port;
  }

  private Duration duration(String value, String option) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }
}
