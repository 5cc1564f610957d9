package io.clusterdoc.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Drops what no rule reads before an object is cached, so large clusters fit in a small heap. What each kind keeps,
 * and why, is in docs/architecture.md; PruningSafetyTest runs every rule over every fixture pruned and unpruned and
 * fails when the findings differ.
 */
public final class Pruning {
  /** The only key of a TLS Secret any rule reads; its private key must never be held. */
  public static final String TLS_CERTIFICATE = "tls.crt";
  /**
   * Annotations this large are kept whole: object-size-near-limit reports annotations from 200 KiB on, and needs
   * every entry to name the largest. Below it, a pod keeps only clusterdoc's own annotations.
   */
  public static final long KEEP_ANNOTATIONS_FROM_BYTES = 128 * 1024;
  private static final String OWN_ANNOTATION_PREFIX = "clusterdoc.io/";
  /**
   * The pod condition types the rules look up (pod-not-ready, pod-unschedulable, the Service and DaemonSet rules);
   * a rule that reads another type must add it here, or PruningSafetyTest fails on its fixtures.
   */
  public static final Set<String> READ_POD_CONDITIONS = Set.of("Ready", "ContainersReady", "PodScheduled");
  /** 2^16 slots: 256 KiB, enough to hold the parts a cluster's pods have in common while a list streams in. */
  private static final SharedParts SHARED_PARTS = new SharedParts(16);

  private Pruning() {
  }

  /** Prunes in place and returns the object. */
  public static <T extends HasMetadata> T prune(T object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    if (object instanceof Secret secret) {
      String certificate = secret.getData() == null ? null : secret.getData().get(TLS_CERTIFICATE);
      secret.setData(certificate == null ? Map.of() : Map.of(TLS_CERTIFICATE, certificate));
      secret.setStringData(null);
      // kubectl apply's last-applied-configuration annotation holds the whole Secret, private key included
      secret.getMetadata().setAnnotations(ownAnnotations(secret.getMetadata().getAnnotations()));
    } else if (object instanceof Pod pod) {
      prunePod(pod);
    } else if (object instanceof Node node && node.getStatus() != null) {
      // The list of images on the node is often its largest part; no rule reads it.
      node.getStatus().setImages(null);
    }
    SHARED_PARTS.compactParts(object);
    return object;
  }

  /**
   * Pods are by far the most numerous objects. Their annotations (sidecar status, checksums, scrape settings) and
   * literal environment values are read by no rule; an environment variable that takes its value from a ConfigMap
   * or Secret is kept, since pod-config-error names it when the reference is missing. Of the status, what differs
   * in every pod and no rule reads goes: container ids and image digests, the pod's and host's IPs, and the
   * conditions of types no rule asks for (their timestamps are the pod's own).
   */
  private static void prunePod(Pod pod) {
    if (pod.getMetadata() != null && annotationBytes(pod.getMetadata().getAnnotations()) < KEEP_ANNOTATIONS_FROM_BYTES) {
      pod.getMetadata().setAnnotations(ownAnnotations(pod.getMetadata().getAnnotations()));
    }
    if (pod.getSpec() != null) {
      Stream.of(pod.getSpec().getContainers(), pod.getSpec().getInitContainers())
          .filter(Objects::nonNull)
          .flatMap(List::stream)
          .filter(Objects::nonNull)
          .forEach(Pruning::keepReferencedEnv);
    }
    if (pod.getStatus() != null) {
      prunePodStatus(pod.getStatus());
    }
  }

  private static void prunePodStatus(PodStatus status) {
    status.setPodIP(null);
    status.setPodIPs(null);
    status.setHostIP(null);
    status.setHostIPs(null);
    if (status.getConditions() != null && !status.getConditions().stream().allMatch(Pruning::isReadCondition)) {
      status.setConditions(status.getConditions().stream().filter(Pruning::isReadCondition).toList());
    }
    Stream.of(status.getContainerStatuses(), status.getInitContainerStatuses(), status.getEphemeralContainerStatuses())
        .filter(Objects::nonNull)
        .flatMap(List::stream)
        .filter(Objects::nonNull)
        .forEach(container -> {
          container.setContainerID(null);
          container.setImageID(null);
        });
  }

  /** A condition without a type cannot be looked up by one. */
  private static boolean isReadCondition(PodCondition condition) {
    return condition != null && condition.getType() != null && READ_POD_CONDITIONS.contains(condition.getType());
  }

  private static void keepReferencedEnv(Container container) {
    // Both the informer's cache and the store prune the same pod; the second time the container may already be
    // shared with other pods (SharedParts) and must not be written to, and nothing is left to filter.
    if (container.getEnv() != null
        && container.getEnv().stream().anyMatch(env -> env == null || env.getValueFrom() == null)) {
      container.setEnv(container.getEnv().stream().filter(env -> env != null && env.getValueFrom() != null).toList());
    }
  }

  /**
   * The annotations' size in UTF-8, encoded only when it could matter: a character takes at most three bytes, so
   * annotations of fewer characters than a third of the threshold are counted without encoding anything, which is
   * nearly every pod on every update.
   */
  private static long annotationBytes(Map<String, String> annotations) {
    if (annotations == null) {
      return 0;
    }
    long chars = 0;
    for (Map.Entry<String, String> annotation : annotations.entrySet()) {
      chars += length(annotation.getKey()) + length(annotation.getValue());
    }
    if (chars * 3 < KEEP_ANNOTATIONS_FROM_BYTES) {
      return chars;
    }
    long bytes = 0;
    for (Map.Entry<String, String> annotation : annotations.entrySet()) {
      bytes += utf8(annotation.getKey()) + utf8(annotation.getValue());
    }
    return bytes;
  }

  private static long length(String text) {
    return text == null ? 0 : text.length();
  }

  private static long utf8(String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }

  private static Map<String, String> ownAnnotations(Map<String, String> annotations) {
    if (annotations == null) {
      return null;
    }
    Map<String, String> own = new HashMap<>();
    annotations.forEach((key, value) -> {
      if (key.startsWith(OWN_ANNOTATION_PREFIX)) {
        own.put(key, value);
      }
    });
    // An empty map per cached pod adds up; every reader treats null as no annotations.
    return own.isEmpty() ? null : own;
  }
}
