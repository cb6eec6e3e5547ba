package tf.ourworld.hero.procservice.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tf.ourworld.hero.procservice.Main;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ServiceState;

/**
 * What every client command shares: the API from the kubeconfig (never the operator directly),
 * output on picocli's writers, errors in one line that say what to do, and the exit codes scripts
 * read: 0 Running, 1 Degraded, 2 Failed, 3 Stopped or Starting, 4 not found or no answer.
 */
abstract class ClientCommand implements Callable<Integer> {
  static final int EXIT_RUNNING = 0;
  static final int EXIT_DEGRADED = 1;
  static final int EXIT_FAILED = 2;
  static final int EXIT_OTHER = 3;
  static final int EXIT_NO_ANSWER = 4;
  /** Usage errors: not one of the answers above. */
  static final int EXIT_USAGE = 64;

  @Mixin
  ClusterOptions cluster = new ClusterOptions();

  @Option(names = "--color", paramLabel = "auto|always|never", defaultValue = "auto",
      description = "Colour and glyphs (auto: on a terminal only, and no colour when NO_COLOR is set).")
  String color;

  @Spec
  CommandSpec spec;

  @Override
  public final Integer call() {
    try (AutoCloseable quiet = Main.isCommandLine() ? Logging.quiet() : () -> { };
        KubernetesClient client = cluster.client()) {
      return run(client);
    } catch (CliException e) {
      err().println("error: " + e.getMessage());
      return e.exitCode;
    } catch (KubernetesClientException e) {
      err().println("error: " + apiError(e, cluster));
      return EXIT_NO_ANSWER;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_NO_ANSWER;
    } catch (Exception e) {
      err().println("error: " + e);
      return EXIT_NO_ANSWER;
    }
  }

  abstract int run(KubernetesClient client) throws InterruptedException;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  Terminal terminal() {
    return Terminal.of(color);
  }

  static String namespace(KubernetesClient client) {
    return client.getConfiguration().getNamespace();
  }

  static Resource<ProcService> service(KubernetesClient client, String name) {
    return client.resources(ProcService.class).inNamespace(namespace(client)).withName(name);
  }

  /** The service, or a one-line error with exit code 4 when it does not exist. */
  static ProcService require(KubernetesClient client, String name) {
    ProcService ps = service(client, name).get();
    if (ps == null) {
      throw new CliException("procservice " + name + " not found in namespace " + namespace(client)
          + " (procservice list -A shows every namespace)");
    }
    return ps;
  }

  /** Sets one annotation with a JSON merge patch (no read-modify-write race with the operator). */
  static void annotate(KubernetesClient client, String name, String key, String value) {
    String patch = "{\"metadata\":{\"annotations\":{" + json(key) + ":" + json(value) + "}}}";
    service(client, name).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** True while the operator is still at work on the service (its Reconciling condition): starting, restarting, stopping. */
  static boolean reconciling(ProcService ps) {
    return ps.getStatus() != null && ps.getStatus().getConditions() != null && ps.getStatus().getConditions().stream()
        .anyMatch(c -> "Reconciling".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The exit code for a service's state. */
  static int exitCode(ProcService ps) {
    ServiceState state = ps.getStatus() == null ? null : ps.getStatus().getState();
    if (state == null) {
      return EXIT_OTHER;
    }
    return switch (state) {
      case Running -> EXIT_RUNNING;
      case Degraded -> EXIT_DEGRADED;
      case Failed -> EXIT_FAILED;
      case Stopped, Starting -> EXIT_OTHER;
    };
  }

  /** One line for an API error: what failed and what to check. */
  static String apiError(KubernetesClientException e, ClusterOptions cluster) {
    Throwable c = e;
    while (c != null) {
      if (c instanceof ConnectException || c instanceof UnknownHostException) {
        return "cannot reach the Kubernetes API (" + c.getMessage() + "): is the cluster (or `procservice local`)"
            + " running, and is the kubeconfig right" + (cluster.kubeconfig == null ? " ($KUBECONFIG, --kubeconfig)" : "")
            + "?";
      }
      c = c.getCause();
    }
    if (e.getCode() == 404 && e.getMessage() != null && e.getMessage().contains("procservices")) {
      return "the API has no ProcService resource: install the CRD (kubectl apply -f crds/) or check --context";
    }
    if (e.getCode() == 401 || e.getCode() == 403) {
      return "the API refused (" + e.getCode() + "): your user may not read or annotate procservices here;"
          + " check the context and RBAC";
    }
    String msg = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    return msg == null ? e.toString() : msg.lines().findFirst().orElse(msg);
  }
}
