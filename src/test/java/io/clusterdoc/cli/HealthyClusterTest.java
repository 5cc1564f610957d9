package io.clusterdoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The healthy example must scan clean: a false alarm costs users as surely as a miss. */
class HealthyClusterTest {
  private static final String HEALTHY = "docs/examples/healthy-cluster";

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-20T10:00:00Z", "2031-06-01T00:00:00Z"})
  void theHealthyExampleHasNoWarningOrCriticalFinding(String now) {
    CliRun run = CliRun.of("scan", "--from", HEALTHY, "--fail-on", "warning", "--now", now);

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
