package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.HttpHeader;
import tf.ourworld.hero.procservice.model.ProbeSpec;

/** ProbeChecks.validate: the messages the validator turns into InvalidSpec. */
class ProbeChecksTest {
  @TempDir
  Path dir;

  private void invalid(ProbeSpec spec, ProbeTarget target, String message) {
    assertThatThrownBy(() -> ProbeChecks.validate(spec, target))
        .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void validProbesPass() {
    assertThatCode(() -> ProbeChecks.validate(Specs.httpGet(8080, "/health"), Specs.loopback())).doesNotThrowAnyException();
    assertThatCode(() -> ProbeChecks.validate(Specs.tcpUnix("rpc.sock"), Specs.inDir(dir))).doesNotThrowAnyException();
    assertThatCode(() -> ProbeChecks.validate(Specs.exec("/bin/true"), Specs.inDir(dir))).doesNotThrowAnyException();
  }

  @Test
  void actionsAndEndpoints() {
    ProbeSpec none = Specs.exec("/bin/true");
    none.setExec(null);
    invalid(none, Specs.loopback(), "exactly one of httpGet, tcpSocket, openRpc, grpc, exec must be set");

    ProbeSpec noPort = Specs.httpGet(80, "/");
    noPort.getHttpGet().setPort(null);
    invalid(noPort, Specs.loopback(), "httpGet: port or unixSocket is required");

    ProbeSpec both = Specs.tcp(80);
    both.getTcpSocket().setUnixSocket("rpc.sock");
    invalid(both, Specs.inDir(dir), "tcpSocket: set either port or unixSocket, not both");

    invalid(Specs.tcp(70000), Specs.loopback(), "tcpSocket.port: 70000 is not between 1 and 65535");
    invalid(Specs.tcp(80), new ProbeTarget(null, null, List.of(), Map.of(), null),
        "tcpSocket: no host to connect to (set tcpSocket.host)");
    invalid(Specs.tcpUnix("/etc/x.sock"), Specs.inDir(dir),
        "tcpSocket.unixSocket /etc/x.sock is not under an allowed socket root [" + dir.toAbsolutePath() + "]");
  }

  @Test
  void httpFields() {
    ProbeSpec https = Specs.httpGetUnix("ui.sock", "/");
    https.getHttpGet().setScheme(HttpGetAction.Scheme.HTTPS);
    invalid(https, Specs.inDir(dir), "httpGet.scheme HTTPS is not supported with httpGet.unixSocket");
    invalid(Specs.httpGet(80, "health"), Specs.loopback(), "httpGet.path must start with '/'");
    invalid(Specs.httpGet(80, "/a b"), Specs.loopback(), "httpGet.path must not contain spaces or control characters");

    ProbeSpec header = Specs.httpGet(80, "/");
    header.getHttpGet().setHttpHeaders(List.of(new HttpHeader("X-A", "1\r\nInjected: yes")));
    invalid(header, Specs.loopback(), "httpGet.httpHeaders value must not contain line breaks");

    invalid(Specs.expect(Specs.httpGet(80, "/"), "([", null), Specs.loopback(),
        "expect.bodyRegex is not a valid regular expression: Unclosed character class");
    invalid(Specs.expect(Specs.httpGet(80, "/"), null, null, "2xx"), Specs.loopback(),
        "expect.statusCodes: '2xx' is not a status code (100-599) or a range like 200-299");

    ProbeSpec named = Specs.httpGet(80, "/");
    named.getHttpGet().setPort(new IntOrString("rpc"));
    invalid(named, new ProbeTarget("127.0.0.1", null, List.of(), Map.of("web", 8080), null),
        "httpGet.port: 'rpc' is not a named port of the process (known: web)");
  }
}
