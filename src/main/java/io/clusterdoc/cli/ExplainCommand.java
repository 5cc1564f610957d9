package io.clusterdoc.cli;

import io.clusterdoc.rules.RuleDocs;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Prints a rule's documentation: symptom, cause, detection and what to do. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Print the documentation of a rule (`clusterdoc rules` lists the ids).")
final class ExplainCommand implements Callable<Integer> {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RULE", description = "A rule id, e.g. namespace-stuck-terminating.")
  private String ruleId;

  @Override
  public Integer call() {
    Optional<String> page = RuleDocs.of(ruleId);
    if (page.isEmpty()) {
      spec.commandLine().getErr().println("error: unknown rule '" + ruleId + "' (`clusterdoc rules` lists them)");
      spec.commandLine().getErr().flush();
      return Main.EXIT_USAGE;
    }
    spec.commandLine().getOut().print(page.get());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
