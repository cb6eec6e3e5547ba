package tf.ourworld.hero.procservice.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * grpc: {@code grpc.health.v1.Health/Check} as kubelet sends it, plaintext, over TCP or a unix
 * socket. Passes on SERVING; every other outcome has its own text.
 *
 * <p>{@link GrpcConnection} speaks the few frames of a unary call on the probe's own thread,
 * bounded by the probe's deadline like every other check (the watchdog closes the connection when
 * it passes). The HTTP/2 connection is kept between runs: a run is then one write and one read,
 * cheaper than an httpGet. A failed call drops it; so does a unix socket file replaced by another;
 * a kept connection that fails is retried at once on a fresh one, so the verdict is always what a
 * new client would get.
 */
final class GrpcCheck implements ProbeCheck {
  /** A health reply is a few bytes; anything large is not one. */
  private static final int MAX_REPLY_BYTES = 64 * 1024;
  private static final int MAX_DESCRIPTION = 120;
  private static final String PATH = "/grpc.health.v1.Health/Check";
  private static final String[] CODES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
      "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  private static final String[] SERVING_STATUS = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};

  private final Endpoint endpoint;
  private final String service;
  private final String target;
  private final byte[] request;
  private final String authority;
  private final Object lock = new Object();
  // guarded by lock: the connection kept between runs
  private GrpcConnection connection;

  GrpcCheck(Endpoint endpoint, String service) {
    this.endpoint = endpoint;
    this.service = service == null ? "" : service;
    this.target = "grpc " + endpoint.describe() + (this.service.isEmpty() ? "" : " service " + this.service);
    this.request = healthCheckRequest(this.service);
    this.authority = endpoint.isUnix() ? "localhost" : endpoint.authority();
  }

  @Override
  public String kind() {
    return "grpc";
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public void run(ProbeCall call) throws IOException, ProbeFailure {
    GrpcConnection.Reply reply;
    synchronized (lock) {
      reply = callOnce(call);
    }
    if (reply.httpStatus() != 200) {
      throw new ProbeFailure("gRPC error " + codeOfHttp(reply.httpStatus()) + ": HTTP status " + reply.httpStatus());
    }
    Integer code = reply.grpcStatus();
    if (code == null) {
      throw new ProbeFailure("gRPC error INTERNAL: no grpc-status in the reply");
    }
    if (code != 0) {
      throw new ProbeFailure(describe(code, reply.grpcMessage(), call));
    }
    int status = servingStatus(reply.message());
    if (status != 1) {
      throw new ProbeFailure("gRPC health " + (status >= 0 && status < SERVING_STATUS.length ? SERVING_STATUS[status]
          : "status " + status) + (service.isEmpty() ? "" : " for service " + service));
    }
  }

  /**
   * The call on the kept connection, or on a new one. A kept connection that fails (the server
   * restarted or closed it while idle) is dropped and the call made once more on a fresh one at
   * once, so the verdict is always what a new client would get.
   */
  private GrpcConnection.Reply callOnce(ProbeCall call) throws IOException, ProbeFailure {
    Object file;
    try {
      file = endpoint.unixFileKey();   // also: the socket is gone, or was replaced by another file
    } catch (IOException | ProbeFailure e) {
      drop();
      throw e;
    }
    boolean kept = connection != null && connection.reusable(file);
    if (!kept) {
      drop();
    }
    for (int attempt = 0; ; attempt++) {
      if (connection == null) {
        connection = GrpcConnection.open(endpoint, call, MAX_REPLY_BYTES);
      }
      try {
        return connection.call(call, authority, PATH, request);
      } catch (GrpcConnection.Broken | IOException e) {
        drop();
        if (call.expired()) {
          throw new ProbeFailure(call.timeoutText());
        }
        if (kept && attempt == 0) {
          continue;   // the kept connection went away: ask as a new client
        }
        if (e instanceof IOException io) {
          throw io;
        }
        throw new ProbeFailure("gRPC error UNAVAILABLE: " + e.getMessage());
      }
    }
  }

  private void drop() {
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      drop();
    }
  }

  /** The text of a failed call; never more of the server's description than a short line. */
  private String describe(int code, String message, ProbeCall call) {
    String name = code >= 0 && code < CODES.length ? CODES[code] : "code " + code;
    if ("DEADLINE_EXCEEDED".equals(name) || call.expired()) {
      return call.timeoutText();
    }
    if ("NOT_FOUND".equals(name)) {
      return "gRPC health: service " + (service.isEmpty() ? "\"\"" : service) + " unknown (NOT_FOUND)";
    }
    if ("UNIMPLEMENTED".equals(name)) {
      return "gRPC health service not implemented (UNIMPLEMENTED)";
    }
    return "gRPC error " + name + (message == null || message.isBlank() ? "" : ": " + short_(message));
  }

  /** gRPC's mapping of an HTTP status without grpc-status (its http-grpc-status-mapping). */
  private static String codeOfHttp(int http) {
    return switch (http) {
      case 400 -> "INTERNAL";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "UNIMPLEMENTED";
      case 429, 502, 503, 504 -> "UNAVAILABLE";
      default -> "UNKNOWN";
    };
  }

  /** {@code HealthCheckRequest{service = 1}} in protobuf's wire format. */
  private static byte[] healthCheckRequest(String service) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] s = service.getBytes(StandardCharsets.UTF_8);
    if (s.length > 0) {
      out.write(0x0a);   // field 1, length-delimited
      varint(out, s.length);
      out.write(s, 0, s.length);
    }
    return out.toByteArray();
  }

  /** Field 1 (status, an enum) of a {@code HealthCheckResponse}; 0 (UNKNOWN) when absent, as protobuf says. */
  static int servingStatus(byte[] m) throws ProbeFailure {
    int status = 0;
    int i = 0;
    while (i < m.length) {
      long[] key = readVarint(m, i);
      i = (int) key[1];
      int field = (int) (key[0] >>> 3);
      int wire = (int) (key[0] & 7);
      switch (wire) {
        case 0 -> {
          long[] v = readVarint(m, i);
          i = (int) v[1];
          if (field == 1) {
            status = (int) v[0];
          }
        }
        case 1 -> i += 8;
        case 2 -> {
          long[] len = readVarint(m, i);
          i = (int) len[1] + (int) len[0];
        }
        case 5 -> i += 4;
        default -> throw new ProbeFailure("gRPC error INTERNAL: the reply is not a HealthCheckResponse");
      }
      if (i > m.length || i < 0) {
        throw new ProbeFailure("gRPC error INTERNAL: the reply is not a HealthCheckResponse");
      }
    }
    return status;
  }

  /** A varint at {@code at}: its value and the index after it. */
  private static long[] readVarint(byte[] b, int at) throws ProbeFailure {
    long value = 0;
    for (int shift = 0, i = at; shift < 64; shift += 7, i++) {
      if (i >= b.length) {
        break;
      }
      value |= (long) (b[i] & 0x7f) << shift;
      if ((b[i] & 0x80) == 0) {
        return new long[] {value, i + 1};
      }
    }
    throw new ProbeFailure("gRPC error INTERNAL: the reply is not a HealthCheckResponse");
  }

  private static void varint(ByteArrayOutputStream out, int value) {
    int v = value;
    while ((v & ~0x7f) != 0) {
      out.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  private static String short_(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < MAX_DESCRIPTION; i++) {
      char c = s.charAt(i);
      sb.append(Character.isISOControl(c) ? ' ' : c);
    }
    return sb.toString().trim();
  }
}
