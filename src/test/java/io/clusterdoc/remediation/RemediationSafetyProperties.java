package io.clusterdoc.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.api.v1alpha1.RemediationSettings.Mode;
import io.clusterdoc.cluster.ObjectStore;
import io.clusterdoc.engine.Engine;
import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Rule;
import io.clusterdoc.engine.TrackedFinding;
import io.clusterdoc.rules.RuleCatalog;
import io.clusterdoc.rules.Timestamps;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * The safety property of remediation, over generated clusters: whatever the cluster holds, the real rules find what
 * they find, the real planner decides, and no write it decides on ever targets an object without consent, in a
 * protected namespace, or failing its action's guard. The guards are re-stated here independently of the actions.
 */
class RemediationSafetyProperties {
  private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  private static final Set<String> PROTECTED = Stream.concat(Consent.SYSTEM_NAMESPACES.stream(), Stream.of("clusterdoc"))
      .collect(Collectors.toUnmodifiableSet());
  private static final Set<String> REMEDIABLE_RULES = Set.of("namespace-stuck-terminating", "pod-evicted",
      "endpoints-port-name-mismatch", "pod-stuck-terminating");
  private static final Set<String> BLOCKING_CONDITIONS = Set.of("NamespaceContentRemaining",
      "NamespaceFinalizersRemaining", "NamespaceDeletionDiscoveryFailure", "NamespaceDeletionGroupVersionParsingFailure",
      "NamespaceDeletionContentFailure");

  private final Planner planner = new Planner(RemediationCatalog.all(), PROTECTED);
  private final RemediationPolicy enabled = new RemediationPolicy(Mode.ENABLED, Set.of(), Map.of(), 1000, 1000);

  @Property(tries = 1000)
  void noWriteWithoutConsentInAProtectedNamespaceOrFailingItsGuard(@ForAll long seed) {
    List<HasMetadata> objects = new GeneratedCluster(seed, NOW).objects();
    InMemoryReads reads = new InMemoryReads(objects);
    Set<String> kinds = new TreeSet<>();
    for (Finding finding : findings(objects)) {
      Optional<Decision> decision = planner.plan(finding, enabled, reads, NOW);
      for (Write write : decision.map(Decision::writes).orElse(List.of())) {
        String context = "seed " + seed + ", finding " + finding.rule() + " on " + finding.object().display() + ", "
            + write.describe();
        HasMetadata subject = reads.object(finding.object()).orElseThrow();
        assertConsented(write.target(), subject, reads, context);
        assertGuardHolds(write, reads, context);
        kinds.add(kind(write));
      }
    }
    // Not vacuous: each kind of write is decided in a fair share of the generated clusters.
    for (String kind : List.of("finalize", "delete", "force-delete", "name-ports")) {
      Statistics.label(kind).collect(kinds.contains(kind));
      Statistics.label(kind).coverage(check -> check.check(true).percentage(p -> p >= 5));
    }
  }

  private static String kind(Write write) {
    if (write instanceof Write.DeletePod delete) {
      return delete.force() ? "force-delete" : "delete";
    }
    return write instanceof Write.FinalizeNamespace ? "finalize" : "name-ports";
  }

  private static List<Finding> findings(List<HasMetadata> objects) {
    ObjectStore store = new ObjectStore();
    objects.forEach(store::put);
    List<Rule> rules = RuleCatalog.all().stream().filter(r -> REMEDIABLE_RULES.contains(r.id())).toList();
    Engine engine = new Engine(store, rules, EngineConfig.DEFAULT, Clock.fixed(NOW, ZoneOffset.UTC),
        Engine.Listener.NONE);
    engine.fullPass();
    return engine.findings().stream().map(TrackedFinding::finding).toList();
  }

  private static void assertConsented(HasMetadata target, HasMetadata subject, FreshReads reads, String context) {
    String namespaceName = "Namespace".equals(target.getKind()) ? target.getMetadata().getName()
        : target.getMetadata().getNamespace();
    Optional<Namespace> namespace = reads.namespace(namespaceName);
    List<HasMetadata> holders = new ArrayList<>(List.of(target, subject));
    namespace.ifPresent(holders::add);
    assertThat(holders.stream().anyMatch(o -> says(o, "true"))).as("consent: " + context).isTrue();
    assertThat(holders.stream().noneMatch(o -> says(o, "false"))).as("no refusal: " + context).isTrue();
    assertThat(PROTECTED).as("unprotected: " + context).doesNotContain(namespaceName);
  }

  private static void assertGuardHolds(Write write, FreshReads reads, String context) {
    if (write instanceof Write.FinalizeNamespace finalize) {
      assertThat(finalizable(finalize.target())).as("guard: " + context).isTrue();
    } else if (write instanceof Write.DeletePod delete && delete.force()) {
      assertThat(forceDeletable(delete.target(), reads)).as("guard: " + context).isTrue();
    } else if (write instanceof Write.DeletePod delete) {
      assertThat(evictedLongAgo(delete.target())).as("guard: " + context).isTrue();
    } else if (write instanceof Write.NameEndpointsPorts name) {
      assertThat(unambiguousNames(name, reads)).as("guard: " + context).isTrue();
    }
  }

  private static boolean finalizable(Namespace namespace) {
    Optional<Instant> deleted = Timestamps.parse(namespace.getMetadata().getDeletionTimestamp());
    boolean blocked = namespace.getStatus() != null && namespace.getStatus().getConditions() != null
        && namespace.getStatus().getConditions().stream()
            .anyMatch(c -> BLOCKING_CONDITIONS.contains(c.getType()) && "True".equals(c.getStatus()));
    return deleted.isPresent() && deleted.get().isBefore(NOW.minus(Duration.ofMinutes(30))) && !blocked
        && namespace.getSpec() != null && !namespace.getSpec().getFinalizers().isEmpty();
  }

  private static boolean evictedLongAgo(Pod pod) {
    boolean evicted = "Failed".equals(pod.getStatus().getPhase()) && "Evicted".equals(pod.getStatus().getReason());
    boolean controlled = owners(pod).anyMatch(o -> Boolean.TRUE.equals(o.getController()));
    Instant evictedAt = pod.getStatus().getConditions().stream().map(PodCondition::getLastTransitionTime)
        .map(Timestamps::parse).flatMap(Optional::stream).max(Instant::compareTo)
        .orElseGet(() -> Timestamps.parse(pod.getMetadata().getCreationTimestamp()).orElse(NOW));
    return evicted && controlled && pod.getMetadata().getDeletionTimestamp() == null
        && evictedAt.isBefore(NOW.minus(Duration.ofHours(1)));
  }

  private static boolean forceDeletable(Pod pod, FreshReads reads) {
    boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
    boolean statefulSet = owners(pod).anyMatch(o -> "StatefulSet".equals(o.getKind()));
    boolean finalizers = pod.getMetadata().getFinalizers() != null && !pod.getMetadata().getFinalizers().isEmpty();
    Optional<Node> node = reads.node(pod.getSpec().getNodeName());
    boolean nodeDown = node.isEmpty() || node.get().getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && !"True".equals(c.getStatus())
            && Timestamps.parse(c.getLastTransitionTime()).orElse(NOW).isBefore(NOW.minus(Duration.ofMinutes(10))));
    return terminating && !statefulSet && !finalizers && nodeDown && !rwoVolumeAttached(pod, reads);
  }

  private static boolean rwoVolumeAttached(Pod pod, FreshReads reads) {
    for (Volume volume : pod.getSpec().getVolumes()) {
      if (volume.getPersistentVolumeClaim() == null) {
        continue;
      }
      Optional<PersistentVolumeClaim> claim = reads.persistentVolumeClaim(pod.getMetadata().getNamespace(),
          volume.getPersistentVolumeClaim().getClaimName());
      if (claim.isEmpty()) {
        return true;
      }
      boolean exclusive = claim.get().getSpec().getAccessModes().stream()
          .anyMatch(m -> m.equals("ReadWriteOnce") || m.equals("ReadWriteOncePod"));
      String volumeName = claim.get().getSpec().getVolumeName();
      if (exclusive && reads.volumeAttachments().stream().anyMatch(a -> attaches(a, volumeName))) {
        return true;
      }
    }
    return false;
  }

  private static boolean attaches(VolumeAttachment attachment, String volumeName) {
    return Objects.equals(attachment.getSpec().getSource().getPersistentVolumeName(), volumeName)
        && attachment.getStatus() != null && Boolean.TRUE.equals(attachment.getStatus().getAttached());
  }

  private static boolean unambiguousNames(Write.NameEndpointsPorts write, FreshReads reads) {
    Endpoints endpoints = write.target();
    Service service = reads.service(endpoints.getMetadata().getNamespace(), endpoints.getMetadata().getName())
        .orElseThrow();
    boolean selectorless = service.getSpec().getSelector() == null || service.getSpec().getSelector().isEmpty();
    boolean handWritten = endpoints.getMetadata().getLabels() == null
        || !endpoints.getMetadata().getLabels().containsKey("endpoints.kubernetes.io/managed-by");
    return selectorless && handWritten && write.names().stream().allMatch(name -> {
      var port = endpoints.getSubsets().get(name.subset()).getPorts().get(name.port());
      return port.getPort() == name.number()
          && Objects.requireNonNullElse(port.getProtocol(), "TCP").equals(name.protocol())
          && service.getSpec().getPorts().stream().anyMatch(p -> name.name().equals(p.getName()));
    });
  }

  private static Stream<OwnerReference> owners(Pod pod) {
    return pod.getMetadata().getOwnerReferences() == null ? Stream.empty()
        : pod.getMetadata().getOwnerReferences().stream();
  }

  private static boolean says(HasMetadata object, String value) {
    return object.getMetadata().getAnnotations() != null
        && value.equals(object.getMetadata().getAnnotations().get(Consent.ANNOTATION));
  }
}
