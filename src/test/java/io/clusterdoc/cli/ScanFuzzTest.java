package io.clusterdoc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.clusterdoc.input.ManifestReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline reader on 1,000 damaged files, through the real command line: files cut short, bytes replaced by
 * garbage, values of the wrong type, nesting thousands deep, alias bombs and very large files, made from the rule
 * fixtures as YAML and as JSON. However broken the input, a scan ends in time, prints no stack trace, names the
 * file in every message, each on one line, and exits 0, 1 or 2.
 */
class ScanFuzzTest {
  private static final int FILES = 1_000;
  private static final int FILES_PER_SCAN = 40;
  private static final long SEED = 20261123L;
  /** A message quotes what it must to name the problem, never a whole damaged line of a large file. */
  private static final int LONGEST_MESSAGE = 1_000;
  private static final String[] ODD_VALUES = {"[]", "{}", "null", "~", "-1", "1e400", "0x7fffffffffffffff",
      "\"\\u0000\"", "!!binary AAAA", "*missing", "&anchor", "true", "\"\u00e9\u4e2d\ud83d\ude00\"", "[1, {a: b}]",
      "{kind: Pod}", "'2026-13-45T99:99:99Z'", "\"" + "x".repeat(5_000) + "\""};

  @TempDir
  Path dir;

  @Test
  void damagedFilesGiveOneLineMessagesNamingTheFileAndNeverAStackTrace() throws IOException {
    Random random = new Random(SEED);
    List<String> seeds = seeds();
    List<Mutation> mutations = mutations();
    int written = 0;
    for (int scan = 0; written < FILES; scan++) {
      Path batch = Files.createDirectory(dir.resolve("scan-" + scan));
      for (int i = 0; i < FILES_PER_SCAN && written < FILES; i++, written++) {
        Mutation mutation = mutations.get(written % mutations.size());
        String seed = seeds.get(random.nextInt(seeds.size()));
        String extension = seed.stripLeading().startsWith("{") ? ".json" : ".yaml";
        Files.write(batch.resolve(String.format("%04d-%s%s", written, mutation.name(), extension)),
            mutation.apply(seed, random));
      }
      assertScanCopes(batch);
    }
  }

  private static void assertScanCopes(Path batch) {
    CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> CliRun.of("scan", "--from", batch.toString(), "-o", "json", "--fail-on", "warning"),
        "scan of " + batch + " did not end");
    assertThat(run.exitCode()).as(batch + ": exit code").isIn(0, 1, 2);
    assertThat(run.err()).as(batch + ": stack trace").doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(run.err().lines()).as(batch + ": messages").allSatisfy(line -> {
      assertThat(line).matches("(warning|error): .*" + batch.getFileName() + ".*");
      assertThat(line.length()).isLessThanOrEqualTo(LONGEST_MESSAGE);
    });
    Map<String, Long> linesPerFile = run.err().lines().filter(line -> line.startsWith("warning: "))
        .collect(Collectors.groupingBy(line -> line.substring(0, line.indexOf(": ", "warning: ".length())),
            Collectors.counting()));
    assertThat(linesPerFile).as(batch + ": lines per file")
        .allSatisfy((file, lines) -> assertThat(lines).isLessThanOrEqualTo(ManifestReader.PROBLEMS_LISTED_PER_FILE + 1));
    if (run.exitCode() == 2) {
      assertThat(run.out()).isEmpty();
    }
  }

  /** Every rule fixture, as its YAML and as one JSON document per file. */
  private static List<String> seeds() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectMapper json = new ObjectMapper();
    List<String> seeds = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/test/resources/io/clusterdoc/rules"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        String text = Files.readString(file);
        seeds.add(text);
        seeds.add(json.writeValueAsString(yaml.readerFor(Object.class).readValues(text).readAll()));
      }
    }
    return seeds;
  }

  private record Mutation(String name, BiFunction<String, Random, byte[]> change) {
    byte[] apply(String seed, Random random) {
      return change.apply(seed, random);
    }
  }

  private static List<Mutation> mutations() {
    return List.of(
        new Mutation("truncated", (seed, random) -> utf8(seed).length < 2 ? utf8(seed)
            : java.util.Arrays.copyOf(utf8(seed), random.nextInt(utf8(seed).length))),
        new Mutation("garbage", ScanFuzzTest::garbage),
        new Mutation("odd-value", ScanFuzzTest::oddValue),
        new Mutation("odd-values", (seed, random) -> {
          String text = seed;
          for (int i = 0; i < 10; i++) {
            text = new String(oddValue(text, random), StandardCharsets.UTF_8);
          }
          return utf8(text);
        }),
        new Mutation("lines-shuffled", ScanFuzzTest::linesShuffled),
        new Mutation("deep", (seed, random) -> utf8(random.nextBoolean()
            ? "[".repeat(20_000) + "]".repeat(20_000)
            : "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata: " + "[".repeat(20_000))),
        new Mutation("alias-bomb", (seed, random) -> utf8(aliasBomb())),
        new Mutation("large", (seed, random) -> utf8((seed.stripLeading().startsWith("{") ? seed + "\n" : seed
            + "\n---\n").repeat(Math.max(1, 1_000_000 / Math.max(1, seed.length()))))),
        new Mutation("binary", (seed, random) -> {
          byte[] bytes = new byte[1 + random.nextInt(4_096)];
          random.nextBytes(bytes);
          return bytes;
        }),
        new Mutation("empty", (seed, random) -> new byte[0]));
  }

  private static byte[] garbage(String seed, Random random) {
    byte[] bytes = utf8(seed);
    for (int i = 0; i < 1 + random.nextInt(20) && bytes.length > 0; i++) {
      bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
    }
    return bytes;
  }

  /** One scalar value, anywhere in the file, replaced by a value of another type or shape. */
  private static byte[] oddValue(String seed, Random random) {
    List<String> lines = new ArrayList<>(seed.lines().toList());
    if (lines.isEmpty()) {
      return utf8(seed);
    }
    int at = random.nextInt(lines.size());
    String line = lines.get(at);
    int colon = line.indexOf(": ");
    String odd = ODD_VALUES[random.nextInt(ODD_VALUES.length)];
    lines.set(at, colon < 0 ? line + " " + odd : line.substring(0, colon + 2) + odd);
    return utf8(String.join("\n", lines));
  }

  private static byte[] linesShuffled(String seed, Random random) {
    List<String> lines = new ArrayList<>(seed.lines().toList());
    for (int i = 0; i < 3 && lines.size() > 1; i++) {
      int a = random.nextInt(lines.size());
      int b = random.nextInt(lines.size());
      String line = lines.get(a);
      lines.set(a, lines.get(b));
      lines.set(b, line);
    }
    return utf8(String.join("\n", lines));
  }

  /** The "billion laughs": nine levels of nine aliases each, a few lines that would expand to a billion. */
  private static String aliasBomb() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [\"lol\"]\n");
    for (int level = 1; level <= 9; level++) {
      yaml.append("a").append(level).append(": &a").append(level).append(" [");
      for (int i = 0; i < 9; i++) {
        yaml.append(i == 0 ? "" : ", ").append("*a").append(level - 1);
      }
      yaml.append("]\n");
    }
    return yaml.append("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n").toString();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
