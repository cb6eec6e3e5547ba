package tf.ourworld.hero.procservice.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** Where a probe connects: a TCP host and port, or a unix socket resolved under its allowed dirs. */
final class Endpoint {
  private final String unixSocket;
  private final Path runtimeDir;
  private final List<Path> socketRoots;
  private final String host;
  private final int port;

  private final Path lexicalPath;
  private final InetSocketAddress literalAddress;
  private volatile Object verifiedFileKey;

  private Endpoint(String unixSocket, Path lexicalPath, Path runtimeDir, List<Path> socketRoots, String host,
      int port) {
    this.unixSocket = unixSocket;
    this.lexicalPath = lexicalPath;
    // An IP literal is parsed once; a host name is resolved at each run (its address may change).
    this.literalAddress = host != null && isIpLiteral(host) ? new InetSocketAddress(host, port) : null;
    this.runtimeDir = runtimeDir;
    this.socketRoots = socketRoots;
    this.host = host;
    this.port = port;
  }

  static Endpoint unix(String unixSocket, Path runtimeDir, List<Path> socketRoots) {
    // Fail at plan time when the path escapes; it is checked again when the file changes.
    Path path = SocketPaths.resolve(unixSocket, runtimeDir, socketRoots);
    return new Endpoint(unixSocket, path, runtimeDir, socketRoots, null, 0);
  }

  static Endpoint tcp(String host, int port) {
    return new Endpoint(null, null, null, List.of(), host, port);
  }

  private static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  private InetSocketAddress address() {
    return literalAddress != null ? literalAddress : new InetSocketAddress(host, port);
  }

  boolean isUnix() {
    return unixSocket != null;
  }

  String host() {
    return host;
  }

  /** Value of the HTTP Host header. */
  String authority() {
    if (isUnix()) {
      return "localhost";
    }
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return h + ":" + port;
  }

  /** Short label for logs and status: {@code unix:rpc.sock} or {@code 10.0.0.7:8080}. */
  String describe() {
    return isUnix() ? "unix:" + unixSocket : authority();
  }

  /** Connects a plain stream within the call's deadline. */
  Wire open(ProbeCall call) throws IOException, ProbeFailure {
    return Wire.of(connect(call));
  }

  /** Connects, then completes a TLS handshake without verifying the peer's certificate. */
  Wire openTls(ProbeCall call) throws IOException, ProbeFailure {
    if (isUnix()) {
      throw new ProbeFailure("HTTPS over a unix socket is not supported");
    }
    Socket socket = call.register(new Socket());
    InetSocketAddress address = address();
    if (address.isUnresolved()) {
      throw new ProbeFailure("unknown host " + host);
    }
    socket.connect(address, call.remainingMillis());
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(call.remainingMillis());
    SSLSocket tls = call.register((SSLSocket) TrustAll.CONTEXT.getSocketFactory()
        .createSocket(socket, host, port, true));
    tls.setSoTimeout(call.remainingMillis());
    try {
      tls.startHandshake();
    } catch (SSLException e) {
      if (call.expired()) {
        throw new ProbeFailure(call.timeoutText());
      }
      throw new ProbeFailure("TLS handshake failed");
    }
    return Wire.of(tls);
  }

  /** Opens a blocking channel; the watchdog closes it at the deadline. */
  SocketChannel connect(ProbeCall call) throws IOException, ProbeFailure {
    return connect(call, false);
  }

  /**
   * Opens a blocking channel that outlives the run (a check keeps it): closed only if this run's
   * deadline passes; the check closes it otherwise. Each later run guards it again.
   */
  SocketChannel connectKept(ProbeCall call) throws IOException, ProbeFailure {
    return connect(call, true);
  }

  /** The identity (inode) of the unix socket file now, checked against escapes; null for TCP. */
  Object unixFileKey() throws IOException, ProbeFailure {
    if (!isUnix()) {
      return null;
    }
    verifiedSocketPath();
    return verifiedFileKey;
  }

  private SocketChannel connect(ProbeCall call, boolean kept) throws IOException, ProbeFailure {
    if (isUnix()) {
      Path path = verifiedSocketPath();
      SocketChannel channel = own(call, SocketChannel.open(StandardProtocolFamily.UNIX), kept);
      try {
        channel.connect(UnixDomainSocketAddress.of(path));
      } catch (SocketException e) {
        throw unixConnectFailure(e);
      }
      return channel;
    }
    SocketChannel channel = own(call, SocketChannel.open(), kept);
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    try {
      channel.connect(address());
    } catch (UnresolvedAddressException e) {
      throw new ProbeFailure("unknown host " + host);
    }
    return channel;
  }

  private static SocketChannel own(ProbeCall call, SocketChannel channel, boolean kept) throws ProbeFailure {
    return kept ? call.guard(channel) : call.register(channel);
  }

  /**
   * The socket path, checked against escapes. The full check (a realpath per directory) runs at
   * plan time and again whenever the file at the path is a different one (another inode) than the
   * last one checked; otherwise one lstat per run suffices, which keeps unix probes cheap.
   */
  private Path verifiedSocketPath() throws IOException, ProbeFailure {
    Object key;
    try {
      key = Files.readAttributes(lexicalPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    } catch (NoSuchFileException e) {
      throw new ProbeFailure("no such socket " + unixSocket);
    }
    if (key == null || !key.equals(verifiedFileKey)) {
      try {
        SocketPaths.resolve(unixSocket, runtimeDir, socketRoots);
      } catch (IllegalArgumentException e) {
        throw new ProbeFailure(e.getMessage());
      }
      verifiedFileKey = key;
    }
    return lexicalPath;
  }

  private ProbeFailure unixConnectFailure(SocketException e) {
    String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    if (m.contains("no such file")) {
      return new ProbeFailure("no such socket " + unixSocket);
    }
    if (m.contains("refused")) {
      return new ProbeFailure("connection refused");
    }
    if (m.contains("permission denied")) {
      return new ProbeFailure("permission denied on socket " + unixSocket);
    }
    if (m.contains("too long")) {
      return new ProbeFailure("socket path too long: " + unixSocket);
    }
    return new ProbeFailure("cannot connect to socket " + unixSocket + ": " + m);
  }

  /**
   * HTTPS probes do not verify certificates, as kubelet does: a probe checks that the handler
   * answers, not who it is, and services often use self-signed certificates.
   */
  private static final class TrustAll extends X509ExtendedTrustManager {
    static final SSLContext CONTEXT = create();

    private static SSLContext create() {
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        return context;
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException("cannot create the TLS context of HTTPS probes", e);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
