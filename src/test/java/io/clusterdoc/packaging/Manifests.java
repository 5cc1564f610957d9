package io.clusterdoc.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Kubernetes objects as Helm or kustomize rendered them, parsed by fabric8 into typed objects. */
record Manifests(List<HasMetadata> objects) {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static Manifests parse(String yaml) {
    // Helm starts every document with "---" and a "# Source" comment; a render can also be empty.
    if (yaml.isBlank()) {
      return new Manifests(List.of());
    }
    Object parsed = SERIALIZATION.unmarshal(yaml);
    List<HasMetadata> objects = new ArrayList<>();
    if (parsed instanceof List<?> list) {
      list.stream().map(HasMetadata.class::cast).forEach(objects::add);
    } else {
      objects.add((HasMetadata) parsed);
    }
    return new Manifests(List.copyOf(objects));
  }

  /** "Kind/name" of every object, sorted. */
  TreeSet<String> kindsAndNames() {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName())
        .collect(TreeSet::new, TreeSet::add, TreeSet::addAll);
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The only object of this type; fails the test when there is none or more than one. */
  <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    assertThat(found).as("objects of type %s", type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  <T extends HasMetadata> T named(Class<T> type, String name) {
    return find(type, name).orElseThrow(() -> new AssertionError(
        "no " + type.getSimpleName() + " named " + name + " in " + kindsAndNames()));
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
  }

  /** A custom resource (ServiceMonitor, PrometheusRule, ClusterDiagnosis): fabric8 has no class for them. */
  GenericKubernetesResource custom(String kind) {
    List<GenericKubernetesResource> found = all(GenericKubernetesResource.class).stream()
        .filter(o -> o.getKind().equals(kind)).toList();
    assertThat(found).as("objects of kind %s", kind).hasSize(1);
    return found.get(0);
  }

  Container operator() {
    return one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> c.getName().equals("operator")).findFirst().orElseThrow();
  }

  /** Every rule of every ClusterRole and Role. */
  List<PolicyRule> rbacRules() {
    return Stream.concat(all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
        all(Role.class).stream().flatMap(r -> r.getRules().stream())).toList();
  }
}
