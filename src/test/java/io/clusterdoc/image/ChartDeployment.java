package io.clusterdoc.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The Helm chart's Deployment template and values, read as text rather than rendered: what the template writes
 * literally, what its {@code {{ .Values.x }}} references resolve to, and what values.yaml holds anywhere, so that
 * a reorganised chart still reads the same.
 */
final class ChartDeployment {
  private static final Pattern VALUES_REFERENCE = Pattern.compile("\"?\\{\\{-?\\s*\\.Values\\.([\\w.]+)\\s*-?}}\"?");
  private static final Pattern LIST_ITEM = Pattern.compile("^(\\s*)-\\s+(.*)$");

  private final List<String> template;
  private final JsonNode values;

  private ChartDeployment(List<String> template, JsonNode values) {
    this.template = template;
    this.values = values;
  }

  static ChartDeployment read(Path chart) throws IOException {
    return new ChartDeployment(Files.readAllLines(chart.resolve("templates/deployment.yaml")),
        new ObjectMapper(new YAMLFactory()).readTree(chart.resolve("values.yaml").toFile()));
  }

  /** Each value the template gives {@code key}: written there, or taken from the values it names. */
  List<String> templateSettings(String key) {
    Pattern setting = Pattern.compile("^\\s*(?:-\\s+)?" + Pattern.quote(key) + ":\\s*(\\S.*?)\\s*$");
    return template.stream().map(setting::matcher).filter(Matcher::matches).map(m -> resolve(m.group(1))).toList();
  }

  /** Each value of {@code key} anywhere in values.yaml, for blocks the template copies with toYaml. */
  List<String> valuesSettings(String key) {
    return values.findValues(key).stream().map(JsonNode::asText).toList();
  }

  /** A default in values.yaml by its dotted path, or null. */
  String value(String path) {
    JsonNode node = values;
    for (String name : path.split("\\.")) {
      node = node.path(name);
    }
    return node.isMissingNode() || node.isNull() ? null : node.asText();
  }

  /**
   * The operator container's args, up to the first line that is not a list item (template conditionals such as
   * {@code {{- if ...}}} in between are skipped).
   */
  List<String> args() {
    int line = argsLine().orElseThrow(() -> new IllegalArgumentException("the template sets no args"));
    String inline = template.get(line).replaceFirst("^\\s*args:\\s*", "");
    if (inline.startsWith("[")) {
      return Arrays.stream(inline.replaceAll("[\\[\\]]", "").split(",")).map(ChartDeployment::unquote).toList();
    }
    List<String> args = new ArrayList<>();
    for (String next : template.subList(line + 1, template.size())) {
      Matcher item = LIST_ITEM.matcher(next);
      if (item.matches()) {
        args.add(unquote(item.group(2)));
      } else if (!next.trim().startsWith("{{")) {
        break;
      }
    }
    return args;
  }

  /** Whether the container sets {@code command}, which would replace the image's entrypoint. */
  boolean overridesEntrypoint() {
    int line = argsLine().orElseThrow(() -> new IllegalArgumentException("the template sets no args"));
    String indentation = template.get(line).replaceFirst("\\S.*$", "");
    return template.stream().anyMatch(l -> l.startsWith(indentation + "command:"));
  }

  private OptionalInt argsLine() {
    return IntStream.range(0, template.size()).filter(i -> template.get(i).trim().startsWith("args:")).findFirst();
  }

  private String resolve(String expression) {
    Matcher reference = VALUES_REFERENCE.matcher(expression);
    if (reference.matches()) {
      String value = value(reference.group(1));
      return value == null ? expression : value;
    }
    return unquote(expression);
  }

  private static String unquote(String text) {
    return text.trim().replaceAll("^[\"']|[\"']$", "");
  }
}
