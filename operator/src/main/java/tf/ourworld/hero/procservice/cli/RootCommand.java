package tf.ourworld.hero.procservice.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.IVersionProvider;

/**
 * The procservice-operator command line: {@code run} against a cluster, {@code local} without one,
 * and the client commands people use (list, status, restart, reset, logs, describe), also as the
 * kubectl plugin {@code kubectl procservice}.
 */
@Command(name = "procservice-operator", mixinStandardHelpOptions = true,
    versionProvider = RootCommand.Version.class,
    description = {"Keeps services actually working: spawns or tracks their processes, probes their handlers,"
        + " and writes Running / Degraded / Stopped into each ProcService's status.",
        "The client commands talk to the API of the current kubeconfig (--kubeconfig, --context, -n), never to the"
        + " operator directly. Shell completion: source <(procservice generate-completion)."},
    subcommands = {RunCommand.class, LocalCommand.class, ListCommand.class, StatusCommand.class,
        RestartCommand.class, ResetCommand.class, LogsCommand.class, DescribeCommand.class, ProbeAgentCommand.class,
        AutoComplete.GenerateCompletion.class})
public class RootCommand implements Runnable {
  /** The name the wrapper scripts run us as (procservice, kubectl procservice). */
  static final String PROG_ENV = "PROCSERVICE_PROG";

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The command line as Main runs it: UTF-8 output whatever the locale (the glyphs), and usage
   * errors of the client commands exit 64, apart from the exit codes they answer with (0..4).
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new RootCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    String prog = System.getenv(PROG_ENV);
    if (prog != null && !prog.isBlank()) {
      cl.setCommandName(prog);
    }
    cl.setOut(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true));
    IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
    cl.setParameterExceptionHandler((e, args) -> {
      int code = usage.handleParseException(e, args);
      return e.getCommandLine().getCommand() instanceof ClientCommand ? ClientCommand.EXIT_USAGE : code;
    });
    cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    return cl;
  }

  /** Reads the version Maven wrote into the jar. */
  public static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = RootCommand.class.getResourceAsStream("/procservice-version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"procservice-operator " + p.getProperty("version", "unknown")};
    }
  }
}
