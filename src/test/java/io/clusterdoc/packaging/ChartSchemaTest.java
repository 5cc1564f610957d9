package io.clusterdoc.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * values.schema.json stops a bad value before anything is rendered, with a message naming it; values.yaml, the
 * schema and the README's table name the same values.
 */
class ChartSchemaTest {
  private static final Path SCHEMA = HelmChart.DIR.resolve("values.schema.json");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      replicaCount=-1             | replicaCount: Must be greater than or equal to 0
      replicaCount=two            | replicaCount: Invalid type. Expected: integer, given: string
      logFormat=xml               | logFormat: logFormat must be one of the following: "plain", "json"
      logLevel=verbose            | logLevel: logLevel must be one of the following:
      fullPassInterval=10min      | fullPassInterval: Does not match pattern
      statusInterval=2            | statusInterval: Invalid type. Expected: string, given: integer
      remediation.interval=30 s   | remediation.interval: Does not match pattern
      metrics.port=70000          | metrics.port: Must be less than or equal to 65535
      tlsSecrets.enabled=yes      | tlsSecrets.enabled: Invalid type. Expected: boolean, given: string
      replicas=3                  | (root): Additional property replicas is not allowed
      metrics.path=/m             | metrics: Additional property path is not allowed
      """)
  void rejectsABadValueNamingIt(String setting, String message) {
    String error = HelmChart.renderError(setting);

    assertThat(error).contains("values don't meet the specifications of the schema").contains(message);
  }

  @Test
  void severalReplicasWithoutLeaderElectionFailWithTheReason() {
    assertThat(HelmChart.renderError("leaderElection.enabled=false"))
        .contains("replicaCount > 1 needs leaderElection.enabled=true");
  }

  @Test
  void valuesYamlTheSchemaAndTheReadmeNameTheSameValues() throws IOException {
    JsonNode schema = HelmChart.readYaml(SCHEMA);
    Set<String> inSchema = new TreeSet<>();
    leaves(schema, "", inSchema);
    inSchema.remove("global");
    Set<String> inValues = new TreeSet<>();
    valuesLeaves(HelmChart.readYaml(HelmChart.DIR.resolve("values.yaml")), schema, "", inValues);
    String readme = Files.readString(HelmChart.DIR.resolve("README.md"));

    assertThat(inValues).as("values.yaml against values.schema.json").isEqualTo(inSchema);
    assertThat(inSchema).allSatisfy(value ->
        assertThat(readme).as("the README's values table").contains("`" + value + "`"));
  }

  @Test
  void isDraft07AndClosedAtTheTopAndInEveryObjectItDefines() {
    JsonNode schema = HelmChart.readYaml(SCHEMA);
    assertThat(schema.get("$schema").asText()).isEqualTo("http://json-schema.org/draft-07/schema#");

    Set<String> open = new TreeSet<>();
    closedObjects(schema, "(root)", open);
    assertThat(open).as("objects with properties but without additionalProperties: false").isEmpty();
  }

  /** Values paths of the schema: an object with properties has values below it, anything else is one. */
  private static void leaves(JsonNode schema, String path, Set<String> into) {
    if (!schema.has("properties")) {
      into.add(path);
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> p = schema.get("properties").fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> property = p.next();
      leaves(property.getValue(), path.isEmpty() ? property.getKey() : path + "." + property.getKey(), into);
    }
  }

  /** The same paths in values.yaml, descending where the schema does. */
  private static void valuesLeaves(JsonNode values, JsonNode schema, String path, Set<String> into) {
    if (schema == null || !schema.has("properties")) {
      into.add(path);
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> v = values.fields(); v.hasNext(); ) {
      Map.Entry<String, JsonNode> value = v.next();
      valuesLeaves(value.getValue(), schema.get("properties").get(value.getKey()),
          path.isEmpty() ? value.getKey() : path + "." + value.getKey(), into);
    }
  }

  private static void closedObjects(JsonNode schema, String path, Set<String> open) {
    if (!schema.has("properties")) {
      return;
    }
    if (!schema.path("additionalProperties").isBoolean() || schema.get("additionalProperties").asBoolean()) {
      open.add(path);
    }
    schema.get("properties").fields().forEachRemaining(p -> closedObjects(p.getValue(), p.getKey(), open));
  }
}
