package io.clusterdoc.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile's stages and instructions: the part of the syntax the operator's build file uses (no heredocs, no
 * parser directives beyond comments, no variable expansion).
 */
final class Dockerfile {
  /** {@code KEY=value} or {@code KEY="value with spaces"} in an ENV instruction. */
  private static final Pattern ENV_PAIR = Pattern.compile("([^\\s=]+)=(?:\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S*))");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Stage> stages;

  private Dockerfile(List<Stage> stages) {
    this.stages = stages;
  }

  static Dockerfile read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  static Dockerfile parse(String text) {
    List<Stage> stages = new ArrayList<>();
    for (String line : logicalLines(text)) {
      String[] words = line.split("\\s+", 2);
      String keyword = words[0].toUpperCase(Locale.ROOT);
      String arguments = words.length > 1 ? words[1].trim() : "";
      if (keyword.equals("FROM")) {
        stages.add(Stage.from(arguments));
      } else if (stages.isEmpty()) {
        // Only ARG may come before the first FROM.
        if (!keyword.equals("ARG")) {
          throw new IllegalArgumentException(keyword + " before the first FROM");
        }
      } else {
        stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, arguments));
      }
    }
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("no FROM: not a Dockerfile");
    }
    return new Dockerfile(stages);
  }

  /** Instructions one per line: continued lines joined, comments and blank lines dropped, as Docker reads them. */
  private static List<String> logicalLines(String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : text.split("\\R")) {
      String line = raw.strip();
      if (line.startsWith("#") || line.isEmpty()) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      lines.add(current.append(line).toString().strip());
      current.setLength(0);
    }
    return lines;
  }

  /** The stage the image is made of. */
  Stage finalStage() {
    return stages.get(stages.size() - 1);
  }

  /** A stage by its {@code AS} name or index, as {@code COPY --from} names it. */
  Stage stage(String nameOrIndex) {
    if (nameOrIndex.matches("\\d+")) {
      return stages.get(Integer.parseInt(nameOrIndex));
    }
    return stages.stream().filter(s -> nameOrIndex.equalsIgnoreCase(s.name())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no stage named " + nameOrIndex));
  }

  /** What the final stage makes: the instructions that the image's configuration and files come from. */
  ImageDefinition definition() {
    Stage image = finalStage();
    return new ImageDefinition(image.image(), image.last("USER").orElse(null), ports(image), environment(image),
        command(image, "ENTRYPOINT"), command(image, "CMD"), files(image));
  }

  private static List<String> ports(Stage stage) {
    return stage.all("EXPOSE").stream().flatMap(ports -> Arrays.stream(ports.split("\\s+")))
        .map(ImageDefinition::normalizePort).toList();
  }

  private static Map<String, String> environment(Stage stage) {
    Map<String, String> environment = new TreeMap<>();
    for (String arguments : stage.all("ENV")) {
      if (!arguments.matches("[^\\s=]+=.*")) {
        // The legacy form, ENV KEY value: one variable, the rest of the line is its value.
        String[] words = arguments.split("\\s+", 2);
        environment.put(words[0], words.length > 1 ? words[1] : "");
        continue;
      }
      Matcher pair = ENV_PAIR.matcher(arguments);
      while (pair.find()) {
        String value = pair.group(2) != null ? pair.group(2).replaceAll("\\\\(.)", "$1") : pair.group(3);
        environment.put(pair.group(1), value);
      }
    }
    return environment;
  }

  /**
   * The last ENTRYPOINT or CMD, as the container runtime sees it: the exec form as written, the shell form wrapped
   * in {@code /bin/sh -c} (where java would not be PID 1 and would miss SIGTERM).
   */
  private static List<String> command(Stage stage, String keyword) {
    return stage.last(keyword).map(arguments -> arguments.startsWith("[")
        ? jsonArray(arguments) : List.of("/bin/sh", "-c", arguments)).orElse(List.of());
  }

  private static List<String> jsonArray(String text) {
    try {
      return JSON.readValue(text, new TypeReference<List<String>>() { });
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON array of strings: " + text, e);
    }
  }

  /** The files COPY and ADD put into the image, by image path, each with its path in the project. */
  private Map<String, String> files(Stage stage) {
    Map<String, String> files = new TreeMap<>();
    for (Instruction instruction : stage.instructions()) {
      if (!instruction.keyword().equals("COPY") && !instruction.keyword().equals("ADD")) {
        continue;
      }
      List<String> words = instruction.arguments().startsWith("[")
          ? new ArrayList<>(jsonArray(instruction.arguments()))
          : new ArrayList<>(Arrays.asList(instruction.arguments().split("\\s+")));
      Optional<String> fromStage = words.stream().filter(w -> w.startsWith("--from=")).map(w -> w.substring(7))
          .findFirst();
      words.removeIf(w -> w.startsWith("--"));
      String destination = words.remove(words.size() - 1);
      for (String source : words) {
        String target = destination.endsWith("/") ? destination + Path.of(source).getFileName() : destination;
        files.put(target, fromStage.map(s -> projectPath(stage(s), source)).orElse(source.replaceFirst("^\\./", "")));
      }
    }
    return files;
  }

  /**
   * A path in another stage, relative to that stage's working directory: the build stage builds the project
   * there, so {@code /build/target/clusterdoc.jar} is the project's {@code target/clusterdoc.jar}.
   */
  private static String projectPath(Stage stage, String path) {
    Optional<String> workdir = stage.last("WORKDIR").map(w -> w.endsWith("/") ? w : w + "/");
    return workdir.filter(path::startsWith).map(w -> path.substring(w.length()))
        .orElse(stage.name() + ":" + path);
  }

  /**
   * One stage.
   *
   * @param image what it is built FROM
   * @param name its {@code AS} name, or null
   * @param instructions the instructions after its FROM, in order
   */
  record Stage(String image, String name, List<Instruction> instructions) {
    static Stage from(String arguments) {
      List<String> words = new ArrayList<>(Arrays.asList(arguments.split("\\s+")));
      words.removeIf(w -> w.startsWith("--"));
      String name = words.size() == 3 && words.get(1).equalsIgnoreCase("AS") ? words.get(2) : null;
      return new Stage(words.get(0), name, new ArrayList<>());
    }

    List<String> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    /** The instruction that wins when it is repeated, like USER, WORKDIR, ENTRYPOINT and CMD. */
    Optional<String> last(String keyword) {
      List<String> all = all(keyword);
      return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }
  }

  record Instruction(String keyword, String arguments) {
  }
}
