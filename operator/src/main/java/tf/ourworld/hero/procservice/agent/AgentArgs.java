package tf.ourworld.hero.procservice.agent;

import java.util.List;

/** The command line of {@code procservice-operator probe-agent}: the flag names both the pod template and the command use. */
public final class AgentArgs {
  public static final String COMMAND = "probe-agent";
  /** The probes to run, a JSON list of probe specs (action, expect, timeout). */
  public static final String PROBES = "--probes";
  /** The file holding the pod's token (the agent Secret's key, mounted in the sidecar only). */
  public static final String TOKEN_FILE = "--token-file";
  /** The pod's runtime dir: relative unix sockets resolve in it, and no socket outside it is probed. */
  public static final String RUNTIME_DIR = "--runtime-dir";
  public static final String PORT = "--port";
  /** The address to listen on (default all: the operator connects to the pod's IP). */
  public static final String BIND = "--bind";

  private AgentArgs() {
  }

  /** The sidecar's arguments. */
  public static List<String> of(String probesJson, String tokenFile, String runtimeDir, int port) {
    return List.of(COMMAND, PROBES + "=" + probesJson, TOKEN_FILE + "=" + tokenFile, RUNTIME_DIR + "=" + runtimeDir,
        PORT + "=" + port);
  }
}
