package io.clusterdoc.cli;

import io.clusterdoc.BuildInfo;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point of the jar: scans, the rule list and the operator. */
@Command(name = "clusterdoc",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Finds the Kubernetes failure patterns people otherwise chase by hand.",
    subcommands = {ScanCommand.class, RulesCommand.class, ExplainCommand.class, RunCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:no finding at or above --fail-on", "1:a finding at or above --fail-on",
        "2:usage or input error"})
public final class Main implements Runnable {
  public static final int EXIT_FINDINGS = 1;
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(execute(args, out, err));
  }

  /** Runs a command line and returns its exit code; never throws for bad input. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler((e, params) -> {
      err.println("error: " + e.getMessage());
      err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      err.flush();
      return EXIT_USAGE;
    });
    cli.setExecutionExceptionHandler((e, command, parseResult) -> {
      err.println("error: " + Errors.oneLine(e));
      err.flush();
      return EXIT_USAGE;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version the jar was built as. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"clusterdoc " + BuildInfo.version()};
    }
  }
}
