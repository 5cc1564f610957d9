package io.clusterdoc.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdoc.input.ManifestReader;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sharing parts must never change an object: every fixture's objects, compacted through one table, still equal and
 * serialise like a second reading of the same files. A small table makes unequal parts meet in the same slot often.
 */
class SharedPartsTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  @Test
  void compactedObjectsEqualTheObjectsAsRead() throws IOException {
    SharedParts parts = new SharedParts(6);
    int compared = 0;
    for (Path fixture : PruningSafetyTest.fixtures().toList()) {
      List<HasMetadata> compacted = new ManifestReader().read(fixture).objects();
      List<HasMetadata> asRead = new ManifestReader().read(fixture).objects();
      compacted.forEach(parts::compactParts);

      assertThat(compacted).as(fixture.toString()).isEqualTo(asRead);
      for (int i = 0; i < asRead.size(); i++) {
        assertThat(JSON.asJson(compacted.get(i))).as(fixture + " #" + i).isEqualTo(JSON.asJson(asRead.get(i)));
      }
      compared += asRead.size();
    }
    assertThat(compared).as("objects compared").isGreaterThan(500);
  }

  @Test
  void equalPartsOfTwoPodsBecomeOneInstance() {
    SharedParts parts = new SharedParts(16);
    Pod first = replica("shop-7d9f-a1", "uid-1", "10.0.0.1");
    Pod second = replica("shop-7d9f-b2", "uid-2", "10.0.0.2");

    parts.compactParts(first);
    parts.compactParts(second);

    assertThat(second.getMetadata().getLabels()).isSameAs(first.getMetadata().getLabels());
    assertThat(second.getSpec().getContainers()).isSameAs(first.getSpec().getContainers());
    assertThat(second.getStatus().getContainerStatuses().get(0).getImage())
        .isSameAs(first.getStatus().getContainerStatuses().get(0).getImage());
    assertThat(second.getMetadata()).isNotSameAs(first.getMetadata());
    assertThat(second.getStatus()).isNotSameAs(first.getStatus());
    assertThat(second.getStatus().getPodIP()).isEqualTo("10.0.0.2");
  }

  @Test
  void partsThatDifferInOneValueStayApart() {
    SharedParts parts = new SharedParts(16);
    Pod first = replica("a", "uid-1", "10.0.0.1");
    Pod second = replica("b", "uid-2", "10.0.0.2");
    second.getSpec().getContainers().get(0).getPorts().get(0).setContainerPort(8081);
    second.getStatus().getContainerStatuses().get(0).setReady(false);

    parts.compactParts(first);
    parts.compactParts(second);

    assertThat(second.getSpec().getContainers().get(0).getPorts().get(0).getContainerPort()).isEqualTo(8081);
    assertThat(first.getSpec().getContainers().get(0).getPorts().get(0).getContainerPort()).isEqualTo(8080);
    assertThat(second.getStatus().getContainerStatuses().get(0).getReady()).isFalse();
    assertThat(first.getStatus().getContainerStatuses().get(0).getReady()).isTrue();
  }

  /** "Aa" and "BB" have the same String hash: only the comparison can keep these labels apart. */
  @Test
  void partsWithTheSameHashButOtherValuesStayApart() {
    SharedParts parts = new SharedParts(16);
    Pod first = replica("a", "uid-1", "10.0.0.1");
    Pod second = replica("b", "uid-2", "10.0.0.2");
    first.getMetadata().setLabels(Map.of("app", "Aa"));
    second.getMetadata().setLabels(Map.of("app", "BB"));

    parts.compactParts(first);
    parts.compactParts(second);

    assertThat(first.getMetadata().getLabels()).containsExactly(Map.entry("app", "Aa"));
    assertThat(second.getMetadata().getLabels()).containsExactly(Map.entry("app", "BB"));
  }

  @Test
  void compactedCollectionsCannotBeChangedThroughOneObject() {
    Pod pod = replica("a", "uid-1", "10.0.0.1");
    new SharedParts(16).compactParts(pod);

    assertThatThrownBy(() -> pod.getSpec().getContainers().add(new Container()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> pod.getMetadata().getLabels().put("tier", "web"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void emptyCollectionsAreTheSharedEmptyOnes() {
    Pod pod = replica("a", "uid-1", "10.0.0.1");
    new SharedParts(16).compactParts(pod);

    Container container = pod.getSpec().getContainers().get(0);
    assertThat(container.getArgs()).isSameAs(List.of());
    assertThat(container.getAdditionalProperties()).isSameAs(Map.of());
  }

  /** A replica of one Deployment as the API server returns it: only name, uid and IP differ. */
  private static Pod replica(String name, String uid, String ip) {
    Pod pod = new PodBuilder()
        .withNewMetadata().withName(name).withNamespace("shop").withUid(uid)
        .addToLabels("app", "shop").addToLabels("pod-template-hash", "7d9f").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("registry.example.com/shop:1.2")
        .addNewPort().withContainerPort(8080).withProtocol("TCP").endPort()
        .withNewResources().addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("512Mi"))
        .endResources().endContainer().endSpec()
        .withNewStatus().withPhase("Running").withPodIP(ip)
        .addNewContainerStatus().withName("app").withImage("registry.example.com/shop:1.2").withReady(true)
        .withRestartCount(0).endContainerStatus().endStatus()
        .build();
    // As the API server's JSON arrives: every string its own instance, as an informer deserialises it.
    return JSON.unmarshal(JSON.asJson(pod), Pod.class);
  }
}
