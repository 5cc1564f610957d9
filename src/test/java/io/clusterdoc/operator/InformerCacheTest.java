package io.clusterdoc.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class InformerCacheTest {

  @Test
  void holdsWarningEventsOnlyAndNeverTheOnesClusterdocWrote() {
    InformerCache<Event> cache = new InformerCache<>();

    cache.put("shop/a", event("a", "Normal", "kubelet"));
    cache.put("shop/b", event("b", "Warning", "kubelet"));
    cache.put("shop/c", event("c", "Warning", "clusterdoc"));

    assertThat(cache.keySet()).containsExactly("shop/b");
  }

  @Test
  void anEventThatTurnsIntoSomethingNoRuleReadsIsDropped() {
    InformerCache<Event> cache = new InformerCache<>();
    cache.put("shop/a", event("a", "Warning", "kubelet"));

    Event previous = cache.put("shop/a", event("a", "Normal", "kubelet"));

    assertThat(previous).isNotNull();
    assertThat(cache.size()).isZero();
  }

  @Test
  void prunesManagedFieldsBeforeCaching() {
    InformerCache<Pod> cache = new InformerCache<>();
    Pod pod = new PodBuilder().withNewMetadata().withName("web").withNamespace("shop")
        .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Update").build())
        .endMetadata().build();

    cache.put("shop/web", pod);

    assertThat(cache.get("shop/web")).extracting(HasMetadata::getMetadata)
        .satisfies(m -> assertThat(m.getManagedFields()).isNullOrEmpty());
  }

  private static Event event(String name, String type, String component) {
    return new EventBuilder().withNewMetadata().withName(name).withNamespace("shop").endMetadata()
        .withType(type).withReason("Unhealthy")
        .withNewInvolvedObject().withKind("Pod").withNamespace("shop").withName("web").endInvolvedObject()
        .withNewSource().withComponent(component).endSource()
        .build();
  }
}
