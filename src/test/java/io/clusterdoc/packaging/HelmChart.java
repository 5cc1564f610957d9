package io.clusterdoc.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

/** helm/clusterdoc, linted and rendered by the real Helm library (helm-java), as the helm command would. */
final class HelmChart {
  static final Path DIR = Path.of("helm", "clusterdoc");
  /** Not "clusterdoc", so that a name the chart hard-codes instead of taking the release's shows. */
  static final String RELEASE = "diag";
  static final String NAMESPACE = "tools";
  /** Turns on every optional feature. */
  static final Path ALL_FEATURES = resource("all-features.yaml");

  private static final YAMLMapper YAML = new YAMLMapper();

  private HelmChart() {
  }

  /** helm template with the default values and these --set options ("key=value"). */
  static Manifests render(String... settings) {
    return Manifests.parse(template(RELEASE, NAMESPACE, null, settings).call());
  }

  static Manifests render(Path valuesFile, String... settings) {
    return Manifests.parse(template(RELEASE, NAMESPACE, valuesFile, settings).call());
  }

  /** As README.md installs it: helm install clusterdoc helm/clusterdoc -n clusterdoc, with these --set options. */
  static Manifests renderAsReadmeInstalls(String... settings) {
    return Manifests.parse(template("clusterdoc", "clusterdoc", null, settings).call());
  }

  /** The message Helm fails with; an AssertionError when it renders. */
  static String renderError(String... settings) {
    try {
      template(RELEASE, NAMESPACE, null, settings).call();
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
    throw new AssertionError("helm template succeeded with " + String.join(" ", settings));
  }

  /** helm lint --strict: warnings fail too. */
  static LintResult lint(Path chart) {
    return new Helm(chart).lint().strict().call();
  }

  /**
   * A copy of the chart in {@code dir} whose values.yaml is the chart's with {@code overrides} merged in: helm lint
   * takes no values, so this is how it checks a chart with other values.
   */
  static Path copyWithValues(Path dir, Path overrides) throws IOException {
    Path copy = dir.resolve("clusterdoc");
    try (Stream<Path> files = Files.walk(DIR)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = copy.resolve(DIR.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    ObjectNode values = (ObjectNode) YAML.readTree(DIR.resolve("values.yaml").toFile());
    merge(values, YAML.readTree(overrides.toFile()));
    YAML.writeValue(copy.resolve("values.yaml").toFile(), values);
    return copy;
  }

  static Path resource(String name) {
    try {
      return Path.of(HelmChart.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode readYaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode readYamlText(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TemplateCommand template(String release, String namespace, Path valuesFile, String... settings) {
    TemplateCommand command = new Helm(DIR).template().withName(release).withNamespace(namespace);
    if (valuesFile != null) {
      command = command.withValuesFile(valuesFile);
    }
    for (String setting : settings) {
      String[] keyValue = setting.split("=", 2);
      command = command.set(keyValue[0], keyValue[1]);
    }
    return command;
  }

  /** Merges maps key by key, as Helm merges values files; anything else is replaced. */
  private static void merge(ObjectNode into, JsonNode from) {
    for (Iterator<Map.Entry<String, JsonNode>> fields = from.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = into.get(field.getKey());
      if (existing instanceof ObjectNode object && field.getValue().isObject()) {
        merge(object, field.getValue());
      } else {
        into.set(field.getKey(), field.getValue());
      }
    }
  }
}
