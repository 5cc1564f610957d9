package io.clusterdoc.remediation;

import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random small cluster, from one seed, in which the four remediable failures occur with and without consent,
 * inside and outside protected namespaces, on both sides of every guard: Terminating namespaces with and without
 * blocking conditions, evicted pods of every owner and age next to other pods, pods stuck Terminating on nodes in
 * every state and with volumes in every state, and Endpoints whose port names may or may not be repairable.
 */
final class GeneratedCluster {
  private static final List<String> NAMESPACES = List.of("team-a", "team-b", "shop", "clusterdoc", "default",
      "kube-system");
  private static final List<String> NODES = List.of("node-0", "node-1", "node-2", "node-gone");
  private static final List<String> BLOCKING = List.of("NamespaceContentRemaining", "NamespaceFinalizersRemaining",
      "NamespaceDeletionDiscoveryFailure");

  private final Random random;
  private final Instant now;
  private final List<HasMetadata> objects = new ArrayList<>();
  private int serial;

  GeneratedCluster(long seed, Instant now) {
    this.random = new Random(seed);
    this.now = now;
    nodes();
    for (String namespace : NAMESPACES) {
      if (random.nextInt(3) > 0) {
        namespace(namespace);
      }
    }
  }

  List<HasMetadata> objects() {
    return objects;
  }

  private void nodes() {
    for (String name : NODES.subList(0, 3)) {
      String ready = pick("True", "False", "Unknown");
      objects.add(new NodeBuilder().withMetadata(meta(null, name)).withNewStatus().addNewCondition()
          .withType("Ready").withStatus(ready).withLastTransitionTime(ago(pick(2, 30, 240))).endCondition()
          .endStatus().build());
    }
  }

  private void namespace(String name) {
    ObjectMeta meta = meta(null, name);
    boolean terminating = random.nextBoolean();
    if (terminating) {
      meta.setDeletionTimestamp(ago(pick(10, 45, 180)));
      meta.setFinalizers(random.nextBoolean() ? List.of("example.com/hold") : List.of());
    }
    List<NamespaceCondition> conditions = new ArrayList<>();
    for (String type : BLOCKING) {
      if (random.nextInt(4) == 0) {
        conditions.add(new NamespaceConditionBuilder().withType(type).withStatus(pick("True", "False")).build());
      }
    }
    objects.add(new NamespaceBuilder().withMetadata(meta).withNewSpec()
        .withFinalizers(random.nextInt(4) > 0 ? List.of("kubernetes") : List.of()).endSpec()
        .withNewStatus().withPhase(terminating ? "Terminating" : "Active").withConditions(conditions).endStatus()
        .build());
    String replicaSet = owner(name, "ReplicaSet");
    String statefulSet = owner(name, "StatefulSet");
    int pods = random.nextInt(6);
    for (int i = 0; i < pods; i++) {
      switch (random.nextInt(3)) {
        case 0 -> evictedPod(name, replicaSet);
        case 1 -> stuckPod(name, replicaSet, statefulSet);
        default -> runningPod(name, replicaSet);
      }
    }
    if (random.nextBoolean()) {
      serviceWithEndpoints(name);
    }
  }

  private String owner(String namespace, String kind) {
    String name = kind.toLowerCase() + "-" + serial++;
    ObjectMeta meta = meta(namespace, name);
    objects.add("ReplicaSet".equals(kind) ? new ReplicaSetBuilder().withMetadata(meta).build()
        : new StatefulSetBuilder().withMetadata(meta).build());
    return name;
  }

  private void evictedPod(String namespace, String replicaSet) {
    ObjectMeta meta = meta(namespace, "evicted-" + serial++);
    ownedBy(meta, random.nextInt(5) == 0 ? null : replicaSet, "ReplicaSet", random.nextInt(5) > 0);
    if (random.nextInt(8) == 0) {
      meta.setDeletionTimestamp(ago(1));
    }
    objects.add(new PodBuilder().withMetadata(meta).withNewSpec().withNodeName(pick(NODES.toArray(String[]::new)))
        .endSpec().withNewStatus().withPhase(pick("Failed", "Failed", "Failed", "Succeeded"))
        .withReason(pick("Evicted", "Evicted", "Evicted", "DeadlineExceeded"))
        .withMessage("The node was low on resource: memory.")
        .addNewCondition().withType("Ready").withStatus("False").withLastTransitionTime(ago(pick(20, 90, 600)))
        .endCondition().endStatus().build());
  }

  private void stuckPod(String namespace, String replicaSet, String statefulSet) {
    ObjectMeta meta = meta(namespace, "stuck-" + serial++);
    boolean stateful = random.nextInt(4) == 0;
    ownedBy(meta, stateful ? statefulSet : replicaSet, stateful ? "StatefulSet" : "ReplicaSet", true);
    meta.setDeletionTimestamp(ago(pick(2, 20, 120)));
    if (random.nextInt(5) == 0) {
      meta.setFinalizers(List.of("example.com/cleanup"));
    }
    PodBuilder pod = new PodBuilder().withMetadata(meta).withNewSpec().withNodeName(pick(NODES.toArray(String[]::new)))
        .withTerminationGracePeriodSeconds(30L).endSpec()
        .withNewStatus().withPhase("Running").endStatus();
    if (random.nextBoolean()) {
      String claim = "data-" + serial++;
      String volume = "pv-" + serial++;
      pod.editSpec().addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName(claim)
          .endPersistentVolumeClaim().endVolume().endSpec();
      objects.add(new PersistentVolumeClaimBuilder().withMetadata(meta(namespace, claim)).withNewSpec()
          .withAccessModes(pick("ReadWriteOnce", "ReadWriteMany", "ReadWriteOncePod")).withVolumeName(volume)
          .endSpec().build());
      if (random.nextBoolean()) {
        objects.add(new VolumeAttachmentBuilder().withMetadata(meta(null, "attachment-" + serial++)).withNewSpec()
            .withAttacher("ebs.csi.aws.com").withNodeName(meta.getName()).withNewSource()
            .withPersistentVolumeName(volume).endSource().endSpec().withNewStatus()
            .withAttached(random.nextBoolean()).endStatus().build());
      }
    }
    objects.add(pod.build());
  }

  private void runningPod(String namespace, String replicaSet) {
    ObjectMeta meta = meta(namespace, "web-" + serial++);
    ownedBy(meta, replicaSet, "ReplicaSet", true);
    objects.add(new PodBuilder().withMetadata(meta).withNewSpec().withNodeName("node-0").endSpec()
        .withNewStatus().withPhase("Running").endStatus().build());
  }

  private void serviceWithEndpoints(String namespace) {
    String name = "legacy-" + serial++;
    ServiceBuilder service = new ServiceBuilder().withMetadata(meta(namespace, name)).withNewSpec()
        .withClusterIP("10.96.0." + (serial % 250 + 2))
        .addToPorts(new ServicePortBuilder().withName("http").withPort(80).withProtocol("TCP")
            .withTargetPort(random.nextInt(4) > 0 ? new IntOrString(8080) : new IntOrString("web")).build())
        .endSpec();
    if (random.nextInt(6) == 0) {
      service.editSpec().withSelector(Map.of("app", name)).endSpec();
    }
    objects.add(service.build());
    ObjectMeta endpointsMeta = meta(namespace, name);
    if (random.nextInt(6) == 0) {
      endpointsMeta.setLabels(Map.of("endpoints.kubernetes.io/managed-by", "endpoint-controller"));
    }
    EndpointsBuilder endpoints = new EndpointsBuilder().withMetadata(endpointsMeta).addNewSubset()
        .addNewAddress().withIp("10.0.0." + (serial % 250 + 2)).endAddress()
        .addToPorts(new EndpointPortBuilder().withName(pick("", "web", "web", "http")).withPort(pick(8080, 8080, 80))
            .withProtocol("TCP").build())
        .endSubset();
    if (random.nextInt(4) == 0) {
      endpoints.editFirstSubset().addToPorts(new EndpointPortBuilder().withName("metrics").withPort(8080)
          .withProtocol(pick("TCP", "UDP")).build()).endSubset();
    }
    objects.add(endpoints.build());
  }

  private void ownedBy(ObjectMeta meta, String owner, String kind, boolean controller) {
    if (owner != null) {
      HasMetadata ownerObject = objects.stream().filter(o -> o.getMetadata().getName().equals(owner)).findFirst()
          .orElseThrow();
      meta.setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind(kind)
          .withName(owner).withUid(ownerObject.getMetadata().getUid()).withController(controller).build()));
    }
  }

  /** Metadata with a uid, a resourceVersion, and a consent annotation that is absent, "true" or "false". */
  private ObjectMeta meta(String namespace, String name) {
    Map<String, String> annotations = new HashMap<>();
    int consent = random.nextInt(10);
    if (consent < 4) {
      annotations.put(Consent.ANNOTATION, consent < 3 ? "true" : "false");
    }
    return new ObjectMetaBuilder().withNamespace(namespace).withName(name).withUid("uid-" + name + "-" + serial++)
        .withResourceVersion(String.valueOf(serial++)).withCreationTimestamp(ago(24 * 60))
        .withAnnotations(annotations).build();
  }

  private String ago(int minutes) {
    return now.minus(Duration.ofMinutes(minutes)).toString();
  }

  @SafeVarargs
  private <T> T pick(T... choices) {
    return choices[random.nextInt(choices.length)];
  }
}
