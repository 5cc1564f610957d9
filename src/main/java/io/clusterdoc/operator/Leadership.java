package io.clusterdoc.operator;

import io.clusterdoc.metrics.ClusterdocMetrics;
import io.clusterdoc.operator.OperatorSettings.LeaderElection;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this replica is the one that writes status, Events and remediations. With leader election,
 * java-operator-sdk's Lease decides and starts the controller on the leader only; every replica keeps its caches
 * and engines warm, so a standby takes over with current findings. Without it, the one replica writes once started.
 */
final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final KubernetesClient client;
  private final Optional<LeaderElection> election;
  private final ClusterdocMetrics metrics;
  private final Runnable onLost;
  private volatile boolean leading;
  private volatile boolean closing;

  /**
   * @param onLost what to do when leadership is lost other than by shutting down: the controller cannot be
   *     started again, so the process should end and come back as a standby
   */
  Leadership(KubernetesClient client, Optional<LeaderElection> election, ClusterdocMetrics metrics, Runnable onLost) {
    this.client = client;
    this.election = election;
    this.metrics = metrics;
    this.onLost = onLost;
  }

  /** The java-operator-sdk configuration, when leader election is on. */
  Optional<LeaderElectionConfiguration> configuration() {
    return election.map(e -> LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(e.leaseName())
        .withLeaseNamespace(e.leaseNamespace())
        .withIdentity(e.identity())
        .withLeaseDuration(e.leaseDuration())
        .withRenewDeadline(e.renewDeadline())
        .withRetryPeriod(e.retryPeriod())
        .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped,
            leader -> LOG.info("the leader is now {}", leader)))
        .withExitOnStopLeading(false)
        .build());
  }

  /** The operator has started: without an election, this replica writes from now on. */
  void operatorStarted() {
    if (election.isEmpty()) {
      started();
    }
  }

  boolean leading() {
    return leading;
  }

  boolean elected() {
    return election.isPresent();
  }

  private void started() {
    leading = true;
    metrics.leader(true);
    election.ifPresent(e -> LOG.info("{} leads: it writes status, Events and remediations", e.identity()));
  }

  private void stopped() {
    leading = false;
    metrics.leader(false);
    if (!closing) {
      LOG.error("{} lost the Lease and stops; it rejoins as a standby when restarted",
          election.map(LeaderElection::identity).orElse(""));
      onLost.run();
    }
  }

  /** Stops writing at once, before anything else shuts down. */
  void closing() {
    closing = true;
  }

  /**
   * Hands the Lease over, if this replica still holds it, instead of letting it run out, as client-go does on
   * release: no holder, a one-second duration, so that a standby takes over at its next try rather than after the
   * full lease duration. Stopping the election has already ended leading, so the Lease itself says who holds it.
   */
  void release() {
    leading = false;
    metrics.leader(false);
    if (election.isEmpty()) {
      return;
    }
    LeaderElection e = election.get();
    try {
      Lease lease = client.leases().inNamespace(e.leaseNamespace()).withName(e.leaseName()).get();
      if (lease == null || !e.identity().equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      lease.getSpec().setHolderIdentity("");
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setRenewTime(now);
      client.resource(lease).update();
      LOG.info("{} released the Lease {}/{}", e.identity(), e.leaseNamespace(), e.leaseName());
    } catch (KubernetesClientException ex) {
      LOG.warn("could not release the Lease {}/{}; a standby takes over when it expires: {}", e.leaseNamespace(),
          e.leaseName(), ex.getMessage());
    }
  }
}
