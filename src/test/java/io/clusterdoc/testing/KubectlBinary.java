package io.clusterdoc.testing;


import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
    return ToolBinaries.run(List.of(kubectl().toString(), "kustomize", dir.toString()), TIMEOUT);
  }
}
