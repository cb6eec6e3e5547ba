package tf.ourworld.hero.procservice.probe;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A plaintext HTTP/2 connection (h2c with prior knowledge, as gRPC clients speak it) carrying
 * unary gRPC calls one after the other, on the caller's thread, written by hand like
 * {@link HttpExchange}: the client preface and SETTINGS when it opens; per call one HEADERS and one
 * DATA frame out on the next stream, and the reply's headers, message and trailers in; SETTINGS
 * and PING answered, the connection's receive window topped up. Header blocks are decoded with
 * Netty's HPACK decoder (which grpc-netty-shaded carries; its table lives as long as the
 * connection); what is sent needs no table. Kept between runs, a call costs one write and one read
 * (docs/benchmarks.md). Any error breaks the connection: the check opens a new one.
 */
final class GrpcConnection implements java.io.Closeable {
  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int PING = 6;
  private static final int WINDOW_UPDATE = 8;
  private static final int GOAWAY = 7;
  private static final int CONTINUATION = 9;
  private static final int END_STREAM = 0x1;
  private static final int ACK = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int PADDED = 0x8;
  private static final int PRIORITY = 0x20;
  /** Our SETTINGS_MAX_FRAME_SIZE is the default: no peer may send a larger frame. */
  private static final int MAX_FRAME = 16_384;
  /** Received DATA after which the connection's window is topped up (it starts at 65,535). */
  private static final int WINDOW_TOP_UP = 16_384;
  /** Client streams are odd; a fresh connection long before the ids run out. */
  private static final int LAST_STREAM = 1 << 30;

  /** What came back: the HTTP status, the gRPC status and message (trailers), and the message bytes. */
  record Reply(int httpStatus, Integer grpcStatus, String grpcMessage, byte[] message) {
  }

  /** The stream or connection ended without a complete reply. */
  static final class Broken extends Exception {
    Broken(String message) {
      super(message);
    }
  }

  private final java.nio.channels.SocketChannel channel;
  private final Wire wire;
  private final Object fileKey;
  private final int maxMessageBytes;
  private final DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false);
  private final byte[] head = new byte[9];
  private final byte[] in = new byte[8192];
  private int pos;
  private int lim;
  private int nextStream = 1;
  private int unacknowledged;
  private boolean broken;
  private boolean goingAway;

  private GrpcConnection(java.nio.channels.SocketChannel channel, Object fileKey, int maxMessageBytes) {
    this.channel = channel;
    this.wire = Wire.of(channel);
    this.fileKey = fileKey;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Connects (kept beyond the run, closed at its deadline) and sends the preface and SETTINGS. */
  static GrpcConnection open(Endpoint endpoint, ProbeCall call, int maxMessageBytes) throws IOException, ProbeFailure {
    Object key = endpoint.unixFileKey();
    GrpcConnection c = new GrpcConnection(endpoint.connectKept(call), key, maxMessageBytes);
    ByteArrayOutputStream out = new ByteArrayOutputStream(PREFACE.length + 15);
    out.write(PREFACE);
    frame(out, SETTINGS, 0, 0, new byte[] {0, 2, 0, 0, 0, 0});   // SETTINGS_ENABLE_PUSH = 0
    try {
      c.wire.write(out.toByteArray());
    } catch (IOException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** True when a next call may use it: nothing broke, the server is not leaving, the same socket file. */
  boolean reusable(Object currentFileKey) {
    return !broken && !goingAway && nextStream < LAST_STREAM && java.util.Objects.equals(fileKey, currentFileKey);
  }

  /** One unary call of {@code path} with one message, within the run's deadline. */
  Reply call(ProbeCall call, String authority, String path, byte[] message) throws IOException, Broken, ProbeFailure {
    call.guard(channel);
    int stream = nextStream;
    nextStream += 2;
    try {
      send(stream, authority, path, message);
      return read(stream);
    } catch (IOException | Broken | RuntimeException e) {
      broken = true;
      throw e;
    }
  }

  @Override
  public void close() {
    broken = true;
    try {
      channel.close();
    } catch (IOException e) {
      // closing is best effort
    }
  }

  private void send(int stream, String authority, String path, byte[] message) throws IOException {
    ByteArrayOutputStream block = new ByteArrayOutputStream(128);
    block.write(0x83);   // :method POST (static table 3)
    block.write(0x86);   // :scheme http (static table 6)
    literal(block, 4, path);        // :path
    literal(block, 1, authority);   // :authority
    literal(block, "content-type", "application/grpc");
    literal(block, "te", "trailers");
    literal(block, "user-agent", "procservice-probe/1");
    byte[] headers = block.toByteArray();
    byte[] data = new byte[5 + message.length];
    data[1] = (byte) (message.length >>> 24);
    data[2] = (byte) (message.length >>> 16);
    data[3] = (byte) (message.length >>> 8);
    data[4] = (byte) message.length;
    System.arraycopy(message, 0, data, 5, message.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + headers.length + data.length);
    frame(out, HEADERS, END_HEADERS, stream, headers);
    frame(out, DATA, END_STREAM, stream, data);
    wire.write(out.toByteArray());
  }

  private Reply read(int own) throws IOException, Broken {
    Http2Headers response = null;
    Http2Headers trailers = null;
    ByteArrayOutputStream body = new ByteArrayOutputStream(64);
    boolean any = false;
    while (true) {
      if (!readFully(head, 9)) {
        throw new Broken(any ? "connection closed before the reply was complete" : "connection closed without a reply");
      }
      any = true;
      int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
      int type = head[3] & 0xff;
      int flags = head[4] & 0xff;
      int stream = ((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8) | (head[8] & 0xff);
      if (length > MAX_FRAME) {
        throw new Broken("not HTTP/2 (a frame of " + length + " bytes)");
      }
      byte[] payload = new byte[length];
      if (!readFully(payload, length)) {
        throw new Broken("connection closed in a frame");
      }
      switch (type) {
        case SETTINGS -> {
          if ((flags & ACK) == 0) {
            ByteArrayOutputStream ack = new ByteArrayOutputStream(9);
            frame(ack, SETTINGS, ACK, 0, new byte[0]);
            wire.write(ack.toByteArray());
          }
        }
        case PING -> {
          if ((flags & ACK) == 0) {
            ByteArrayOutputStream pong = new ByteArrayOutputStream(17);
            frame(pong, PING, ACK, 0, payload);
            wire.write(pong.toByteArray());
          }
        }
        case HEADERS -> {
          // decoded whatever its stream: the HPACK table must follow every block the server sent
          Http2Headers h = decode(headerBlock(payload, flags));
          if (stream != own) {
            break;
          }
          if (response == null) {
            response = h;
          } else {
            trailers = h;
          }
          if ((flags & END_STREAM) != 0) {
            return reply(response, trailers, body.toByteArray());
          }
        }
        case DATA -> {
          topUpWindow(length);
          if (stream != own) {
            break;
          }
          int from = 0;
          int to = payload.length;
          if ((flags & PADDED) != 0 && to > 0) {
            from = 1;
            to -= payload[0] & 0xff;
          }
          if (to > from) {
            if (body.size() + (to - from) > maxMessageBytes + 5) {
              throw new Broken("reply larger than " + maxMessageBytes + " bytes");
            }
            body.write(payload, from, to - from);
          }
          if ((flags & END_STREAM) != 0) {
            return reply(response, trailers, body.toByteArray());
          }
        }
        case RST_STREAM -> {
          if (stream == own) {
            throw new Broken("stream reset by the server (HTTP/2 error " + (payload.length >= 4 ? int32(payload, 0) : -1)
                + ")");
          }
        }
        case GOAWAY -> {
          goingAway = true;
          int last = payload.length >= 8 ? int32(payload, 0) & 0x7fffffff : 0;
          if (last < own) {
            throw new Broken("connection refused by the server (GOAWAY, HTTP/2 error "
                + (payload.length >= 8 ? int32(payload, 4) : -1) + ")");
          }
        }
        default -> {
          // PRIORITY, WINDOW_UPDATE, unknown types: nothing to do for one small call
        }
      }
    }
  }

  /** Gives the server back the connection window its DATA used, in batches. */
  private void topUpWindow(int received) throws IOException {
    unacknowledged += received;
    if (unacknowledged >= WINDOW_TOP_UP) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(13);
      frame(out, WINDOW_UPDATE, 0, 0, new byte[] {(byte) (unacknowledged >>> 24), (byte) (unacknowledged >>> 16),
          (byte) (unacknowledged >>> 8), (byte) unacknowledged});
      wire.write(out.toByteArray());
      unacknowledged = 0;
    }
  }

  /** The header block fragment of a HEADERS frame, with CONTINUATION frames until END_HEADERS. */
  private byte[] headerBlock(byte[] payload, int flags) throws IOException, Broken {
    int from = 0;
    int to = payload.length;
    if ((flags & PADDED) != 0 && to > 0) {
      from = 1;
      to -= payload[0] & 0xff;
    }
    if ((flags & PRIORITY) != 0) {
      from += 5;
    }
    if (from > to) {
      throw new Broken("malformed HEADERS frame");
    }
    ByteArrayOutputStream block = new ByteArrayOutputStream(to - from + 16);
    block.write(payload, from, to - from);
    int f = flags;
    while ((f & END_HEADERS) == 0) {
      if (!readFully(head, 9) || (head[3] & 0xff) != CONTINUATION) {
        throw new Broken("headers cut short");
      }
      int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
      if (length > MAX_FRAME || block.size() + length > 64 * 1024) {
        throw new Broken("headers too large");
      }
      byte[] more = new byte[length];
      if (!readFully(more, length)) {
        throw new Broken("headers cut short");
      }
      block.write(more, 0, length);
      f = head[4] & 0xff;
    }
    return block.toByteArray();
  }

  private Http2Headers decode(byte[] block) throws Broken {
    try {
      return hpack.decodeHeaders(1, Unpooled.wrappedBuffer(block));
    } catch (Http2Exception e) {
      throw new Broken("undecodable headers");
    }
  }

  private static Reply reply(Http2Headers response, Http2Headers trailers, byte[] body) throws Broken {
    if (response == null) {
      throw new Broken("a reply without headers");
    }
    CharSequence s = response.get(":status");
    int http;
    try {
      http = s == null ? 0 : Integer.parseInt(s.toString());
    } catch (NumberFormatException e) {
      http = 0;
    }
    Http2Headers statusFrom = trailers != null ? trailers : response;   // trailers-only: status in the headers
    CharSequence grpc = statusFrom.get("grpc-status");
    Integer grpcStatus;
    try {
      grpcStatus = grpc == null ? null : Integer.valueOf(grpc.toString().trim());
    } catch (NumberFormatException e) {
      grpcStatus = null;
    }
    CharSequence m = statusFrom.get("grpc-message");
    byte[] message = new byte[0];
    if (body.length >= 5) {
      int len = int32(body, 1);
      if (body[0] != 0) {
        throw new Broken("a compressed reply, which the probe did not ask for");
      }
      if (len < 0 || len > body.length - 5) {
        throw new Broken("a reply message cut short");
      }
      message = java.util.Arrays.copyOfRange(body, 5, 5 + len);
    }
    return new Reply(http, grpcStatus, m == null ? null : percentDecode(m.toString()), message);
  }

  /** grpc-message is percent-encoded UTF-8. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          out.write(hi * 16 + lo);
          i += 2;
          continue;
        }
      }
      byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Reads {@code len} bytes through a buffer: a reply's frames mostly arrive in one or two segments. */
  private boolean readFully(byte[] out, int len) throws IOException {
    int off = 0;
    while (off < len) {
      if (pos == lim) {
        int n = wire.read(in, 0, in.length);
        if (n < 0) {
          return false;
        }
        pos = 0;
        lim = n;
      }
      int take = Math.min(len - off, lim - pos);
      System.arraycopy(in, pos, out, off, take);
      pos += take;
      off += take;
    }
    return true;
  }

  private static int int32(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  private static void frame(ByteArrayOutputStream out, int type, int flags, int stream, byte[] payload) {
    out.write(payload.length >>> 16);
    out.write(payload.length >>> 8);
    out.write(payload.length);
    out.write(type);
    out.write(flags);
    out.write(stream >>> 24);
    out.write(stream >>> 16);
    out.write(stream >>> 8);
    out.write(stream);
    out.write(payload, 0, payload.length);
  }

  /** A literal header field without indexing, its name from the static table. */
  private static void literal(ByteArrayOutputStream out, int nameIndex, String value) {
    integer(out, 0x00, 4, nameIndex);
    string(out, value);
  }

  /** A literal header field without indexing, with a literal name. */
  private static void literal(ByteArrayOutputStream out, String name, String value) {
    out.write(0x00);
    string(out, name);
    string(out, value);
  }

  private static void string(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    integer(out, 0x00, 7, b.length);   // no Huffman
    out.write(b, 0, b.length);
  }

  /** An HPACK integer with an N-bit prefix (RFC 7541, 5.1). */
  private static void integer(ByteArrayOutputStream out, int firstBits, int prefixBits, int value) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      out.write(firstBits | value);
      return;
    }
    out.write(firstBits | max);
    int rest = value - max;
    while (rest >= 128) {
      out.write((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    out.write(rest);
  }
}
