package tf.ourworld.hero.procservice.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import tf.ourworld.hero.procservice.model.HttpHeader;

/**
 * A minimal HTTP/1.1 client for one request per connection ({@code Connection: close}), written
 * by hand because UNIX-domain channels cannot back a {@link java.net.Socket}: reads the status
 * line and headers, then a body framed by Content-Length, chunked encoding or end of stream,
 * keeping only the first {@code bodyLimit} bytes. Redirects are never followed.
 */
final class HttpExchange {
  private static final int MAX_HEAD_BYTES = 64 * 1024;
  private static final String USER_AGENT = "procservice-probe/1";

  /**
   * A reply: status code, the first bytes of the body, and the headers (lower-case names, repeated
   * headers joined with ", "; empty unless asked for).
   */
  record Reply(int status, byte[] body, boolean truncated, Map<String, String> headers) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Wire wire;
  private final byte[] buf = new byte[8192];
  private int pos;
  private int lim;
  private long received;

  private HttpExchange(Wire wire) {
    this.wire = wire;
  }

  /** Builds the request bytes; a user-given Host header replaces the default one. */
  static byte[] request(String method, String authority, String path, List<HttpHeader> headers,
      String contentType, byte[] body) {
    StringBuilder sb = new StringBuilder(160);
    sb.append(method).append(' ').append(path == null || path.isEmpty() ? "/" : path).append(" HTTP/1.1\r\n");
    boolean hostGiven = false;
    boolean agentGiven = false;
    if (headers != null) {
      for (HttpHeader h : headers) {
        hostGiven |= "host".equalsIgnoreCase(h.getName());
        agentGiven |= "user-agent".equalsIgnoreCase(h.getName());
      }
    }
    if (!hostGiven) {
      sb.append("Host: ").append(authority).append("\r\n");
    }
    if (!agentGiven) {
      sb.append("User-Agent: ").append(USER_AGENT).append("\r\n");
    }
    sb.append("Accept: */*\r\nConnection: close\r\n");
    if (headers != null) {
      for (HttpHeader h : headers) {
        sb.append(h.getName()).append(": ").append(h.getValue() == null ? "" : h.getValue()).append("\r\n");
      }
    }
    if (body != null) {
      sb.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(body.length).append("\r\n");
    }
    sb.append("\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
    if (body == null) {
      return head;
    }
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  /**
   * Sends {@code request} and reads the reply.
   *
   * @param bodyLimit bytes of body to keep; negative: do not read the body at all
   */
  static Reply exchange(Wire wire, byte[] request, int bodyLimit) throws IOException, ProbeFailure {
    return exchange(wire, request, bodyLimit, false);
  }

  /** The same, keeping the reply's headers when {@code keepHeaders} (for expect.cel). */
  static Reply exchange(Wire wire, byte[] request, int bodyLimit, boolean keepHeaders)
      throws IOException, ProbeFailure {
    send(wire, request);
    return new HttpExchange(wire).readReply(bodyLimit, keepHeaders);
  }

  /**
   * Writes a request. A peer that accepted and then closed (or reset) before answering anything
   * is the seed incident's "empty reply", whichever of write or read notices it first.
   */
  static void send(Wire wire, byte[] request) throws IOException, ProbeFailure {
    try {
      wire.write(request);
    } catch (IOException e) {
      if (peerGone(e)) {
        throw new ProbeFailure("empty reply (connection closed before the request was sent)");
      }
      throw e;
    }
  }

  /** True for a connection reset or broken pipe. */
  static boolean peerGone(IOException e) {
    String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    return m.contains("connection reset") || m.contains("broken pipe");
  }

  private Reply readReply(int bodyLimit, boolean keepHeaders) throws IOException, ProbeFailure {
    while (true) {
      Map<String, String> headers = keepHeaders ? new LinkedHashMap<>() : Map.of();
      String statusLine = readLine(true);
      int status = parseStatus(statusLine);
      long contentLength = -1;
      boolean chunked = false;
      int headBytes = statusLine.length();
      for (String line = readLine(false); !line.isEmpty(); line = readLine(false)) {
        headBytes += line.length();
        if (headBytes > MAX_HEAD_BYTES) {
          throw new ProbeFailure("malformed HTTP reply (headers larger than 64 KiB)");
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
          throw new ProbeFailure("malformed HTTP reply (bad header line)");
        }
        String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).trim();
        if (keepHeaders) {
          headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        if (name.equals("content-length")) {
          try {
            contentLength = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new ProbeFailure("malformed HTTP reply (bad Content-Length)");
          }
        } else if (name.equals("transfer-encoding")) {
          chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
        }
      }
      if (status >= 100 && status < 200 && status != 101) {
        continue; // interim reply (100 Continue, 103 Early Hints): the real one follows
      }
      if (bodyLimit < 0 || status == 204 || status == 304 || status == 101) {
        return new Reply(status, new byte[0], false, headers);
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(bodyLimit, 4096));
      boolean truncated;
      if (chunked) {
        truncated = readChunked(body, bodyLimit);
      } else if (contentLength >= 0) {
        truncated = readFixed(body, contentLength, bodyLimit, true);
      } else {
        truncated = readFixed(body, Long.MAX_VALUE, bodyLimit, false);
      }
      return new Reply(status, body.toByteArray(), truncated, headers);
    }
  }

  private static int parseStatus(String line) throws ProbeFailure {
    // "HTTP/1.1 200 OK"; the reason phrase may be empty
    if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
      throw new ProbeFailure("malformed HTTP reply (not an HTTP/1.x status line)");
    }
    int status = 0;
    for (int i = 9; i < 12; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        throw new ProbeFailure("malformed HTTP reply (bad status code)");
      }
      status = status * 10 + (c - '0');
    }
    return status;
  }

  private boolean readChunked(ByteArrayOutputStream body, int limit) throws IOException, ProbeFailure {
    while (true) {
      String sizeLine = readLine(false);
      int semi = sizeLine.indexOf(';');
      long size;
      try {
        size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
      } catch (NumberFormatException e) {
        throw new ProbeFailure("malformed HTTP reply (bad chunk size)");
      }
      if (size == 0) {
        return false; // trailers are not needed: the connection closes anyway
      }
      if (readFixed(body, size, limit, true)) {
        return true;
      }
      readLine(false); // CRLF after the chunk data
    }
  }

  /** Reads up to {@code length} bytes, keeping them until {@code limit}; true when cut at the limit. */
  private boolean readFixed(ByteArrayOutputStream body, long length, int limit, boolean exact)
      throws IOException, ProbeFailure {
    long left = length;
    while (left > 0) {
      if (body.size() >= limit) {
        return true; // enough: the rest is not needed, the connection is closed after the probe
      }
      if (pos == lim && !fill()) {
        if (exact) {
          throw new ProbeFailure("connection closed mid-reply");
        }
        return false;
      }
      int n = (int) Math.min(Math.min(left, lim - pos), limit - body.size());
      body.write(buf, pos, n);
      pos += n;
      left -= n;
    }
    return false;
  }

  /** Reads a CRLF- (or LF-) terminated ISO-8859-1 line without its terminator. */
  private String readLine(boolean first) throws IOException, ProbeFailure {
    StringBuilder sb = new StringBuilder(64);
    while (true) {
      if (pos == lim && !fill()) {
        if (first && received == 0) {
          throw new ProbeFailure("empty reply");
        }
        throw new ProbeFailure("connection closed mid-reply");
      }
      byte b = buf[pos++];
      if (b == '\n') {
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') {
          sb.setLength(len - 1);
        }
        return sb.toString();
      }
      if (sb.length() >= MAX_HEAD_BYTES) {
        throw new ProbeFailure("malformed HTTP reply (line longer than 64 KiB)");
      }
      sb.append((char) (b & 0xff));
    }
  }

  private boolean fill() throws IOException, ProbeFailure {
    int n;
    try {
      n = wire.read(buf, 0, buf.length);
    } catch (IOException e) {
      if (received == 0 && peerGone(e)) {
        throw new ProbeFailure("empty reply (connection reset)");
      }
      throw e;
    }
    if (n <= 0) {
      // 0 only happens on a non-blocking channel, which a probe never uses
      return false;
    }
    pos = 0;
    lim = n;
    received += n;
    return true;
  }
}
