package io.clusterdoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterdoc.engine.Rule;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.rules.RuleCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {
  private static final String DEMO = "docs/examples/demo-cluster";

  @TempDir
  Path dir;

  @Test
  void demoClusterHasAFindingForEveryRuleAsJson() throws IOException {
    CliRun run = CliRun.of("scan", "--from", DEMO, "-o", "json");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).as("critical findings fail the scan by default").isEqualTo(1);
    JsonNode report = new ObjectMapper().readTree(run.out());
    Set<String> rules = new HashSet<>();
    report.get("findings").forEach(f -> rules.add(f.get("rule").asText()));
    assertThat(rules).containsExactlyInAnyOrderElementsOf(RuleCatalog.ids());
    JsonNode first = report.get("findings").get(0);
    assertThat(first.get("severity").asText()).isEqualTo("critical");
    assertThat(first.get("object").fieldNames()).toIterable().contains("apiVersion", "kind", "name");
    assertThat(first.has("message") && first.has("cause") && first.has("remediation") && first.has("related"))
        .isTrue();
    assertThat(report.at("/summary/total").asInt()).isEqualTo(report.get("findings").size());
  }

  @Test
  void demoClusterAsATableListsSymptomsUnderTheirRootCauseAndGroupsBySeverity() {
    CliRun run = CliRun.of("scan", "--from", DEMO);

    assertThat(run.out()).startsWith("SEVERITY");
    for (Rule rule : RuleCatalog.all()) {
      assertThat(run.out()).contains(rule.id());
    }
    List<List<String>> groups = new ArrayList<>();
    run.out().lines().skip(1).takeWhile(l -> !l.isBlank()).forEach(row -> {
      if (row.contains("└ ")) {
        groups.get(groups.size() - 1).add(row);
      } else {
        groups.add(new ArrayList<>(List.of(row)));
      }
    });
    List<String> nodeGroup = groups.stream().filter(g -> g.get(0).contains("node-pressure ")).findFirst().orElseThrow();
    assertThat(nodeGroup).as("the evictions on worker-1 are listed under the node").anyMatch(r -> r.contains("└ pod-evicted"));
    assertThat(groups).extracting(ScanCommandTest::mostSevere).isSortedAccordingTo(Comparator.naturalOrder());
    assertThat(run.out()).containsPattern("\\d+ findings: \\d+ critical, \\d+ warning, \\d+ info");
  }

  private static Severity mostSevere(List<String> group) {
    return group.stream().map(row -> Severity.parse(row.split("\\s+")[0]).orElseThrow()).min(Comparator.naturalOrder())
        .orElseThrow();
  }

  @Test
  void failOnNoneAndDisabledRulesChangeTheOutcome() {
    CliRun all = CliRun.of("scan", "--from", DEMO, "--fail-on", "none", "-o", "json");
    CliRun withoutNodes = CliRun.of("scan", "--from", DEMO, "--fail-on", "none", "--disable", "node-pressure",
        "-o", "json");

    assertThat(all.exitCode()).isZero();
    assertThat(all.out()).contains("\"node-pressure\"");
    assertThat(withoutNodes.out()).doesNotContain("\"node-pressure\"");
  }

  @Test
  void anUnreadableFileIsAWarningAndTheScanGoesOn() throws IOException {
    Files.copy(Path.of("src/test/resources/io/clusterdoc/rules/nodes/node-pressure.yaml"), dir.resolve("nodes.yaml"));
    Files.writeString(dir.resolve("broken.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n");
    Files.writeString(dir.resolve("notes.json"), "{\"hello\": \"world\"}");

    CliRun run = CliRun.of("scan", "--from", dir.toString(), "--fail-on", "warning");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("node-pressure").contains("worker-1");
    assertThat(run.err().lines()).hasSize(2).allMatch(l -> l.startsWith("warning: "));
    assertThat(run.err()).contains("broken.yaml: not valid YAML at line")
        .contains("notes.json: document 1 is not a Kubernetes object");
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void nothingReadableExitsTwoWithOneClearMessage() throws IOException {
    Files.write(dir.resolve("garbage.yaml"), new byte[] {0, 1, 2, (byte) 0xff, '{', '['});
    Files.writeString(dir.resolve("readme.txt"), "not even considered");

    CliRun run = CliRun.of("scan", "--from", dir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("garbage.yaml").contains("error: nothing readable in " + dir)
        .doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aMissingPathIsAUsageError() {
    CliRun run = CliRun.of("scan", "--from", dir.resolve("nope").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("error: " + dir.resolve("nope") + ": no such file or directory");
  }

  @Test
  void badOptionsNameTheOption() {
    assertThat(CliRun.of("scan", "--from", DEMO, "--threshold", "node-pressure=5m").err())
        .contains("--threshold: rule node-pressure has no threshold");
    assertThat(CliRun.of("scan", "--from", DEMO, "--disable", "no-such-rule").err())
        .contains("--disable: unknown rule 'no-such-rule'");
    assertThat(CliRun.of("scan", "--from", DEMO, "--now", "yesterday").err())
        .contains("--now: 'yesterday' is not an RFC 3339 time");
    CliRun badFormat = CliRun.of("scan", "--from", DEMO, "-o", "xml");
    assertThat(badFormat.exitCode()).isEqualTo(2);
    assertThat(badFormat.err()).startsWith("error: ").contains("xml");
  }

  @Test
  void tlsSecretsAreReadOnlyWhenAskedFor() throws IOException {
    Files.copy(Path.of("src/test/resources/io/clusterdoc/rules/limits/tls-secrets.yaml"), dir.resolve("secrets.yaml"));

    CliRun without = CliRun.of("scan", "--from", dir.toString(), "-o", "json", "--now", "2026-11-20T10:05:00Z");
    CliRun with = CliRun.of("scan", "--from", dir.toString(), "-o", "json", "--now", "2026-11-20T10:05:00Z",
        "--tls-secrets");

    assertThat(without.out()).doesNotContain("certificate-expiring");
    assertThat(without.exitCode()).isZero();
    assertThat(with.out()).contains("\"certificate-expiring\"").contains("\"shop-tls\"").doesNotContain("LS0tLS1CRUdJTiBQUklWQVRF");
    assertThat(with.exitCode()).isEqualTo(1);
  }

  @Test
  void readsAClusterInfoDumpTreeWhoseListItemsHaveNoKind() throws IOException {
    Path kubeSystem = Files.createDirectories(dir.resolve("kube-system"));
    Files.writeString(dir.resolve("nodes.json"), """
        {"kind": "NodeList", "apiVersion": "v1", "metadata": {"resourceVersion": "1234"},
         "items": [{"metadata": {"name": "node-a", "uid": "0d9a5f0e-1111-4c2b-9a55-1c2d3e4f5a6b"},
                    "status": {"conditions": [{"type": "MemoryPressure", "status": "True",
                                               "reason": "KubeletHasInsufficientMemory",
                                               "message": "kubelet has insufficient memory available"}]}}]}
        """);
    Files.writeString(kubeSystem.resolve("pods.json"), """
        {"kind": "PodList", "apiVersion": "v1", "metadata": {}, "items": []}
        """);
    Path podLogs = Files.createDirectories(kubeSystem.resolve("kube-proxy-9x2lz"));
    Files.writeString(podLogs.resolve("logs.txt"), """
        ==== START logs for container kube-proxy of pod kube-system/kube-proxy-9x2lz ====
        I1120 09:12:01.123456       1 server_others.go:72] "Using iptables proxy"
        ==== END logs for container kube-proxy of pod kube-system/kube-proxy-9x2lz ====
        """);

    CliRun run = CliRun.of("scan", "--from", dir.toString(), "-o", "yaml", "--fail-on", "none");

    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains("rule: node-pressure").contains("name: node-a").contains("kind: Node");
  }
}
