package io.clusterdoc.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * pom.xml as far as the image is concerned: the jar that {@code package} builds, and the jib-maven-plugin
 * configuration, read for the properties the image depends on.
 */
final class JibConfiguration {
  static final String PLUGIN = "jib-maven-plugin";

  private final Element plugin;
  private final Element configuration;
  private final String finalName;

  private JibConfiguration(Element plugin, String finalName) {
    this.plugin = plugin;
    this.configuration = child(plugin, "configuration")
        .orElseThrow(() -> new IllegalArgumentException(PLUGIN + " has no configuration"));
    this.finalName = finalName;
  }

  static JibConfiguration read(Path pom) throws IOException {
    try {
      Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile())
          .getDocumentElement();
      Element build = child(project, "build").orElseThrow(() -> new IllegalArgumentException("pom.xml has no build"));
      Element plugin = children(child(build, "plugins").orElseThrow(), "plugin").stream()
          .filter(p -> child(p, "artifactId").map(Node::getTextContent).orElse("").equals(PLUGIN)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("pom.xml does not configure " + PLUGIN));
      return new JibConfiguration(plugin, text(build, "finalName").orElseThrow());
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException("cannot read " + pom + ": " + e.getMessage(), e);
    }
  }

  /** The runnable jar {@code package} builds (the shade plugin replaces the plain jar with it). */
  String packagedJar() {
    return "target/" + finalName + ".jar";
  }

  /** Executions would bind a goal to a phase, so that {@code verify} tried to build or push an image. */
  boolean boundToAPhase() {
    return child(plugin, "executions").isPresent();
  }

  /** Where jib:dockerBuild and jib:build put the image unless {@code -Dimage} says otherwise. */
  Optional<String> targetImage() {
    return text(configuration, "to", "image");
  }

  ImageDefinition definition() {
    return new ImageDefinition(text(configuration, "from", "image").orElse(null),
        text(configuration, "container", "user").orElse(null),
        list("container", "ports").stream().map(ImageDefinition::normalizePort).toList(),
        environment(), list("container", "entrypoint"), list("container", "args"), files());
  }

  private Map<String, String> environment() {
    Map<String, String> environment = new TreeMap<>();
    child(configuration, "container", "environment")
        .ifPresent(e -> children(e, null).forEach(v -> environment.put(v.getTagName(), v.getTextContent())));
    return environment;
  }

  /** The {@code <arg>}, {@code <port>}... items of a list parameter; empty when it is missing. */
  private List<String> list(String... path) {
    return child(configuration, path).map(list -> children(list, null).stream().map(Node::getTextContent).toList())
        .orElse(List.of());
  }

  /** The extra directories' files by image path, each with its path in the project. */
  private Map<String, String> files() {
    Map<String, String> files = new TreeMap<>();
    child(configuration, "extraDirectories", "paths").ifPresent(paths -> children(paths, "path").forEach(path -> {
      String from = projectPath(text(path, "from").orElseThrow());
      String into = text(path, "into").orElse("/");
      for (String include : includes(path)) {
        files.put(into.replaceFirst("/$", "") + "/" + include, from.isEmpty() ? include : from + "/" + include);
      }
    }));
    return files;
  }

  /** Literal file names only: a glob would make the image's files depend on what the directory holds. */
  private static List<String> includes(Element path) {
    Element includes = child(path, "includes")
        .orElseThrow(() -> new IllegalArgumentException("an extra directory without includes copies all of it"));
    List<Element> items = children(includes, null);
    List<String> names = items.isEmpty()
        ? Arrays.stream(includes.getTextContent().split(",")).map(String::trim).toList()
        : items.stream().map(Node::getTextContent).map(String::trim).toList();
    names.stream().filter(n -> n.matches(".*[*?\\[{].*")).findFirst().ifPresent(glob -> {
      throw new IllegalArgumentException("include " + glob + " is a glob, not a file name");
    });
    return names;
  }

  /** A path as Maven resolves it, relative to the project directory. */
  private String projectPath(String path) {
    String resolved = path.replace("${project.basedir}/", "").replace("${project.basedir}", "")
        .replace("${project.build.directory}", "target").replace("${project.build.finalName}", finalName);
    if (resolved.contains("${")) {
      throw new IllegalArgumentException("cannot resolve " + path);
    }
    return resolved;
  }

  private static Optional<String> text(Element parent, String... path) {
    return child(parent, path).map(Node::getTextContent).map(String::trim);
  }

  private static Optional<Element> child(Element parent, String... path) {
    Element current = parent;
    for (String name : path) {
      List<Element> matching = children(current, name);
      if (matching.isEmpty()) {
        return Optional.empty();
      }
      current = matching.get(0);
    }
    return Optional.of(current);
  }

  /** The child elements with this tag name, or all of them when the name is null. */
  private static List<Element> children(Element parent, String name) {
    List<Element> children = new ArrayList<>();
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && (name == null || element.getTagName().equals(name))) {
        children.add(element);
      }
    }
    return children;
  }
}
