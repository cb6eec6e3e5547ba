package tf.ourworld.hero.procservice.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code ui} process: GET /health and a one-line page. While the file {@code ui.flaky} exists
 * beside the socket, every other /health answers 503 (a flapping handler, for failureWindow).
 */
final class UiHandler implements DemoHttpServer.Handler {
  private final Path flakyFile;
  private final AtomicInteger healthRequests = new AtomicInteger();

  UiHandler(Path flakyFile) {
    this.flakyFile = flakyFile;
  }

  @Override
  public DemoHttpServer.Response handle(DemoHttpServer.Request req) {
    if (!req.method().equals("GET")) {
      return DemoHttpServer.Response.text(405, "method not allowed\n");
    }
    return switch (req.path()) {
      case "/health" -> healthRequests.incrementAndGet() % 2 == 0 && Files.exists(flakyFile)
          ? DemoHttpServer.Response.text(503, "flaky\n") : DemoHttpServer.Response.text(200, "ok\n");
      case "/" -> new DemoHttpServer.Response(200, "text/html; charset=utf-8",
          "<!doctype html><title>hero_foundry</title><p>hero_foundry demo UI</p>\n");
      default -> DemoHttpServer.Response.text(404, "not found\n");
    };
  }
}
