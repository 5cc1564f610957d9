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
 * Finds kubectl for the tests that run it. Without it those tests are skipped with a message saying how to install
 * it, unless {@code CLUSTERDOC_REQUIRE_KUBECTL=1}, where a missing kubectl fails the test: CI must never pass by
 * skipping them.
 */
public final class KubectlBinary {
  private static final String INSTALL_HINT = "install a kubectl client (1.27 or later, for kustomize v5) to run it";
  private static final Duration TIMEOUT = Duration.ofMinutes(1);

  private KubectlBinary() {
  }

  public static Path kubectl() {
    Optional<Path> found = onPath("kubectl");
    if (found.isEmpty() && "1".equals(System.getenv("CLUSTERDOC_REQUIRE_KUBECTL"))) {
      fail("`kubectl` is not on the PATH but CLUSTERDOC_REQUIRE_KUBECTL=1: " + INSTALL_HINT);
    }
    assumeTrue(found.isPresent(), "`kubectl` is not on the PATH; " + INSTALL_HINT);
    return found.get();
  }

  /** What {@code kubectl kustomize dir} prints; fails the test, with kubectl's message, when it exits non-zero. */
  public static String kustomize(Path dir) throws IOException, InterruptedException {
    List<String> command = List.of(kubectl().toString(), "kustomize", dir.toString());
    // Output goes to files, not pipes, so that a large render cannot block on a full pipe buffer.
    Path out = Files.createTempFile("kustomize", ".yaml");
    Path err = Files.createTempFile("kustomize", ".log");
    try {
      Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      boolean finished = process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (!finished) {
        process.destroyForcibly().waitFor();
      }
      assertThat(finished).as("%s did not finish within %d s", String.join(" ", command), TIMEOUT.toSeconds())
          .isTrue();
      assertThat(process.exitValue()).as("%s failed:%n%s", String.join(" ", command), Files.readString(err))
          .isZero();
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
