package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tf.ourworld.hero.procservice.model.CrdDefinition;

/**
 * A Kubernetes API on 127.0.0.1 that real kubectl (1.31) and fabric8 clients can use, with its
 * objects in memory or also kept in an {@link ObjectDatabase}: an indexed object store
 * ({@link ApiStore}) behind a small HTTP front end that adds discovery, OpenAPI, server-side
 * Tables, streamed and WebSocket watches and proper errors.
 * On start it holds the {@code default} namespace and the ProcService CRD.
 */
public final class EmbeddedApiServer implements AutoCloseable {
  /** The port {@code procservice-operator local} listens on unless told otherwise. */
  public static final int DEFAULT_PORT = 16080;
  private static final Logger log = LoggerFactory.getLogger(EmbeddedApiServer.class);
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private final Vertx vertx;
  private final HttpServer server;
  private final WatchHub hub;
  private final ApiStore store;
  private final ApiResourceRegistry registry;
  private final TableConverter tables;
  private final ApiRequestCounter requests = new ApiRequestCounter();
  private volatile ApiHandler handler;

  private final ObjectDatabase database;

  private EmbeddedApiServer(Vertx vertx, ObjectDatabase database) {
    this.vertx = vertx;
    this.database = database;
    this.hub = new WatchHub();
    this.registry = ApiResourceRegistry.withBuiltIns();
    this.store = new ApiStore(hub, registry, database, Clock.systemUTC());
    this.tables = new TableConverter(Clock.systemUTC());
    this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1")
        .setMaxWebSocketFrameSize(16 * 1024 * 1024).setMaxWebSocketMessageSize(64 * 1024 * 1024));
  }

  /**
   * Starts the API on 127.0.0.1:port (0 picks a free port) with the ProcService CRD and the
   * {@code default} namespace in it.
   *
   * @throws IllegalStateException when the port cannot be bound, naming it
   */
  public static EmbeddedApiServer start(int port) {
    return start(port, null);
  }

  /**
   * Starts the API as {@link #start(int)} does, with the objects kept in {@code database} (null:
   * in memory only): what it holds is loaded first, and every change is committed to it before the
   * API answers. The API owns the database from here on and closes it.
   *
   * @throws IllegalStateException when the port cannot be bound, or the stored objects cannot be loaded
   */
  public static EmbeddedApiServer start(int port, ObjectDatabase database) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
    EmbeddedApiServer api = new EmbeddedApiServer(vertx, database);
    try {
      api.store.restore();
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
    try {
      api.server.requestHandler(api::onRequest);
      api.server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      if (database != null) {
        database.close();
      }
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("Cannot listen on 127.0.0.1:" + port + ": " + cause.getMessage()
          + (port != 0 ? " (choose another with --port, or --port 0 for a free one)" : ""), cause);
    }
    api.handler = new ApiHandler(api.store, api.registry,
        new DiscoveryDocuments(api.registry, "127.0.0.1:" + api.port()), api.tables);
    api.bootstrap();
    // a quiet API publishes nothing, so the watch history's window is also enforced on a timer; off
    // the event loop, as the hub's monitor may be held by a write committing to the database
    vertx.setPeriodic(WatchHub.HISTORY_WINDOW.toMillis() / 5, id -> vertx.executeBlocking(() -> {
      api.hub.expire();
      return null;
    }, false));
    log.atInfo().addKeyValue("url", api.url()).log("Embedded Kubernetes API listening");
    return api;
  }

  private void bootstrap() {
    if (get("/api/v1/namespaces/default") == null) {
      create("/api/v1/namespaces", Serialization.asJson(new NamespaceBuilder().withNewMetadata().withName("default")
          .endMetadata().withNewStatus().withPhase("Active").endStatus().build()));
    }
    CustomResourceDefinition crd = CrdDefinition.load();
    String crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    JsonNode stored = get(crds + "/" + crd.getMetadata().getName());
    if (stored == null) {
      create(crds, Serialization.asJson(crd));
    } else if (!JSON.valueToTree(crd.getSpec()).equals(stored.path("spec"))) {
      // A store written by another build of the operator: this build's CRD is the one that holds.
      crd.getMetadata().setResourceVersion(stored.path("metadata").path("resourceVersion").asText());
      write("PUT", crds + "/" + crd.getMetadata().getName(), Serialization.asJson(crd));
    }
  }

  private JsonNode get(String path) {
    ApiHandler.Reply r = handler.handle("GET", path, "application/json", null, new byte[0]);
    if (r.code() == 404) {
      return null;
    }
    try {
      return JSON.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private void create(String path, String json) {
    write("POST", path, json);
  }

  private void write(String method, String path, String json) {
    ApiHandler.Reply r = handler.handle(method, path, "application/json", "application/json",
        json.getBytes(StandardCharsets.UTF_8));
    if (r.code() >= 300) {
      throw new IllegalStateException("Cannot " + method + " " + path + ": " + new String(r.body(), StandardCharsets.UTF_8));
    }
  }

  /** The port actually bound. */
  public int port() {
    return server.actualPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:16080}. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** A fabric8 client configuration pointing at this API, namespace {@code default}. */
  public Config clientConfig() {
    return new ConfigBuilder(Config.empty()).withMasterUrl(url()).withNamespace("default")
        .withRequestTimeout(30_000).withConnectionTimeout(10_000).build();
  }

  /** A new fabric8 client for this API; the caller closes it. */
  public KubernetesClient createClient() {
    return new KubernetesClientBuilder().withConfig(clientConfig()).build();
  }

  /** {@code /metrics}: the requests answered so far, as kube-apiserver's {@code apiserver_request_total}. */
  String metricsText() {
    return requests.prometheusText();
  }

  /** Open watches (for tests). */
  int openWatches() {
    return hub.openWatches();
  }

  @Override
  public void close() {
    try {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("closing the HTTP server", e);
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("closing Vert.x", e);
    }
    if (database != null) {
      database.close();
    }
  }

  private void onRequest(HttpServerRequest req) {
    String uri = req.uri();
    ResourcePath rp = ResourcePath.parse(uri);
    if (rp != null && rp.plural() != null && rp.isWatch() && req.method() == io.vertx.core.http.HttpMethod.GET) {
      requests.count("GET", rp, 200);
      watch(req, rp);
      return;
    }
    String method = req.method().name();
    if (rp == null && method.equals("GET") && (uri.equals("/metrics") || uri.startsWith("/metrics?"))) {
      req.response().setStatusCode(200).putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
          .end(requests.prometheusText());
      return;
    }
    String accept = req.getHeader("Accept");
    String contentType = req.getHeader("Content-Type");
    req.body().onComplete(body -> {
      if (body.failed()) {
        req.response().setStatusCode(400).end();
        return;
      }
      byte[] bytes = body.result().getBytes();
      vertx.executeBlocking(() -> handler.handle(method, uri, accept, contentType, bytes), false)
          .onComplete(ar -> {
            ApiHandler.Reply reply = ar.succeeded() ? ar.result()
                : ApiHandler.Reply.status(500, "InternalError", "embedded API: " + ar.cause());
            requests.count(method, rp, reply.code());
            if (ar.failed()) {
              log.atWarn().setCause(ar.cause()).addKeyValue("method", method).addKeyValue("uri", uri)
                  .log("Embedded API request failed");
            }
            req.response().setStatusCode(reply.code()).putHeader("Content-Type", reply.contentType())
                .end(Buffer.buffer(reply.body()));
          });
    });
  }

  /** Serves a watch as a chunked stream of JSON events (kubectl, client-go) or over a WebSocket (fabric8). */
  private void watch(HttpServerRequest req, ResourcePath rp) {
    Optional<ApiResource> resource = registry.find(rp.group(), rp.version(), rp.plural());
    Predicate<JsonNode> filter = matches(rp, resource.orElse(null))
        .and(Selectors.field(rp.query().get("fieldSelector")))
        .and(Selectors.label(rp.query().get("labelSelector")));
    String accept = req.getHeader("Accept");
    boolean asTable = accept != null && accept.contains(ApiHandler.TABLE_MARKER) && resource.isPresent();
    AtomicBoolean first = new AtomicBoolean(true);
    String upgrade = req.getHeader("Upgrade");
    Context ctx = vertx.getOrCreateContext();
    if (upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
      req.toWebSocket().onSuccess(ws -> openWebSocketWatch(ws, rp, filter, resource, asTable, first, ctx));
      return;
    }
    HttpServerResponse resp = req.response();
    resp.setChunked(true).setStatusCode(200).putHeader("Content-Type", "application/json");
    resp.write(Buffer.buffer());
    WatchHub.Sink sink = new WatchHub.Sink() {
      @Override
      public void send(String type, JsonNode object) {
        String line = event(type, object, resource, asTable, first) + "\n";
        ctx.runOnContext(v -> {
          if (!resp.ended() && !resp.closed()) {
            resp.write(line);
          }
        });
      }

      @Override
      public void fail(JsonNode status) {
        String line = "{\"type\":\"ERROR\",\"object\":" + status + "}\n";
        ctx.runOnContext(v -> {
          if (!resp.ended() && !resp.closed()) {
            resp.end(line);
          }
        });
      }
    };
    WatchHub.Registration reg = hub.open(filter, sink, rp.query().get("resourceVersion"),
        () -> store.snapshot(ObjectKey.of(rp)));
    resp.closeHandler(v -> reg.close());
    resp.exceptionHandler(e -> reg.close());
    timeout(rp).ifPresent(seconds -> vertx.setTimer(seconds * 1000, id -> {
      reg.close();
      if (!resp.ended() && !resp.closed()) {
        resp.end();
      }
    }));
  }

  private void openWebSocketWatch(ServerWebSocket ws, ResourcePath rp, Predicate<JsonNode> filter,
      Optional<ApiResource> resource, boolean asTable, AtomicBoolean first, Context ctx) {
    WatchHub.Sink sink = new WatchHub.Sink() {
      @Override
      public void send(String type, JsonNode object) {
        String text = event(type, object, resource, asTable, first);
        ctx.runOnContext(v -> {
          if (!ws.isClosed()) {
            ws.writeTextMessage(text);
          }
        });
      }

      @Override
      public void fail(JsonNode status) {
        String text = "{\"type\":\"ERROR\",\"object\":" + status + "}";
        ctx.runOnContext(v -> {
          if (!ws.isClosed()) {
            ws.writeTextMessage(text).onComplete(x -> ws.close());
          }
        });
      }
    };
    WatchHub.Registration reg = hub.open(filter, sink, rp.query().get("resourceVersion"),
        () -> store.snapshot(ObjectKey.of(rp)));
    ws.closeHandler(v -> reg.close());
    ws.exceptionHandler(e -> reg.close());
    timeout(rp).ifPresent(seconds -> vertx.setTimer(seconds * 1000, id -> {
      reg.close();
      if (!ws.isClosed()) {
        ws.close();
      }
    }));
  }

  private String event(String type, JsonNode object, Optional<ApiResource> resource, boolean asTable,
      AtomicBoolean first) {
    ObjectNode e = JSON.createObjectNode();
    e.put("type", type);
    e.set("object", asTable ? tables.toTable(resource.orElseThrow(), object, first.getAndSet(false)) : object);
    return e.toString();
  }

  private static Optional<Long> timeout(ResourcePath rp) {
    try {
      String t = rp.query().get("timeoutSeconds");
      return t == null || t.isEmpty() || Long.parseLong(t) <= 0 ? Optional.empty() : Optional.of(Long.parseLong(t));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Whether a stored object belongs to the watched collection (kind, group, namespace, name). */
  private static Predicate<JsonNode> matches(ResourcePath rp, ApiResource resource) {
    return o -> {
      String apiVersion = o.path("apiVersion").asText("");
      String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
      String kind = o.path("kind").asText("");
      boolean sameType = resource != null ? resource.kind().equals(kind) && resource.group().equals(group)
          : group.equals(rp.group()) && (kind.toLowerCase(Locale.ROOT) + "s").equals(rp.plural());
      if (!sameType) {
        return false;
      }
      if (rp.namespace() != null && !rp.namespace().equals(o.path("metadata").path("namespace").asText(""))) {
        return false;
      }
      return rp.name() == null || rp.name().equals(o.path("metadata").path("name").asText(""));
    };
  }
}
