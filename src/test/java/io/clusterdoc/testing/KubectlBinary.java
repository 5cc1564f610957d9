package io.clusterdoc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** kubectl, for the tests that render the kustomize manifests with it; CI requires it. */
public final class KubectlBinary {
  private static final String INSTALL_HINT = "install a kubectl client (1.27 or later, for kustomize v5) to run it";
  private static final Duration TIMEOUT = Duration.ofMinutes(1);

  private KubectlBinary() {
  }

  public static Path kubectl() {
    return ToolBinaries.require("kubectl", "CLUSTERDOC_REQUIRE_KUBECTL", INSTALL_HINT);
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
}
