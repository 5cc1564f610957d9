package io.clusterdoc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the external programs some tests run. Without one, those tests are skipped with a message saying how to
 * install it, unless the variable named for it is 1 (CI sets them), where a missing program fails the test: CI
 * must never pass by skipping them.
 */
public final class ToolBinaries {
  private ToolBinaries() {
  }

  static Path require(String name, String requireVariable, String installHint) {
    Optional<Path> found = onPath(name);
    if (found.isEmpty() && "1".equals(System.getenv(requireVariable))) {
      fail("`" + name + "` is not on the PATH but " + requireVariable + "=1: " + installHint);
    }
    assumeTrue(found.isPresent(), "`" + name + "` is not on the PATH; " + installHint);
    return found.get();
  }

  /**
   * Runs a command to its end and returns what it printed on stdout; fails the test, with what it printed on
   * stdout and stderr, when it exits non-zero or takes longer than the timeout. Output goes to files, not pipes,
   * so that a verbose program cannot block on a full pipe buffer.
   */
  public static String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
    Path out = Files.createTempFile("tool", ".out");
    Path err = Files.createTempFile("tool", ".err");
    try {
      Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      boolean finished = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
      if (!finished) {
        process.destroyForcibly().waitFor();
      }
      String printed = Files.readString(out) + Files.readString(err);
      String line = String.join(" ", command);
      assertThat(finished).as("%s did not finish within %d s:%n%s", line, timeout.toSeconds(), printed).isTrue();
      assertThat(process.exitValue()).as("%s failed:%n%s", line, printed).isZero();
      return Files.readString(out);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
