package io.clusterdoc.remediation.actions;

import static io.clusterdoc.remediation.actions.ActionFixtures.decided;
import static io.clusterdoc.remediation.actions.ActionFixtures.enabled;
import static io.clusterdoc.remediation.actions.ActionFixtures.get;
import static io.clusterdoc.remediation.actions.ActionFixtures.replaced;
import static io.clusterdoc.remediation.actions.ActionFixtures.with;
import static io.clusterdoc.remediation.actions.ActionFixtures.without;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.remediation.Decision;
import io.clusterdoc.remediation.FreshReads;
import io.clusterdoc.remediation.InMemoryReads;
import io.clusterdoc.remediation.Write;
import io.clusterdoc.rules.pods.PodStuckTerminating;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForceDeleteStuckPodTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "force-delete-stuck-pod.yaml";
  /** On spot-worker-7, whose Node object is gone. */
  private static final String ON_GONE_NODE = "invoice-api-7f9c6d5b8-x2k4m";
  /** On worker-3, NotReady since 08:41; claims report-scratch (ReadWriteOnce, detached) and report-archive (shared). */
  private static final String ON_LOST_NODE = "report-builder-6b8d9c7f5-q7zxk";
  private static final String SCRATCH_VOLUME = "pvc-3f2a9c1e-7b4d-4e8f-a6c2-9d1b5e0f7a34";
  /** On worker-4, NotReady since 09:58:30. */
  private static final String ON_RECENTLY_LOST_NODE = "fx-rates-84c6b7d9f5-w2j8n";

  private final ForceDeleteStuckPod action = new ForceDeleteStuckPod();
  private final List<HasMetadata> objects = ActionFixtures.objects(getClass(), FIXTURE);

  @Test
  void forceDeletesAPodWhoseNodeIsGone() {
    Decision decision = decideOn(ON_GONE_NODE, objects);

    assertThat(decision.writes()).containsExactly(new Write.DeletePod(pod(ON_GONE_NODE), true));
    assertThat(decision.reason()).isEqualTo("node spot-worker-7 is gone: no kubelet will finish the deletion");
  }

  @Test
  void forceDeletesAPodOnANodeNotReadyLongerThanTheThresholdOnceItsVolumeIsDetached() {
    Decision decision = decideOn(ON_LOST_NODE, objects);

    assertThat(decision.writes()).containsExactly(new Write.DeletePod(pod(ON_LOST_NODE), true));
    assertThat(decision.reason()).isEqualTo("node worker-3 NotReady for 1h23m: its kubelet cannot finish the deletion");
  }

  @Test
  void aSharedVolumeStillAttachedDoesNotHoldThePod() {
    VolumeAttachment archive = get(objects, VolumeAttachment.class,
        "csi-4b0a6f1d2c9e8b7a5d3c1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b");
    assertThat(archive.getStatus().getAttached()).isTrue();
    assertThat(get(objects, PersistentVolumeClaim.class, "report-archive").getSpec().getAccessModes())
        .containsExactly("ReadWriteMany");

    assertThat(decideOn(ON_LOST_NODE, objects).refused()).isFalse();
  }

  /** The planner stops before the action when the pod, the finding's object, is gone; the action checks too. */
  @Test
  void refusesWhenThePodIsGone() {
    List<HasMetadata> gone = without(objects, Pod.class, ON_GONE_NODE);

    assertThat(ActionFixtures.plan(action, findingOn(ON_GONE_NODE), new InMemoryReads(gone), NOW)).isEmpty();
    assertThat(action.decide(findingOn(ON_GONE_NODE), new InMemoryReads(gone), Duration.ofMinutes(10),
        Instant.parse(NOW)).reason()).isEqualTo("pod billing/invoice-api-7f9c6d5b8-x2k4m is gone");
  }

  @Test
  void refusesForAPodNotBeingDeleted() {
    Pod recreated = new PodBuilder(pod(ON_GONE_NODE)).editMetadata().withDeletionTimestamp(null)
        .withDeletionGracePeriodSeconds(null).endMetadata().build();

    Decision decision = decideOn(ON_GONE_NODE, replaced(objects, recreated));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason())
        .isEqualTo("pod billing/invoice-api-7f9c6d5b8-x2k4m is not being deleted (no deletionTimestamp)");
  }

  @Test
  void refusesForAStatefulSetPod() {
    Decision decision = decideOn("ledger-0", objects);

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("StatefulSet ledger owns the pod: its replacement takes the same name "
        + "and volumes at once, and two pods of one identity may run if the old containers still do");
  }

  @Test
  void refusesWhileFinalizersRemain() {
    Decision decision = decideOn("statement-mailer-6c8b7d9f4-p9qrs", objects);

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("metadata.finalizers [billing.example.com/mail-drain] hold the pod: "
        + "force deletion would not remove it, the controllers behind them must");
  }

  @Test
  void refusesForAPodOnAReadyNode() {
    Decision decision = decideOn("payment-gateway-5d7c9b8f6-t4lmn", objects);

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("node worker-1 is Ready: its kubelet finishes the deletion");
  }

  @Test
  void refusesForAPodOnANodeNotReadyForLessThanTheThreshold() {
    Decision decision = decideOn(ON_RECENTLY_LOST_NODE, objects);

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("node worker-4 NotReady for less than 10m");
  }

  @Test
  void aConfiguredThresholdReplacesTheTenMinutes() {
    Decision decision = decided(ActionFixtures.plan(action, findingOn(ON_RECENTLY_LOST_NODE),
        new InMemoryReads(objects), NOW, enabled(Map.of(ForceDeleteStuckPod.ID, Duration.ofMinutes(5)))));

    assertThat(decision.writes()).containsExactly(new Write.DeletePod(pod(ON_RECENTLY_LOST_NODE), true));
    assertThat(decision.reason()).isEqualTo("node worker-4 NotReady for 6m30s: its kubelet cannot finish the deletion");
  }

  @Test
  void refusesWhenTheNodeSaysNotSinceWhenItIsNotReady() {
    Node silent = new NodeBuilder(get(objects, Node.class, "worker-3")).editStatus().withConditions(List.of())
        .endStatus().build();

    Decision decision = decideOn(ON_LOST_NODE, replaced(objects, silent));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("node worker-3 has no Ready condition with a lastTransitionTime: how "
        + "long it has been NotReady is unknown");
  }

  @Test
  void refusesForAPodNeverScheduled() {
    Pod unscheduled = new PodBuilder(pod(ON_GONE_NODE)).editSpec().withNodeName(null).endSpec().build();

    Decision decision = decideOn(ON_GONE_NODE, replaced(objects, unscheduled));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("the pod has no spec.nodeName: it was never scheduled, so no kubelet "
        + "holds it and only the API server does; not a case for force deletion");
  }

  @Test
  void refusesWhileAReadWriteOnceVolumeIsStillAttached() {
    Decision decision = decideOn(ON_LOST_NODE, with(objects, List.of(attachment(SCRATCH_VOLUME, true))));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("volume " + SCRATCH_VOLUME + " of claim report-scratch is still "
        + "attached to node worker-3");
  }

  @Test
  void aReadWriteOncePodVolumeStillAttachedHoldsThePodToo() {
    PersistentVolumeClaim oncePod = new PersistentVolumeClaimBuilder(claim("report-scratch")).editSpec()
        .withAccessModes("ReadWriteOncePod").endSpec().build();

    Decision decision = decideOn(ON_LOST_NODE, with(replaced(objects, oncePod),
        List.of(attachment(SCRATCH_VOLUME, true))));

    assertThat(decision.reason()).isEqualTo("volume " + SCRATCH_VOLUME + " of claim report-scratch is still "
        + "attached to node worker-3");
  }

  @Test
  void anAttachmentNotAttachedDoesNotHoldThePod() {
    Decision decision = decideOn(ON_LOST_NODE, with(objects, List.of(attachment(SCRATCH_VOLUME, false))));

    assertThat(decision.writes()).containsExactly(new Write.DeletePod(pod(ON_LOST_NODE), true));
  }

  @Test
  void refusesWhenAClaimCannotBeRead() {
    FreshReads failing = new FailingReads(new InMemoryReads(objects), true, false);

    Decision decision = decided(ActionFixtures.plan(action, findingOn(ON_LOST_NODE), failing, NOW));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason())
        .isEqualTo("claim report-scratch cannot be read: its volume cannot be proven detached");
  }

  @Test
  void refusesWhenAClaimIsGone() {
    Decision decision = decideOn(ON_LOST_NODE, without(objects, PersistentVolumeClaim.class, "report-scratch"));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("claim report-scratch is gone: its volume cannot be proven detached");
  }

  @Test
  void refusesWhenTheAttachmentsCannotBeListed() {
    FreshReads failing = new FailingReads(new InMemoryReads(objects), false, true);

    Decision decision = decided(ActionFixtures.plan(action, findingOn(ON_LOST_NODE), failing, NOW));

    assertThat(decision.refused()).isTrue();
    assertThat(decision.reason()).isEqualTo("VolumeAttachments cannot be listed: volume " + SCRATCH_VOLUME
        + " of claim report-scratch cannot be proven detached");
  }

  @Test
  void theClaimOfAGenericEphemeralVolumeIsCheckedToo() {
    Pod withEphemeral = new PodBuilder(pod(ON_GONE_NODE)).editSpec().addNewVolume().withName("cache")
        .withNewEphemeral().withNewVolumeClaimTemplate().withNewSpec().withAccessModes("ReadWriteOnce")
        .endSpec().endVolumeClaimTemplate().endEphemeral().endVolume().endSpec().build();
    PersistentVolumeClaim ephemeralClaim = new PersistentVolumeClaimBuilder(claim("report-scratch")).editMetadata()
        .withName(ON_GONE_NODE + "-cache").endMetadata().build();

    Decision decision = decideOn(ON_GONE_NODE, with(replaced(objects, withEphemeral),
        List.of(ephemeralClaim, attachment(SCRATCH_VOLUME, true))));

    assertThat(decision.reason()).isEqualTo("volume " + SCRATCH_VOLUME + " of claim " + ON_GONE_NODE
        + "-cache is still attached to node worker-3");
  }

  private Decision decideOn(String pod, List<HasMetadata> fresh) {
    return decided(ActionFixtures.plan(action, findingOn(pod), new InMemoryReads(fresh), NOW));
  }

  private Finding findingOn(String pod) {
    return ActionFixtures.finding(new PodStuckTerminating(), NOW, getClass(), FIXTURE, pod);
  }

  private Pod pod(String name) {
    return get(objects, Pod.class, name);
  }

  private PersistentVolumeClaim claim(String name) {
    return get(objects, PersistentVolumeClaim.class, name);
  }

  private static VolumeAttachment attachment(String volume, boolean attached) {
    return new VolumeAttachmentBuilder().withNewMetadata().withName("csi-" + volume).endMetadata()
        .withNewSpec().withAttacher("rbd.csi.ceph.com").withNodeName("worker-3").withNewSource()
        .withPersistentVolumeName(volume).endSource().endSpec()
        .withNewStatus().withAttached(attached).endStatus()
        .build();
  }

  /** The fixture's reads, but for claims or VolumeAttachments, which fail as a call the API server refuses. */
  private static final class FailingReads implements FreshReads {
    private final FreshReads reads;
    private final boolean claimsFail;
    private final boolean attachmentsFail;

    FailingReads(FreshReads reads, boolean claimsFail, boolean attachmentsFail) {
      this.reads = reads;
      this.claimsFail = claimsFail;
      this.attachmentsFail = attachmentsFail;
    }

    @Override
    public Optional<HasMetadata> object(ObjectRef object) {
      return reads.object(object);
    }

    @Override
    public Optional<Namespace> namespace(String name) {
      return reads.namespace(name);
    }

    @Override
    public Optional<Pod> pod(String namespace, String name) {
      return reads.pod(namespace, name);
    }

    @Override
    public List<Pod> podsInNamespace(String namespace) {
      return reads.podsInNamespace(namespace);
    }

    @Override
    public Optional<Node> node(String name) {
      return reads.node(name);
    }

    @Override
    public Optional<Service> service(String namespace, String name) {
      return reads.service(namespace, name);
    }

    @Override
    public Optional<Endpoints> endpoints(String namespace, String name) {
      return reads.endpoints(namespace, name);
    }

    @Override
    public Optional<PersistentVolumeClaim> persistentVolumeClaim(String namespace, String name) {
      if (claimsFail) {
        throw new KubernetesClientException("persistentvolumeclaims is forbidden", 403, null);
      }
      return reads.persistentVolumeClaim(namespace, name);
    }

    @Override
    public List<VolumeAttachment> volumeAttachments() {
      if (attachmentsFail) {
        throw new KubernetesClientException("volumeattachments.storage.k8s.io is forbidden", 403, null);
      }
      return reads.volumeAttachments();
    }
  }
}
