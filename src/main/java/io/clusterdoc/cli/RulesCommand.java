package io.clusterdoc.cli;

import io.clusterdoc.engine.Threshold;
import io.clusterdoc.engine.Rule;
import io.clusterdoc.rules.RuleCatalog;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Lists every rule, so people know the ids to disable or tune. */
@Command(name = "rules", mixinStandardHelpOptions = true,
    description = "List every rule id with its severity, default threshold and a one-line description.")
final class RulesCommand implements Runnable {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    int idWidth = RuleCatalog.all().stream().mapToInt(r -> r.id().length()).max().orElse(4) + 2;
    String format = "%-" + idWidth + "s%-10s%-11s%s%n";
    out.printf(format, "RULE", "SEVERITY", "THRESHOLD", "DESCRIPTION");
    for (Rule rule : RuleCatalog.all()) {
      String threshold = rule.defaultThreshold().map(Threshold::display).orElse("-");
      out.printf(format, rule.id(), rule.severity().id(), threshold, rule.description());
    }
    out.flush();
  }
}
