package io.clusterdoc.rules.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.rules.RuleCatalog;
import io.clusterdoc.testing.DemoCluster;
import io.clusterdoc.testing.Scenario;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The container rules' part of the demo cluster: each rule fires on its broken pod (HealthyClusterTest covers the healthy one). */
class ContainersDemoTest {
  private static final String FILE = "containers.yaml";
  private static final String DEMO_TIME = "2026-11-20T10:05:00Z";
  /** Days later, as when someone scans the demo today. */
  private static final String LATER = "2026-12-01T00:00:00Z";

  @ParameterizedTest
  @ValueSource(strings = {DEMO_TIME, LATER})
  void everyContainerRuleFiresOnTheDemoAndNoOtherRuleDoes(String now) {
    Scenario scenario = DemoCluster.load(Scenario.of(RuleCatalog.all(), EngineConfig.DEFAULT, now), FILE);

    List<String> expected = new ArrayList<>(List.of(
        "pod-image-pull-failed Pod/media/transcoder-6d5f8b7c9-x2kqp",
        "pod-config-error Pod/media/api-7f9c6d8b5-pk2mx",
        "pod-sandbox-failed Pod/media/web-7c9f8d6b5-2lq8v",
        "pod-mount-failed Pod/media/report-6f8d7c9b5-d5wkt",
        "pod-mount-failed Pod/media/gateway-6d9b7c8f5-kx3mq",
        "container-oom-killed Pod/media/nightly-report-29393760-h5k2m"));
    if (now.equals(DEMO_TIME)) {
      // Killed at 09:55:01 and running again: reported for an hour.
      expected.add("container-oom-killed Pod/media/analytics-7c6d9b8f5-p5ngx");
    }
    assertThat(scenario.findings()).extracting(f -> f.rule() + " " + f.object().display())
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(scenario.findings()).extracting(Finding::message).contains(
        "Pod media/web-7c9f8d6b5-2lq8v on node worker-2 has no sandbox, so none of its containers can start: CNI "
            + "bridge cni0 holds an old address (FailedCreatePodSandBox since 2026-11-20T09:46:04Z).");
  }

}
