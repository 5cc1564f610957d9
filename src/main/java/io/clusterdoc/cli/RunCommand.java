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

  @Override
  public Integer call() throws InterruptedException {
    OperatorSettings settings = OperatorSettings.defaults()
        .withFullPassInterval(duration(fullPassInterval, "--full-pass-interval"))
        .withStatusInterval(duration(statusInterval, "--status-interval"))
        .withTlsSecrets(tlsSecrets);
    CountDownLatch stopped = new CountDownLatch(1);
    KubernetesClient client = new KubernetesClientBuilder().build();
    DiagnosisOperator operator = new DiagnosisOperator(client, settings);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      client.close();
      stopped.countDown();
    }, "clusterdoc-shutdown"));
    operator.start();
    stopped.await();
    return 0;
  }

  private Duration duration(String value, String option) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }
}
