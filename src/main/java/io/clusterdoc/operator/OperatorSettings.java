package io.clusterdoc.operator;

import java.time.Duration;
import java.util.Optional;

/**
 * Timings and options of the operator; {@link #builder()} starts from the defaults.
 *
 * @param fullPassInterval how often every rule re-evaluates everything, to repair drift
 * @param statusInterval at most one status write per ClusterDiagnosis in this window
 * @param recheckInterval how often time-based rechecks (thresholds) are looked at
 * @param cacheSyncTimeout how long to wait for the first list of each kind before diagnosing without it
 * @param tlsSecrets whether to watch TLS Secrets for certificate-expiring (needs permission to read Secrets)
 * @param metricsPort where /metrics, /healthz and /readyz are served; 0 picks a free port
 * @param namespaceLabel whether the findings gauge also counts per namespace (more series)
 * @param remediationInterval how often remediation looks at the current findings again
 * @param operatorNamespace where clusterdoc runs, protected from remediation like the system namespaces (empty
 *     when unknown, e.g. run from a workstation)
 * @param leaderElection the Lease that elects the one replica that writes; empty when this is the only replica
 * @param eventsPerMinute at most so many finding Events a minute in all; 0 records none
 * @param eventsPerObjectPerMinute at most so many finding Events a minute about any one object
 */
public record OperatorSettings(Duration fullPassInterval, Duration statusInterval, Duration recheckInterval,
    Duration cacheSyncTimeout, boolean tlsSecrets, int metricsPort, boolean namespaceLabel,
    Duration remediationInterval, Optional<String> operatorNamespace, Optional<LeaderElection> leaderElection,
    int eventsPerMinute, int eventsPerObjectPerMinute) {

  public static final int DEFAULT_METRICS_PORT = 8080;
  /** Enough for the findings of an ordinary minute; a storm of them is in the status and the metrics. */
  public static final int DEFAULT_EVENTS_PER_MINUTE = 60;
  /** A finding appearing and resolving a few times a minute; an object that flaps more says so in the status. */
  public static final int DEFAULT_EVENTS_PER_OBJECT_PER_MINUTE = 6;

  /**
   * The Lease and its timings: a standby takes over at most {@code leaseDuration} after the leader stopped
   * renewing; the leader gives up if it cannot renew within {@code renewDeadline}.
   *
   * @param identity this replica's name in the Lease, unique among the replicas (the pod's name)
   */
  public record LeaderElection(String identity, String leaseName, String leaseNamespace, Duration leaseDuration,
      Duration renewDeadline, Duration retryPeriod) {
    public static final String DEFAULT_LEASE_NAME = "clusterdoc";

    /** Kubernetes' own controllers' timings: 15 s lease, 10 s to renew, 2 s between tries. */
    public static LeaderElection of(String identity, String leaseName, String leaseNamespace) {
      return new LeaderElection(identity, leaseName, leaseNamespace, Duration.ofSeconds(15), Duration.ofSeconds(10),
          Duration.ofSeconds(2));
    }
  }

  public static OperatorSettings defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().fullPassInterval(fullPassInterval).statusInterval(statusInterval)
        .recheckInterval(recheckInterval).cacheSyncTimeout(cacheSyncTimeout).tlsSecrets(tlsSecrets)
        .metrics(metricsPort, namespaceLabel).remediationInterval(remediationInterval)
        .operatorNamespace(operatorNamespace.orElse(null)).leaderElection(leaderElection.orElse(null))
        .events(eventsPerMinute, eventsPerObjectPerMinute);
  }

  /** The settings, field by field; unset fields keep their defaults. */
  public static final class Builder {
    private Duration fullPassInterval = Duration.ofMinutes(10);
    private Duration statusInterval = Duration.ofSeconds(2);
    private Duration recheckInterval = Duration.ofSeconds(1);
    private Duration cacheSyncTimeout = Duration.ofMinutes(2);
    private boolean tlsSecrets;
    private int metricsPort = DEFAULT_METRICS_PORT;
    private boolean namespaceLabel;
    private Duration remediationInterval = Duration.ofSeconds(30);
    private String operatorNamespace;
    private LeaderElection leaderElection;
    private int eventsPerMinute = DEFAULT_EVENTS_PER_MINUTE;
    private int eventsPerObjectPerMinute = DEFAULT_EVENTS_PER_OBJECT_PER_MINUTE;

    private Builder() {
    }

    public Builder fullPassInterval(Duration interval) {
      this.fullPassInterval = interval;
      return this;
    }

    public Builder statusInterval(Duration interval) {
      this.statusInterval = interval;
      return this;
    }

    public Builder recheckInterval(Duration interval) {
      this.recheckInterval = interval;
      return this;
    }

    public Builder cacheSyncTimeout(Duration timeout) {
      this.cacheSyncTimeout = timeout;
      return this;
    }

    public Builder tlsSecrets(boolean read) {
      this.tlsSecrets = read;
      return this;
    }

    public Builder metrics(int port, boolean countPerNamespace) {
      this.metricsPort = port;
      this.namespaceLabel = countPerNamespace;
      return this;
    }

    public Builder remediationInterval(Duration interval) {
      this.remediationInterval = interval;
      return this;
    }

    public Builder operatorNamespace(String namespace) {
      this.operatorNamespace = namespace == null || namespace.isBlank() ? null : namespace;
      return this;
    }

    /** Null for a single replica that always writes. */
    public Builder leaderElection(LeaderElection election) {
      this.leaderElection = election;
      return this;
    }

    /** At most so many finding Events a minute in all, and about any one object; 0 records none. */
    public Builder events(int perMinute, int perObjectPerMinute) {
      this.eventsPerMinute = perMinute;
      this.eventsPerObjectPerMinute = perObjectPerMinute;
      return this;
    }

    public OperatorSettings build() {
      return new OperatorSettings(fullPassInterval, statusInterval, recheckInterval, cacheSyncTimeout, tlsSecrets,
          metricsPort, namespaceLabel, remediationInterval, Optional.ofNullable(operatorNamespace),
          Optional.ofNullable(leaderElection), eventsPerMinute, eventsPerObjectPerMinute);
    }
  }
}
