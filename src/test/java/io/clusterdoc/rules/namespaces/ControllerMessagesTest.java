package io.clusterdoc.rules.namespaces;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.rules.namespaces.ControllerMessages.Remaining;
import org.junit.jupiter.api.Test;

class ControllerMessagesTest {

  @Test
  void findsEveryFailingGroupVersionButNotTheOnesInsideUrls() {
    String message = "Discovery failed for some groups, 2 failing: unable to retrieve the complete list of server "
        + "APIs: custom.metrics.k8s.io/v1beta1: Get \"https://10.96.12.4:443/apis/custom.metrics.k8s.io/v1beta1\": "
        + "dial tcp 10.96.12.4:443: i/o timeout, metrics.k8s.io/v1beta1: stale GroupVersion discovery: "
        + "metrics.k8s.io/v1beta1";

    assertThat(ControllerMessages.failingGroupVersions(message))
        .containsExactly("custom.metrics.k8s.io/v1beta1", "metrics.k8s.io/v1beta1");
  }

  @Test
  void readsCoreAndCustomResourcesWithTheirCounts() {
    String message = "Some resources are remaining: contacts.crm.example.com has 3 resource instances, "
        + "pods. has 2 resource instances";

    assertThat(ControllerMessages.remainingResources(message))
        .containsExactly(new Remaining("contacts.crm.example.com", 3), new Remaining("pods", 2));
  }

  @Test
  void readsFinalizersWithTheirCounts() {
    String message = "Some content in the namespace has finalizers remaining: crm.example.com/cleanup in 3 resource "
        + "instances, kubernetes.io/pvc-protection in 1 resource instances";

    assertThat(ControllerMessages.remainingFinalizers(message)).extracting(Remaining::toString)
        .containsExactly("crm.example.com/cleanup (3)", "kubernetes.io/pvc-protection (1)");
  }

  @Test
  void readsTheFinalizerMessageOfOlderControllersToo() {
    String message = "Some finalizers are remaining: kubernetes.io/pvc-protection in 1 resource instances";

    assertThat(ControllerMessages.remainingFinalizers(message)).containsExactly(
        new Remaining("kubernetes.io/pvc-protection", 1));
  }

  @Test
  void unexpectedTextYieldsNothing() {
    assertThat(ControllerMessages.failingGroupVersions(null)).isEmpty();
    assertThat(ControllerMessages.remainingResources("pods. has 99999999999 resource instances")).isEmpty();
    assertThat(ControllerMessages.remainingFinalizers("")).isEmpty();
  }
}
