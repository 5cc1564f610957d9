package io.clusterdoc.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the external programs some tests run. Without one, those tests are skipped with a message saying how to
 * install it, unless the variable named for it is 1 (CI sets them), where a missing program fails the test: CI
 * must never pass by skipping them.
 */
final class ToolBinaries {
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

  private static Optional<Path> onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
