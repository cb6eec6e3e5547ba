package tf.ourworld.hero.procservice.demo;

/** The {@code ui} process: GET /health and a one-line page. */
final class UiHandler implements DemoHttpServer.Handler {
  @Override
  public DemoHttpServer.Response handle(DemoHttpServer.Request req) {
    if (!req.method().equals("GET")) {
      return DemoHttpServer.Response.text(405, "method not allowed\n");
    }
    return switch (req.path()) {
      case "/health" -> DemoHttpServer.Response.text(200, "ok\n");
      case "/" -> new DemoHttpServer.Response(200, "text/html; charset=utf-8",
          "<!doctype html><title>hero_foundry</title><p>hero_foundry demo UI</p>\n");
      default -> DemoHttpServer.Response.text(404, "not found\n");
    };
  }
}
