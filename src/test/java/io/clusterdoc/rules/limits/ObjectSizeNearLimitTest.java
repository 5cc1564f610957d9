package io.clusterdoc.rules.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectSizeNearLimitTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String LAST_APPLIED = ObjectSizeNearLimit.LAST_APPLIED;
  private static final int KIB = 1024;

  private final ObjectSizeNearLimit rule = new ObjectSizeNearLimit();

  private static Scenario loaded() {
    return Scenario.of(new ObjectSizeNearLimit(), NOW).load(ObjectSizeNearLimitTest.class, "object-size.yaml");
  }

  private static ConfigMap dashboards(Scenario scenario) {
    return scenario.store().get(ConfigMap.class, "monitoring", "grafana-dashboards").orElseThrow();
  }

  /** The dashboards as kubectl apply leaves them: the content twice, once as JSON in the annotation. */
  private static ConfigMap appliedWithContent(ConfigMap template, int bytes) {
    String content = "x".repeat(bytes);
    return new ConfigMapBuilder(template).withData(Map.of("dashboards.json", content))
        .editMetadata().addToAnnotations(LAST_APPLIED, "{\"data\":{\"dashboards.json\":\"" + content + "\"}}")
        .endMetadata().build();
  }

  @Test
  void normalObjectsAreNotNearAnyLimit() {
    assertThat(loaded().findings()).isEmpty();
  }

  @Test
  void aClientSideApplyOfLargeContentNearsTheAnnotationLimit() {
    Scenario scenario = loaded();

    scenario.apply(appliedWithContent(dashboards(scenario), 210 * KIB));

    Finding finding = scenario.single();
    assertThat(finding.rule()).isEqualTo("object-size-near-limit");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.object()).isEqualTo(ObjectRef.of(dashboards(scenario)));
    assertThat(finding.message()).isEqualTo("ConfigMap monitoring/grafana-dashboards is close to a size limit: its "
        + "annotations total 210.1 KiB of the 256 KiB allowed, the largest being "
        + "kubectl.kubernetes.io/last-applied-configuration (210.1 KiB).");
    assertThat(finding.cause()).contains("kubectl apply (client-side) stores the whole applied object",
        "Too long: must have at most 262144 bytes");
    assertThat(finding.remediation())
        .contains("kubectl apply --server-side", "--force-conflicts", "kubectl create and kubectl replace",
            "kubectl annotate -n monitoring configmap grafana-dashboards "
                + "kubectl.kubernetes.io/last-applied-configuration-")
        .doesNotContain("Split the ConfigMap")
        .doesNotEndWith("…");
  }

  @Test
  void annotationsAreCountedInBytesKeysIncluded() {
    Scenario scenario = loaded();
    Node node = scenario.store().get(Node.class, "worker-1").orElseThrow();
    // 102400 two-byte characters: 200 KiB in UTF-8, plus the key.
    Node annotated = new NodeBuilder(node).editMetadata()
        .addToAnnotations("example.com/inventory", "é".repeat(100 * KIB)).endMetadata().build();

    scenario.apply(annotated);

    Finding finding = scenario.single();
    assertThat(finding.message()).startsWith("Node worker-1 is close to a size limit: its annotations total 200.1 KiB")
        .contains("the largest being example.com/inventory");
    assertThat(finding.cause()).doesNotContain("kubectl apply");
    assertThat(finding.remediation()).startsWith("Move large data out of the annotations");
  }

  @Test
  void twoHundredKibibytesOfAnnotationsIsStillFine() {
    Scenario scenario = loaded();
    Deployment grafana = scenario.store().get(Deployment.class, "monitoring", "grafana").orElseThrow();
    int existing = grafana.getMetadata().getAnnotations().entrySet().stream()
        .mapToInt(e -> e.getKey().length() + e.getValue().length()).sum();
    String key = "example.com/blob";

    scenario.apply(new DeploymentBuilder(grafana).editMetadata()
        .addToAnnotations(key, "x".repeat(200 * KIB - existing - key.length())).endMetadata().build());
    assertThat(scenario.findings()).isEmpty();

    scenario.apply(new DeploymentBuilder(grafana).editMetadata()
        .addToAnnotations(key, "x".repeat(200 * KIB - existing - key.length() + 1)).endMetadata().build());
    assertThat(scenario.single().object().name()).isEqualTo("grafana");
  }

  @Test
  void aConfigMapNearOneMebibyteOfDataCountsBinaryDataDecoded() {
    Scenario scenario = loaded();
    ConfigMap template = dashboards(scenario);
    ConfigMap textOnly = new ConfigMapBuilder(template).withData(Map.of("big.json", "x".repeat(850 * KIB))).build();
    ConfigMap withBinary = new ConfigMapBuilder(textOnly)
        .withBinaryData(Map.of("model.bin", Base64.getEncoder().encodeToString(new byte[60 * KIB]))).build();

    scenario.apply(textOnly);
    assertThat(scenario.findings()).isEmpty();

    scenario.apply(withBinary);
    Finding finding = scenario.single();
    assertThat(finding.message()).contains("its data and binaryData total 910.0 KiB of the 1 MiB a ConfigMap may "
        + "hold").doesNotContain("annotations total");
    assertThat(finding.cause()).contains("Too long: must have at most 1048576 bytes");
    assertThat(finding.remediation()).startsWith("Split the ConfigMap into several");
  }

  @Test
  void bothLimitsInOneFinding() {
    Scenario scenario = loaded();

    scenario.apply(appliedWithContent(dashboards(scenario), 220 * KIB));
    scenario.apply(new ConfigMapBuilder(dashboards(scenario))
        .addToData("more.json", "y".repeat(700 * KIB)).build());

    Finding finding = scenario.single();
    assertThat(finding.message()).contains("annotations total 220.1 KiB", "data and binaryData total 920.0 KiB");
    assertThat(finding.remediation()).contains("--server-side", "Split the ConfigMap");
  }

  @Test
  void droppingTheAnnotationResolvesTheFinding() {
    Scenario scenario = loaded();
    ConfigMap large = appliedWithContent(dashboards(scenario), 210 * KIB);
    scenario.apply(large);

    scenario.apply(new ConfigMapBuilder(large).editMetadata().removeFromAnnotations(LAST_APPLIED).endMetadata()
        .build());

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("grafana-dashboards");
  }

  @Test
  void everyKindButEventsIsReadAndEachObjectIsItsOwnSubject() {
    Scenario scenario = loaded();

    assertThat(rule.reads()).isEqualTo(EnumSet.complementOf(EnumSet.of(Kind.EVENT)));
    assertThat(rule.subjectsAffectedBy(dashboards(scenario), scenario.store()))
        .containsExactly("ConfigMap/monitoring/grafana-dashboards");
    assertThat(rule.subjectsAffectedBy(scenario.store().get(Node.class, "worker-1").orElseThrow(), scenario.store()))
        .containsExactly("Node/worker-1");
    assertThat(rule.subjectsAffectedBy(new EventBuilder().withNewMetadata().withName("e").withNamespace("monitoring")
        .endMetadata().build(), scenario.store())).isEmpty();
  }

  @Test
  void subjectsOfUnknownKindsOrObjectsFindNothing() {
    Scenario scenario = loaded();

    assertThat(rule.check("Secret/monitoring/grafana", scenario.store(), null)).isEmpty();
    assertThat(rule.check("Event/monitoring/grafana", scenario.store(), null)).isEmpty();
    assertThat(rule.check("ConfigMap/monitoring/gone", scenario.store(), null)).isEmpty();
    assertThat(rule.check("no-kind", scenario.store(), null)).isEmpty();
  }
}
