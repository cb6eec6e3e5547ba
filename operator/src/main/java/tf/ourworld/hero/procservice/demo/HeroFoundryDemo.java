package tf.ourworld.hero.procservice.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A stand-in for the seed's hero_foundry service, so the examples run something real: mode
 * {@code server} serves JSON-RPC 2.0 (HTTP POST /, answering {@code rpc.discover} with a small
 * OpenRPC document) and {@code GET /health} on {@code rpc.sock}; mode {@code ui} serves
 * {@code GET /health} and a page on {@code ui.sock}. Sockets are created in the working directory
 * (the runtime dir the Process runtime gives each service) or in {@code $PROCSERVICE_RUNTIME_DIR}.
 *
 * <p>To make it misbehave like the seed's incident 2, send {@code POST /debug/poison} to the socket
 * or create the file {@code <mode>.poison} next to it: from then on every connection is accepted and
 * closed without a byte (an "empty reply") while the socket keeps accepting. A restart cures it.
 * The file {@code ui.flaky} makes the ui's /health fail every other request (503) instead; a
 * restart of the ui removes it too.
 */
public final class HeroFoundryDemo {
  private HeroFoundryDemo() {
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 1 || !(args[0].equals("server") || args[0].equals("ui") || args[0].equals("grpc"))) {
      System.err.println("usage: hero-foundry-demo server|ui|grpc [--socket NAME]");
      System.err.println("  server: JSON-RPC 2.0 (POST /, rpc.discover) and GET /health on rpc.sock");
      System.err.println("  ui:     GET /health and GET / on ui.sock");
      System.err.println("  grpc:   grpc.health.v1 on grpc.sock (NOT_SERVING while grpc.notserving exists)");
      System.err.println("  misbehave: POST /debug/poison, or create <mode>.poison beside the socket;");
      System.err.println("             ui.flaky: the ui's /health fails every other request");
      System.exit(2);
      return;
    }
    String mode = args[0];
    String socketName = mode.equals("server") ? "rpc.sock" : mode.equals("grpc") ? "grpc.sock" : "ui.sock";
    int i = Arrays.asList(args).indexOf("--socket");
    if (i >= 0 && i + 1 < args.length) {
      socketName = args[i + 1];
    }
    Path dir = runtimeDir();
    if (mode.equals("grpc")) {
      GrpcHealthDemo.serve(dir, socketName);
      return;
    }
    Path poison = dir.resolve(mode + ".poison");
    // A restart must cure the service, as restarting the real one did.
    Files.deleteIfExists(poison);
    Path flaky = dir.resolve("ui.flaky");
    if (mode.equals("ui")) {
      Files.deleteIfExists(flaky);
    }
    DemoHttpServer server = new DemoHttpServer(dir, socketName, poison,
        mode.equals("server") ? new RpcHandler() : new UiHandler(flaky));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "demo-shutdown"));
    System.out.printf(Locale.ROOT, "hero-foundry-demo %s listening on %s (pid %d)%n", mode,
        dir.resolve(socketName), ProcessHandle.current().pid());
    System.out.flush();
    server.serve();
  }

  private static Path runtimeDir() {
    String env = System.getenv("PROCSERVICE_RUNTIME_DIR");
    return (env != null && !env.isBlank() ? Path.of(env) : Path.of("")).toAbsolutePath();
  }
}
