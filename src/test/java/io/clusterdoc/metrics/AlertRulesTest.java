package io.clusterdoc.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.clusterdoc.testing.PrometheusBinaries;
import io.clusterdoc.testing.ToolBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The alerting rules in deploy/prometheus: promtool accepts them and their unit tests pass, the PrometheusRule
 * is generated from the plain rule file (one source for both), and every alert says how bad it is and where to
 * look. After changing the rule file: ./mvnw test -Dtest=AlertRulesTest -Dclusterdoc.regenerate=true
 */
class AlertRulesTest {
  private static final Path RULES = Path.of("deploy", "prometheus", "clusterdoc-rules.yaml");
  private static final Path RULE_TESTS = Path.of("deploy", "prometheus", "tests", "clusterdoc-rules-test.yaml");
  private static final Path PROMETHEUS_RULE = Path.of("deploy", "prometheus", "clusterdoc-prometheusrule.yaml");
  private static final Path RULE_PAGES = Path.of("docs", "rules");
  private static final String REGENERATE = "./mvnw test -Dtest=AlertRulesTest -Dclusterdoc.regenerate=true";
  private static final String HEADER = """
      # Generated from clusterdoc-rules.yaml: do not edit. After changing clusterdoc-rules.yaml, regenerate with
      #   %s
      # Same alerts as clusterdoc-rules.yaml, as a Prometheus Operator resource (see docs/metrics.md).
      """.formatted(REGENERATE);
  private static final Duration PROMTOOL_TIMEOUT = Duration.ofMinutes(1);
  // A selector of the findings gauge itself (not of its _detected_total and _resolved_total counters).
  private static final Pattern FINDINGS_GAUGE_RULE = Pattern.compile("clusterdoc_findings\\{[^}]*\\brule=\"([^\"]+)\"");
  private static final Pattern EXCLUDED_RULES = Pattern.compile("\\brule!~\"([^\"]+)\"");
  private static final Pattern RULE_MATCHER = Pattern.compile("\\brule(?:=|=~|!~)\"([^\"]+)\"");
  private static final Pattern EXPLAINED_RULE = Pattern.compile("clusterdoc explain ([a-z0-9-]+)");

  private final YAMLMapper yaml = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .build();

  @Test
  void promtoolAcceptsTheRuleFile() throws IOException, InterruptedException {
    assertPromtoolPasses("check", "rules", RULES.toString());
  }

  @Test
  void promtoolUnitTestsOfEveryAlertPass() throws IOException, InterruptedException {
    assertPromtoolPasses("test", "rules", RULE_TESTS.toString());
  }

  @Test
  void committedPrometheusRuleIsGeneratedFromTheRuleFile() throws IOException {
    JsonNode generated = prometheusRule(yaml.readTree(RULES.toFile()));
    if (Boolean.getBoolean("clusterdoc.regenerate")) {
      Files.writeString(PROMETHEUS_RULE, HEADER + yaml.writeValueAsString(generated));
    }

    String stale = "%s differs from what %s generates: regenerate it with %s"
        .formatted(PROMETHEUS_RULE, RULES, REGENERATE);
    assertThat(PROMETHEUS_RULE).as(stale).exists();
    // A boolean, not isEqualTo: two whole resources printed side by side would bury the message.
    assertThat(yaml.readTree(PROMETHEUS_RULE.toFile()).equals(generated)).as(stale).isTrue();
  }

  @Test
  void everyAlertHasASeveritySummaryAndDescription() throws IOException {
    for (JsonNode alert : alerts()) {
      String name = alert.get("alert").asText();
      assertThat(alert.at("/labels/severity").asText()).as("severity of %s", name).isIn("critical", "warning");
      assertThat(alert.at("/annotations/summary").asText()).as("summary of %s", name).isNotBlank();
      assertThat(alert.at("/annotations/description").asText()).as("description of %s", name).isNotBlank();
    }
  }

  @Test
  void findingAlertsPointToTheClusterDiagnosis() throws IOException {
    for (JsonNode alert : alerts()) {
      if (alert.get("expr").asText().contains("clusterdoc_findings")) {
        assertThat(alert.at("/annotations/description").asText())
            .as("description of %s", alert.get("alert").asText())
            .contains("kubectl get clusterdiagnosis");
      }
    }
  }

  @Test
  void rulesWithAnAlertOfTheirOwnAreLeftOutOfTheCriticalFindingAlert() throws IOException {
    Set<String> excluded = new TreeSet<>();
    Set<String> dedicated = new TreeSet<>();
    for (JsonNode alert : alerts()) {
      String expr = alert.get("expr").asText();
      if (alert.get("alert").asText().equals("ClusterdocCriticalFinding")) {
        excluded.addAll(ruleIds(matches(EXCLUDED_RULES, expr)));
      } else {
        dedicated.addAll(matches(FINDINGS_GAUGE_RULE, expr));
      }
    }

    assertThat(excluded).as("rules left out of ClusterdocCriticalFinding").isEqualTo(dedicated);
  }

  @Test
  void alertsNameOnlyRulesThatExist() throws IOException {
    Set<String> ids = new TreeSet<>();
    for (JsonNode alert : alerts()) {
      ids.addAll(ruleIds(matches(RULE_MATCHER, alert.get("expr").asText())));
      ids.addAll(matches(EXPLAINED_RULE, alert.at("/annotations/description").asText()));
    }

    assertThat(ids).isNotEmpty().allSatisfy(id ->
        assertThat(RULE_PAGES.resolve(id + ".md")).as("page of rule %s", id).exists());
  }

  /** The PrometheusRule holds the rule file's groups unchanged. */
  private static JsonNode prometheusRule(JsonNode ruleFile) {
    ObjectNode rule = JsonNodeFactory.instance.objectNode();
    rule.put("apiVersion", "monitoring.coreos.com/v1");
    rule.put("kind", "PrometheusRule");
    ObjectNode metadata = rule.putObject("metadata");
    metadata.put("name", "clusterdoc");
    metadata.putObject("labels").put("app.kubernetes.io/name", "clusterdoc");
    rule.putObject("spec").set("groups", ruleFile.get("groups"));
    return rule;
  }

  private List<JsonNode> alerts() throws IOException {
    List<JsonNode> alerts = new ArrayList<>();
    for (JsonNode group : yaml.readTree(RULES.toFile()).get("groups")) {
      group.get("rules").forEach(alerts::add);
    }
    return alerts;
  }

  /** Group 1 of every match. */
  private static List<String> matches(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }

  /** The rule ids in label values, where a regular expression lists them as a|b|c. */
  private static List<String> ruleIds(List<String> labelValues) {
    return labelValues.stream().flatMap(value -> Stream.of(value.split("\\|"))).toList();
  }

  private static void assertPromtoolPasses(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(PrometheusBinaries.promtool().toString());
    command.addAll(List.of(args));
    ToolBinaries.run(command, PROMTOOL_TIMEOUT);
  }
}
