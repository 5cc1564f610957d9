package io.clusterdoc.testing;

import java.nio.file.Path;

/** Prometheus's own binaries, for the alerting-rule tests and the real-Prometheus test; CI requires them. */
public final class PrometheusBinaries {
  private static final String REQUIRED = "CLUSTERDOC_REQUIRE_PROMETHEUS";
  private static final String INSTALL_HINT =
      "install Prometheus 2.x to run it, e.g. on Debian/Ubuntu: apt-get install --no-install-recommends prometheus";

  private PrometheusBinaries() {
  }

  public static Path promtool() {
    return ToolBinaries.require("promtool", REQUIRED, INSTALL_HINT);
  }

  public static Path prometheus() {
    return ToolBinaries.require("prometheus", REQUIRED, INSTALL_HINT);
  }
}
