package io.clusterdoc.operator;

import java.time.Duration;

/**
 * Timings and options of the operator.
 *
 * @param fullPassInterval how often every rule re-evaluates everything, to repair drift
 * @param statusInterval at most one status write per ClusterDiagnosis in this window
 * @param recheckInterval how often time-based rechecks (thresholds) are looked at
 * @param cacheSyncTimeout how long to wait for the first list of each kind before diagnosing without it
 * @param tlsSecrets whether to watch TLS Secrets for certificate-expiring (needs permission to read Secrets)
 * @param metricsPort where /metrics, /healthz and /readyz are served; 0 picks a free port
 * @param namespaceLabel whether the findings gauge also counts per namespace (more series)
 * @param remediationInterval how often remediation looks at the current findings again
 * @param operatorNamespace where clusterdoc runs, protected from remediation like the system namespaces (null
 *     when unknown, e.g. run from a workstation)
 */
public record OperatorSettings(Duration fullPassInterval, Duration statusInterval, Duration recheckInterval,
    Duration cacheSyncTimeout, boolean tlsSecrets, int metricsPort, boolean namespaceLabel,
    Duration remediationInterval, String operatorNamespace) {

  public static final int DEFAULT_METRICS_PORT = 8080;

  public static OperatorSettings defaults() {
    return new OperatorSettings(Duration.ofMinutes(10), Duration.ofSeconds(2), Duration.ofSeconds(1),
        Duration.ofMinutes(2), false, DEFAULT_METRICS_PORT, false, Duration.ofSeconds(30), null);
  }

  public OperatorSettings withFullPassInterval(Duration interval) {
    return new OperatorSettings(interval, statusInterval, recheckInterval, cacheSyncTimeout, tlsSecrets, metricsPort,
        namespaceLabel, remediationInterval, operatorNamespace);
  }

  public OperatorSettings withStatusInterval(Duration interval) {
    return new OperatorSettings(fullPassInterval, interval, recheckInterval, cacheSyncTimeout, tlsSecrets, metricsPort,
        namespaceLabel, remediationInterval, operatorNamespace);
  }

  public OperatorSettings withTlsSecrets(boolean read) {
    return new OperatorSettings(fullPassInterval, statusInterval, recheckInterval, cacheSyncTimeout, read, metricsPort,
        namespaceLabel, remediationInterval, operatorNamespace);
  }

  public OperatorSettings withMetrics(int port, boolean countPerNamespace) {
    return new OperatorSettings(fullPassInterval, statusInterval, recheckInterval, cacheSyncTimeout, tlsSecrets, port,
        countPerNamespace, remediationInterval, operatorNamespace);
  }

  public OperatorSettings withOperatorNamespace(String namespace) {
    return new OperatorSettings(fullPassInterval, statusInterval, recheckInterval, cacheSyncTimeout, tlsSecrets,
        metricsPort, namespaceLabel, remediationInterval, namespace);
  }
}
