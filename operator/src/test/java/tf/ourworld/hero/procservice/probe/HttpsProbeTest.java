package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;

/** HTTPS probes accept a self-signed certificate (no verification, as kubelet). */
class HttpsProbeTest {
  @TempDir
  Path dir;

  @Test
  void passesAgainstASelfSignedServerAndReportsStatus() throws Exception {
    Path store = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder("keytool", "-genkeypair", "-keyalg", "EC", "-alias", "server",
        "-dname", "CN=not-this-host", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).isZero();

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);

    try (SSLServerSocket server = (SSLServerSocket) ctx.getServerSocketFactory()
        .createServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        for (int status : new int[] {200, 503}) {
          try (SSLSocket c = (SSLSocket) server.accept()) {
            InputStream in = c.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
              int b = in.read();
              if (b < 0) {
                break;
              }
              head.append((char) b);
            }
            OutputStream out = c.getOutputStream();
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
          } catch (Exception e) {
            return;
          }
        }
      }, "https-test-server");
      t.setDaemon(true);
      t.start();

      ProbeSpec spec = Specs.expect(Specs.httpGet(server.getLocalPort(), "/health"), "^ok$", null);
      spec.getHttpGet().setScheme(HttpGetAction.Scheme.HTTPS);
      ProbeOutcome ok = ProbeChecks.runOnce(spec, Specs.loopback());
      assertThat(ok.success()).as(ok.error()).isTrue();
      assertThat(ProbeChecks.runOnce(spec, Specs.loopback()).error()).isEqualTo("HTTP 503");
    }
  }

  @Test
  void httpsAgainstAPlainHttpServerFailsTheHandshake() throws Exception {
    try (TestServer s = TestServer.tcp(TestServer.Framing.NONE, r -> TestServer.Reply.http(200, "ok"))) {
      ProbeSpec spec = Specs.httpGet(s.port(), "/");
      spec.getHttpGet().setScheme(HttpGetAction.Scheme.HTTPS);
      assertThat(ProbeChecks.runOnce(spec, Specs.loopback()).error()).isEqualTo("TLS handshake failed");
    }
  }
}
