package io.clusterdoc.rules.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimilarPodsTest {

  private static Pod pod(String name, Map<String, String> labels) {
    return new PodBuilder().withNewMetadata().withNamespace("orders").withName(name).withLabels(labels).endMetadata()
        .build();
  }

  private static List<String> similar(Map<String, String> selector, Pod... pods) {
    return SimilarPods.of(selector, List.of(pods)).stream().map(SimilarPods.NearMiss::display).toList();
  }

  @Test
  void aTypoInTheOnlyLabelIsANearMissAndAnotherAppIsNot() {
    assertThat(similar(Map.of("app", "nginx"),
        pod("web-1", Map.of("app", "ngnix")),
        pod("db-1", Map.of("app", "postgres")),
        pod("unlabelled-1", Map.of())))
        .containsExactly("web-1 (app=ngnix, not nginx)");
  }

  @Test
  void theValueUnderAnotherKeyIsANearMiss() {
    assertThat(similar(Map.of("app", "orders"), pod("orders-1", Map.of("app.kubernetes.io/name", "orders"))))
        .containsExactly("orders-1 (app.kubernetes.io/name=orders but no label app)");
  }

  @Test
  void withSeveralLabelsAnyPodMissingOnlyOneIsSimilar() {
    Map<String, String> selector = Map.of("app", "orders", "version", "v1", "tier", "api");

    assertThat(similar(selector,
        pod("orders-v2", Map.of("app", "orders", "version", "v2", "tier", "api")),
        pod("orders-untiered", Map.of("app", "orders", "version", "v1")),
        pod("other", Map.of("app", "other", "version", "v2", "tier", "api"))))
        .containsExactly("orders-untiered (no label tier)", "orders-v2 (version=v2, not v1)");
  }

  @Test
  void aMatchingPodIsNotANearMiss() {
    Pod matching = pod("orders-1", Map.of("app", "orders", "pod-template-hash", "5d7c8b9f4"));

    assertThat(SimilarPods.matches(Map.of("app", "orders"), matching)).isTrue();
    assertThat(similar(Map.of("app", "orders"), matching)).isEmpty();
    assertThat(SimilarPods.matches(Map.of("app", "orders"), pod("bare", null))).isFalse();
  }

  @Test
  void distanceCountsEdits() {
    assertThat(SimilarPods.distance("nginx", "ngnix")).isEqualTo(2);
    assertThat(SimilarPods.distance("ledger", "ledgr")).isEqualTo(1);
    assertThat(SimilarPods.distance("", "abc")).isEqualTo(3);
    assertThat(SimilarPods.distance("orders", "orders")).isZero();
  }
}
