package io.clusterdoc.input;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.clusterdoc.cluster.ContainerLog;
import io.clusterdoc.cluster.Kind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads Kubernetes objects from files as kubectl writes them: single objects, multi-document YAML, JSON,
 * {@code List}/{@code *List} objects, and {@code kubectl cluster-info dump --output-directory} trees. A file that
 * cannot be read becomes a {@link Problem} naming the file and the reason; the rest is still read.
 */
public final class ManifestReader {
  /** Larger inputs are not what kubectl writes and would only exhaust the heap. */
  static final long MAX_FILE_BYTES = 256L * 1024 * 1024;
  /** A file with thousands of broken documents gets a few lines and a count, not a line per document. */
  public static final int PROBLEMS_LISTED_PER_FILE = 10;
  private static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".json");
  /** kubectl cluster-info dump writes each pod's container logs to &lt;namespace&gt;/&lt;pod&gt;/logs.txt. */
  private static final String DUMP_LOG_FILE = "logs.txt";
  private static final Pattern LOG_START =
      Pattern.compile("^==== START logs for container (\\S+) of pod ([^/\\s]+)/(\\S+) ====$", Pattern.MULTILINE);
  private static final String LOG_END = "==== END logs for container ";

  /** Why a file, or part of it, could not be read. */
  public record Problem(Path file, String reason) {
    @Override
    public String toString() {
      return file + ": " + reason;
    }
  }

  /** The objects of the kinds the rules read, container logs from dump trees, and how much was read. */
  public record Result(List<HasMetadata> objects, int kubernetesObjects, int files, List<Problem> problems,
      List<ContainerLog> logs) {
  }

  private final ObjectMapper yaml = new YAMLMapper();
  private final ObjectMapper json = new JsonMapper();
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  /** Reads a file, or every .yaml, .yml and .json file below a directory. */
  public Result read(Path path) throws IOException {
    List<Path> files;
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path)) {
        files = walk.filter(Files::isRegularFile).filter(ManifestReader::isManifest).sorted().toList();
      }
    } else if (Files.isRegularFile(path)) {
      files = List.of(path);
    } else {
      throw new java.nio.file.NoSuchFileException(path.toString(), null, "no such file or directory");
    }
    Accumulator into = new Accumulator();
    files.forEach(file -> readFile(file, into));
    return into.result(files.size());
  }

  /** Reads objects from text; problems are reported against the given name. */
  public Result parse(String text, Path name) {
    Accumulator into = new Accumulator();
    parseInto(text, name, into);
    return into.result(1);
  }

  private void readFile(Path file, Accumulator into) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        into.problem(file, "larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB, not read");
        return;
      }
      String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      if (isDumpLog(file)) {
        readDumpLog(text, file, into);
      } else {
        parseInto(text, file, into);
      }
    } catch (IOException e) {
      into.problem(file, "cannot read: " + e.getMessage());
    }
    into.fileRead(file);
  }

  private void parseInto(String text, Path file, Accumulator into) {
    int before = into.kubernetesObjects;
    int documents = 0;
    ObjectMapper mapper = text.stripLeading().startsWith("{") ? json : yaml;
    try (JsonParser parser = mapper.getFactory().createParser(text);
        MappingIterator<JsonNode> docs = mapper.readValues(parser, JsonNode.class)) {
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        documents++;
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          readDocument(doc, documents, file, into);
        }
      }
    } catch (JsonProcessingException e) {
      into.problem(file, "not valid " + (mapper == json ? "JSON" : "YAML") + where(e.getLocation(), documents)
          + ": " + firstLine(e.getOriginalMessage()));
      return;
    } catch (IOException | RuntimeException e) {
      into.problem(file, "cannot parse: " + firstLine(e.getMessage()));
      return;
    }
    if (into.kubernetesObjects == before && !hasProblem(into, file)) {
      into.problem(file, documents == 0 ? "empty" : "no Kubernetes object (nothing with apiVersion and kind)");
    }
  }

  private static void readDumpLog(String text, Path file, Accumulator into) {
    Matcher start = LOG_START.matcher(text);
    if (!start.find()) {
      into.problem(file, "not a cluster-info dump log (no '==== START logs for container' line)");
      return;
    }
    do {
      int from = start.end();
      int end = text.indexOf(LOG_END, from);
      String log = text.substring(from, end < 0 ? text.length() : end).strip();
      into.logs.add(new ContainerLog(start.group(2), start.group(3), start.group(1), log));
    } while (start.find());
  }

  private void readDocument(JsonNode doc, int index, Path file, Accumulator into) {
    if (!doc.isObject() || !doc.hasNonNull("kind")) {
      into.problem(file, "document " + index + " is not a Kubernetes object (no kind)");
      return;
    }
    String kind = doc.get("kind").asText();
    JsonNode items = doc.get("items");
    if (kind.endsWith("List") && items != null && items.isArray()) {
      String itemKind = kind.equals("List") ? null : kind.substring(0, kind.length() - "List".length());
      for (JsonNode item : items) {
        if (item.isObject()) {
          ObjectNode object = (ObjectNode) item;
          // kubectl cluster-info dump writes list items without kind and apiVersion
          if (!object.hasNonNull("kind") && itemKind != null) {
            object.put("kind", itemKind);
          }
          if (!object.hasNonNull("apiVersion") && doc.hasNonNull("apiVersion")) {
            object.set("apiVersion", doc.get("apiVersion"));
          }
          readObject(object, index, file, into);
        } else {
          into.problem(file, "document " + index + ": a list item is not an object");
        }
      }
      into.kubernetesObjects += items.isEmpty() ? 1 : 0;
    } else {
      readObject(doc, index, file, into);
    }
  }

  private void readObject(JsonNode node, int index, Path file, Accumulator into) {
    if (!node.hasNonNull("kind")) {
      into.problem(file, "document " + index + ": an object has no kind");
      return;
    }
    into.kubernetesObjects++;
    Kind.named(node.get("kind").asText()).ifPresent(kind -> {
      try {
        List<String> emptyEntries = new ArrayList<>();
        dropEmptyListEntries(node, "", emptyEntries);
        HasMetadata object = serialization.convertValue(node, kind.type());
        if (object.getMetadata() == null || object.getMetadata().getName() == null) {
          into.problem(file, "document " + index + ": a " + kind.kindName() + " has no metadata.name");
          return;
        }
        if (!emptyEntries.isEmpty()) {
          into.problem(file, "document " + index + ": " + kind.kindName() + " " + nameOf(node)
              + " has an empty list entry at " + emptyEntries.get(0)
              + (emptyEntries.size() > 1 ? " and " + (emptyEntries.size() - 1) + " more" : "") + ", ignored");
        }
        into.objects.add(object);
      } catch (RuntimeException e) {
        into.problem(file, "document " + index + ": " + kind.kindName() + " " + nameOf(node) + " is malformed: "
            + firstLine(rootMessage(e)));
      }
    });
  }

  /**
   * Removes list entries that are null (a YAML "-" with nothing after it), noting where: no API server stores one,
   * and the rules, written for what API servers return, would fail on it.
   */
  private static void dropEmptyListEntries(JsonNode node, String path, List<String> dropped) {
    if (node instanceof ArrayNode array) {
      for (int i = 0, original = 0; i < array.size(); original++) {
        String at = path + "[" + original + "]";
        if (array.get(i).isNull()) {
          dropped.add(at);
          array.remove(i);
        } else {
          dropEmptyListEntries(array.get(i++), at, dropped);
        }
      }
    } else if (node.isObject()) {
      node.properties().forEach(field -> dropEmptyListEntries(field.getValue(),
          path.isEmpty() ? field.getKey() : path + "." + field.getKey(), dropped));
    }
  }

  private static boolean isManifest(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return !name.startsWith(".") && (EXTENSIONS.stream().anyMatch(name::endsWith) || isDumpLog(file));
  }

  private static boolean isDumpLog(Path file) {
    return DUMP_LOG_FILE.equals(file.getFileName().toString());
  }

  private static boolean hasProblem(Accumulator into, Path file) {
    return into.problems.stream().anyMatch(p -> p.file().equals(file));
  }

  private static String nameOf(JsonNode node) {
    String name = node.path("metadata").path("name").asText("");
    return name.isEmpty() ? "(unnamed)" : name;
  }

  private static String where(JsonLocation location, int documentsRead) {
    if (location == null || location.getLineNr() < 1) {
      return " (document " + (documentsRead + 1) + ")";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    String line = message.lines().findFirst().orElse("").trim();
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  private static final class Accumulator {
    final List<HasMetadata> objects = new ArrayList<>();
    final List<Problem> problems = new ArrayList<>();
    final List<ContainerLog> logs = new ArrayList<>();
    int kubernetesObjects;

    Result result(int files) {
      return new Result(objects, kubernetesObjects, files, problems, logs);
    }

    /** Problems of the file being read beyond the first few, counted rather than listed one per line. */
    int unlisted;
    int listedInFile;

    void problem(Path file, String reason) {
      if (listedInFile < PROBLEMS_LISTED_PER_FILE) {
        problems.add(new Problem(file, reason));
        listedInFile++;
      } else {
        unlisted++;
      }
    }

    void fileRead(Path file) {
      if (unlisted > 0) {
        problems.add(new Problem(file, unlisted + " more problem" + (unlisted == 1 ? "" : "s") + " not listed"));
      }
      unlisted = 0;
      listedInFile = 0;
    }
  }
}
