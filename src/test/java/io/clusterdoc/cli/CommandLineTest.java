package io.clusterdoc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clusterdoc.engine.Rule;
import io.clusterdoc.rules.RuleCatalog;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  @Test
  void listsEveryRuleWithSeverityAndDescription() {
    CliRun run = CliRun.of("rules");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("RULE");
    for (Rule rule : RuleCatalog.all()) {
      assertThat(run.out()).containsPattern(rule.id() + "\\s+" + rule.severity().id() + "\\s+\\S+\\s+"
          + java.util.regex.Pattern.quote(rule.description()));
    }
  }

  @Test
  void unknownCommandIsAUsageError() {
    CliRun run = CliRun.of("diagnose");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: ").contains("diagnose");
  }

  @Test
  void runRejectsAMalformedIntervalBeforeTouchingAnyCluster() {
    CliRun run = CliRun.of("run", "--status-interval", "soon");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: --status-interval: 'soon' is not a duration");
  }

  @Test
  void runRejectsAPortOutOfRange() {
    CliRun run = CliRun.of("run", "--metrics-port", "70000");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: --metrics-port: 70000 is not a TCP port (1-65535)");
  }

  @Test
  void runRejectsANegativeEventBudget() {
    CliRun run = CliRun.of("run", "--events-per-object-per-minute", "-1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: --events-per-object-per-minute: -1 is below 0");
  }

  @Test
  void runRejectsAnUnknownLogFormatAndLevel() {
    CliRun format = CliRun.of("run", "--log-format", "xml");
    CliRun level = CliRun.of("run", "--log-level", "loud");

    assertThat(format.exitCode()).isEqualTo(2);
    assertThat(format.err()).startsWith("error: --log-format: 'xml' is neither plain nor json");
    assertThat(level.exitCode()).isEqualTo(2);
    assertThat(level.err()).startsWith("error: --log-level: 'loud' is not one of trace, debug, info, warn, error");
  }

  @Test
  void leaderElectionNeedsTheNamespaceOfItsLease() {
    assumeTrue(System.getenv("POD_NAMESPACE") == null, "runs where POD_NAMESPACE is not set");

    CliRun run = CliRun.of("run", "--leader-election");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: --leader-election: the Lease's namespace comes from POD_NAMESPACE");
  }

  @Test
  void runSaysWhenItsMetricsPortIsTaken() throws IOException {
    try (ServerSocket taken = new ServerSocket(0)) {
      CliRun run = CliRun.of("run", "--metrics-port", String.valueOf(taken.getLocalPort()));

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).isEqualTo("error: cannot serve metrics on port " + taken.getLocalPort()
          + ": Address already in use\n");
    }
  }

  @Test
  void explainPrintsEveryRulesPage() {
    for (Rule rule : RuleCatalog.all()) {
      CliRun run = CliRun.of("explain", rule.id());

      assertThat(run.exitCode()).as(rule.id()).isZero();
      assertThat(run.out()).as("docs/rules/%s.md", rule.id()).startsWith("# " + rule.id())
          .contains("## What to do");
    }
  }

  @Test
  void explainAnUnknownRuleSaysSo() {
    CliRun run = CliRun.of("explain", "no-such-rule");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: unknown rule 'no-such-rule' (`clusterdoc rules` lists them)\n");
  }

  @Test
  void theReadmeListsEveryRuleWithItsPage() throws IOException {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));

    for (Rule rule : RuleCatalog.all()) {
      assertThat(readme).contains("| [" + rule.id() + "](docs/rules/" + rule.id() + ".md) | " + rule.severity().id());
    }
  }
}
