package tf.ourworld.hero.procservice.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The procservice-operator command line: {@code run} against a cluster, {@code local} without one. */
@Command(name = "procservice-operator", mixinStandardHelpOptions = true,
    versionProvider = RootCommand.Version.class,
    description = "Keeps services actually working: spawns or tracks their processes, probes their handlers,"
        + " and writes Running / Degraded / Stopped into each ProcService's status.",
    subcommands = {RunCommand.class, LocalCommand.class})
public class RootCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
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
