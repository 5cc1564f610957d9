package io.clusterdoc.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds Prometheus's own binaries for the tests that run them. Without them those tests are skipped with a
 * message saying how to install them, unless {@code CLUSTERDOC_REQUIRE_PROMETHEUS=1} (set by CI), where a
 * missing binary fails the test: CI must never pass by skipping them.
 */
public final class PrometheusBinaries {
  private static final String INSTALL_HINT =
      "install Prometheus 2.x to run it, e.g. on Debian/Ubuntu: apt-get install --no-install-recommends prometheus";

  private PrometheusBinaries() {
  }

  public static Path promtool() {
    return require("promtool");
  }

  public static Path prometheus() {
    return require("prometheus");
  }

  private static Path require(String name) {
    Optional<Path> found = onPath(name);
    if (found.isEmpty() && "1".equals(System.getenv("CLUSTERDOC_REQUIRE_PROMETHEUS"))) {
      fail("`" + name + "` is not on the PATH but CLUSTERDOC_REQUIRE_PROMETHEUS=1: " + INSTALL_HINT);
    }
    assumeTrue(found.isPresent(), "`" + name + "` is not on the PATH; " + INSTALL_HINT);
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
