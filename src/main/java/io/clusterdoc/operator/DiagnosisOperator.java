package io.clusterdoc.operator;

import io.clusterdoc.engine.Rule;
import io.clusterdoc.input.PodLogs;
import io.clusterdoc.rules.RuleCatalog;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Wires the informers, the evaluation loop, Events and the ClusterDiagnosis controller together. */
public final class DiagnosisOperator implements AutoCloseable {
  private final OperatorSettings settings;
  private final FindingEvents events;
  private final EvaluationLoop loop;
  private final ClusterWatcher watcher;
  private final Operator operator;

  public DiagnosisOperator(KubernetesClient client, OperatorSettings settings) {
    this(client, settings, RuleCatalog.all(), Clock.systemUTC());
  }

  DiagnosisOperator(KubernetesClient client, OperatorSettings settings, List<Rule> rules, Clock clock) {
    this.settings = settings;
    this.events = new FindingEvents(client, clock, instanceName());
    AtomicReference<ClusterDiagnosisReconciler> reconciler = new AtomicReference<>();
    this.loop = new EvaluationLoop(rules, clock, name -> events, name -> reconciler.get().findingsChanged(name),
        () -> reconciler.get().existingDiagnoses(), new LogFetcher(new PodLogs(client), rules));
    this.watcher = new ClusterWatcher(client, loop, settings.tlsSecrets());
    reconciler.set(new ClusterDiagnosisReconciler(new SpecReader(rules), loop,
        new StatusWriter(client, clock, settings.statusInterval()), rules.size()));
    // Server-side apply is off: status goes through update with resourceVersion, the path tests exercise.
    this.operator = new Operator(o -> o.withKubernetesClient(client)
        .withUseSSAToPatchPrimaryResource(false)
        .withCloseClientOnStop(false));
    operator.register(reconciler.get());
  }

  /** Lists and watches the cluster, then starts reconciling ClusterDiagnosis objects. */
  public void start() {
    loop.start(settings);
    watcher.start(settings.cacheSyncTimeout());
    operator.start();
  }

  @Override
  public void close() {
    operator.stop();
    watcher.close();
    loop.close();
    events.close();
  }

  private static String instanceName() {
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
