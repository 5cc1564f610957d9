package io.clusterdoc.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.cluster.ContainerLog;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestReaderTest {
  private static final Path FILE = Path.of("cluster.yaml");
  private final ManifestReader reader = new ManifestReader();

  @Test
  void readsMultiDocumentYamlAndIgnoresKindsNoRuleReads() {
    ManifestReader.Result result = reader.parse("""
        apiVersion: v1
        kind: Pod
        metadata: {name: web-1, namespace: shop}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: shop}
        ---
        # an empty document, as kubectl never writes but people do
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: worker-1}
        """, FILE);

    assertThat(result.problems()).isEmpty();
    assertThat(result.kubernetesObjects()).isEqualTo(3);
    assertThat(result.objects()).extracting(HasMetadata::getKind).containsExactly("Pod", "Node");
  }

  @Test
  void readsJsonListsWhoseItemsLackKindAndApiVersion() {
    ManifestReader.Result result = reader.parse("""
        {"apiVersion": "v1", "kind": "PodList", "metadata": {"resourceVersion": "99"},
         "items": [{"metadata": {"name": "a", "namespace": "x"}}, {"metadata": {"name": "b", "namespace": "x"}}]}
        """, Path.of("pods.json"));

    assertThat(result.problems()).isEmpty();
    assertThat(result.objects()).hasSize(2).allSatisfy(o -> assertThat(o).isInstanceOf(Pod.class));
    assertThat(result.objects().get(0).getApiVersion()).isEqualTo("v1");
  }

  @Test
  void aMalformedObjectIsOneProblemAndTheOthersAreKept() {
    ManifestReader.Result result = reader.parse("""
        apiVersion: v1
        kind: Pod
        metadata: {name: broken, namespace: shop}
        spec: "not an object"
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: fine, namespace: shop}
        """, FILE);

    assertThat(result.objects()).extracting(o -> o.getMetadata().getName()).containsExactly("fine");
    assertThat(result.problems()).singleElement().asString()
        .startsWith("cluster.yaml: document 1: Pod broken is malformed: ");
  }

  @Test
  void anEmptyListEntryIsDroppedAndNamed() {
    ManifestReader.Result result = reader.parse("""
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop}
        status:
          containerStatuses:
          -
          - name: app
            ready: false
            restartCount: 3
          conditions:
          -
        """, FILE);

    Pod pod = (Pod) result.objects().get(0);
    assertThat(pod.getStatus().getContainerStatuses()).extracting(ContainerStatus::getName).containsExactly("app");
    assertThat(pod.getStatus().getConditions()).isEmpty();
    assertThat(result.problems()).singleElement().asString().isEqualTo("cluster.yaml: document 1: Pod web has an "
        + "empty list entry at status.containerStatuses[0] and 1 more, ignored");
  }

  @Test
  void syntaxErrorsNameTheLine() {
    ManifestReader.Result result = reader.parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [oops\n", FILE);

    assertThat(result.problems()).singleElement().asString().startsWith("cluster.yaml: not valid YAML at line ");
  }

  @Test
  void textThatIsNoKubernetesObjectSaysSo() {
    assertThat(reader.parse("just: some\nconfig: file\n", FILE).problems()).singleElement().asString()
        .isEqualTo("cluster.yaml: document 1 is not a Kubernetes object (no kind)");
    assertThat(reader.parse("", FILE).problems()).singleElement().asString().isEqualTo("cluster.yaml: empty");
    assertThat(reader.parse("{\"kind\": \"Pod\", \"metadata\": ", Path.of("cut.json")).problems())
        .singleElement().asString().startsWith("cut.json: not valid JSON");
  }

  @Test
  void readsContainerLogsFromAClusterInfoDumpTree(@TempDir Path dump) throws IOException {
    Path pod = Files.createDirectories(dump.resolve("kube-system/coredns-7db6d8ff4d-lp2xq"));
    Files.writeString(pod.resolve("logs.txt"), """
        ==== START logs for container coredns of pod kube-system/coredns-7db6d8ff4d-lp2xq ====
        [FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected for zone "."
        ==== END logs for container coredns of pod kube-system/coredns-7db6d8ff4d-lp2xq ====
        ==== START logs for container sidecar of pod kube-system/coredns-7db6d8ff4d-lp2xq ====
        ready
        ==== END logs for container sidecar of pod kube-system/coredns-7db6d8ff4d-lp2xq ====
        """);
    Path other = Files.createDirectories(dump.resolve("shop/web-1"));
    Files.writeString(other.resolve("logs.txt"), "just some text\n");

    ManifestReader.Result result = reader.read(dump);

    assertThat(result.logs()).containsExactly(
        new ContainerLog("kube-system", "coredns-7db6d8ff4d-lp2xq", "coredns",
            "[FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected for zone \".\""),
        new ContainerLog("kube-system", "coredns-7db6d8ff4d-lp2xq", "sidecar", "ready"));
    assertThat(result.problems()).singleElement().asString()
        .endsWith("logs.txt: not a cluster-info dump log (no '==== START logs for container' line)");
  }

  @Test
  void anObjectWithoutANameIsAProblem() {
    assertThat(reader.parse("apiVersion: v1\nkind: Node\nmetadata: {}\n", FILE).problems())
        .singleElement().asString().isEqualTo("cluster.yaml: document 1: a Node has no metadata.name");
  }
}
