package io.clusterdoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The healthy example must scan clean: a false alarm costs users as surely as a miss. */
class HealthyClusterTest {
  private static final String HEALTHY = "docs/examples/healthy-cluster";

  @Test
  void theHealthyExampleHasNoWarningOrCriticalFinding() {
    CliRun run = CliRun.of("scan", "--from", HEALTHY, "--fail-on", "warning", "--now", "2026-11-20T10:00:00Z");

    assertThat(run.err()).isEmpty();
    assertThat(run.out()).doesNotContainPattern("(?m)^(critical|warning) ");
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void itStaysCleanAtAnyLaterTime() {
    CliRun run = CliRun.of("scan", "--from", HEALTHY, "--fail-on", "warning");

    assertThat(run.out()).doesNotContainPattern("(?m)^(critical|warning) ");
    assertThat(run.exitCode()).isZero();
  }
}
