package io.clusterdoc.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.clusterdoc.engine.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CRD's CEL rules (x-kubernetes-validations), compiled and evaluated as the API server does, with the string
 * library Kubernetes enables: the API server rejects a spec these rules refuse, with their message, before the
 * operator sees it. The test API server does not run them, so they are proved here, on the committed CRD.
 */
class CrdValidationRulesTest {
  private static final Path CRD = Path.of("crds", "clusterdiagnoses.clusterdoc.io-v1.yml");
  private static final String SPEC = "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties";

  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("self", SimpleType.DYN)
      .addLibraries(CelExtensions.strings()).build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
      .addLibraries(CelExtensions.strings()).build();

  private final JsonNode crd = readCrd();

  @Test
  void thresholdsMustBeDurationsOrCounts() throws Exception {
    Rule rule = rule("/rules/properties/thresholds");

    assertThat(rule.message()).isEqualTo("a threshold is a duration such as 90s, 5m or 1h30m, or a whole number");
    for (String accepted : List.of("90s", "5m", "1h30m", "2d", " 10m ", "50", "0")) {
      assertThat(rule.allows(Map.of("namespace-stuck-terminating", accepted))).as(accepted).isTrue();
    }
    for (String refused : List.of("5 minutes", "1.5h", "-1", "10M", "", "m5", "5m-")) {
      assertThat(rule.allows(Map.of("namespace-stuck-terminating", refused))).as(refused).isFalse();
    }
    assertThat(rule.allows(Map.of())).isTrue();
  }

  /** The same words the operator accepts, in any case. */
  @Test
  void severitiesAreTheOperatorsOwn() throws Exception {
    Rule rule = rule("/rules/properties/severity");

    assertThat(rule.message()).isEqualTo("a severity is critical, warning or info");
    for (String value : List.of("critical", "Warning", "INFO", "fatal", "error", "", "critical ")) {
      assertThat(rule.allows(Map.of("node-pressure", value))).as(value)
          .isEqualTo(Severity.parse(value).isPresent());
    }
  }

  @Test
  void aGlobCannotBeBothIncludedAndExcluded() throws Exception {
    Rule rule = rule("/namespaces");

    assertThat(rule.message()).isEqualTo("a glob cannot be both included and excluded");
    assertThat(rule.allows(selection(List.of("team-*"), List.of("team-a")))).isTrue();
    assertThat(rule.allows(selection(List.of("team-*", "ops"), List.of("ops")))).isFalse();
    assertThat(rule.allows(selection(List.of("team-*"), null))).isTrue();
    assertThat(rule.allows(selection(null, List.of("kube-*")))).isTrue();
    assertThat(rule.allows(selection(null, null))).isTrue();
  }

  private static Map<String, Object> selection(List<String> include, List<String> exclude) {
    Map<String, Object> selection = new LinkedHashMap<>();
    if (include != null) {
      selection.put("include", include);
    }
    if (exclude != null) {
      selection.put("exclude", exclude);
    }
    return selection;
  }

  /** The one rule at that place in the spec's schema. */
  private Rule rule(String path) throws CelValidationException {
    JsonNode rules = crd.at(SPEC + path + "/x-kubernetes-validations");
    assertThat(rules.size()).as("rules at spec" + path).isEqualTo(1);
    CelAbstractSyntaxTree ast = COMPILER.compile(rules.get(0).get("rule").asText()).getAst();
    return new Rule(ast, rules.get(0).get("message").asText());
  }

  private record Rule(CelAbstractSyntaxTree ast, String message) {
    boolean allows(Object self) throws CelEvaluationException {
      return (Boolean) RUNTIME.createProgram(ast).eval(Map.of("self", self));
    }
  }

  private static JsonNode readCrd() {
    try {
      return new YAMLMapper().readTree(Files.readString(CRD));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
