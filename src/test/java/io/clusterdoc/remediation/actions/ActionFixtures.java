package io.clusterdoc.remediation.actions;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.api.v1alpha1.RemediationSettings.Mode;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Rule;
import io.clusterdoc.remediation.Consent;
import io.clusterdoc.remediation.Decision;
import io.clusterdoc.remediation.FreshReads;
import io.clusterdoc.remediation.Planner;
import io.clusterdoc.remediation.RemediationAction;
import io.clusterdoc.remediation.RemediationPolicy;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the action tests share: the objects of a fixture as the API server holds them, the finding the rule makes
 * over the same fixture, and the real planner, so that consent is checked around every decision as in the operator.
 */
final class ActionFixtures {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private ActionFixtures() {
  }

  /** A policy that lets every action act, with its default threshold unless one is given here. */
  static RemediationPolicy enabled(Map<String, Duration> thresholds) {
    return new RemediationPolicy(Mode.ENABLED, Set.of(), thresholds, 10, 5);
  }

  /**
   * Every object of a fixture beside the test class, whatever its kind: the reader the rules use leaves out the
   * kinds no rule reads, such as ReplicaSets and VolumeAttachments, which the actions read.
   */
  static List<HasMetadata> objects(Class<?> test, String fixture) {
    try (InputStream in = test.getResourceAsStream(fixture)) {
      assertThat(in).as("fixture %s beside %s", fixture, test.getSimpleName()).isNotNull();
      return SERIALIZATION.unmarshal(in, KubernetesList.class).getItems();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The finding the rule makes, over the fixture, on the object of this name. */
  static Finding finding(Rule rule, String now, Class<?> test, String fixture, String objectName) {
    return Scenario.of(rule, now).load(test, fixture).findingOn(objectName);
  }

  static Optional<Decision> plan(RemediationAction action, Finding finding, FreshReads reads, String now) {
    return plan(action, finding, reads, now, enabled(Map.of()));
  }

  static Optional<Decision> plan(RemediationAction action, Finding finding, FreshReads reads, String now,
      RemediationPolicy policy) {
    return new Planner(List.of(action), Consent.SYSTEM_NAMESPACES).plan(finding, policy, reads, Instant.parse(now));
  }

  /** The decision, failing the test when the planner made none. */
  static Decision decided(Optional<Decision> decision) {
    assertThat(decision).as("a decision").isPresent();
    return decision.get();
  }

  static <T extends HasMetadata> T get(List<HasMetadata> objects, Class<T> type, String name) {
    return objects.stream().filter(type::isInstance).map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  /** The objects with the one of the same kind and name as {@code changed} replaced by it. */
  static List<HasMetadata> replaced(List<HasMetadata> objects, HasMetadata changed) {
    return objects.stream().map(o -> sameObject(o, changed) ? changed : o).toList();
  }

  static List<HasMetadata> without(List<HasMetadata> objects, Class<? extends HasMetadata> type, String name) {
    return objects.stream().filter(o -> !(type.isInstance(o) && o.getMetadata().getName().equals(name))).toList();
  }

  static List<HasMetadata> with(List<HasMetadata> objects, List<? extends HasMetadata> added) {
    return Stream.concat(objects.stream(), added.stream()).toList();
  }

  private static boolean sameObject(HasMetadata a, HasMetadata b) {
    return a.getKind().equals(b.getKind()) && a.getMetadata().getName().equals(b.getMetadata().getName());
  }
}
