package tf.ourworld.hero.procservice.probe;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tf.ourworld.hero.procservice.model.ExecAction;
import tf.ourworld.hero.procservice.model.ExpectSpec;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.OpenRpcAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.TcpSocketAction;

/** Builders of probe specs and targets for tests. */
final class Specs {
  private Specs() {
  }

  static ProbeTarget loopback() {
    return new ProbeTarget("127.0.0.1", null, List.of(), Map.of(), "test");
  }

  static ProbeTarget inDir(Path runtimeDir) {
    return new ProbeTarget("127.0.0.1", runtimeDir, List.of(), Map.of(), "test");
  }

  static ProbeSpec httpGet(int port, String path) {
    HttpGetAction a = new HttpGetAction();
    a.setPort(new IntOrString(port));
    a.setPath(path);
    return probe("web", a, null, null, null);
  }

  static ProbeSpec httpGetUnix(String socket, String path) {
    HttpGetAction a = new HttpGetAction();
    a.setUnixSocket(socket);
    a.setPath(path);
    return probe("web", a, null, null, null);
  }

  static ProbeSpec tcp(int port) {
    TcpSocketAction a = new TcpSocketAction();
    a.setPort(new IntOrString(port));
    return probe("tcp", null, a, null, null);
  }

  static ProbeSpec grpc(Integer port, String unixSocket, String service) {
    tf.ourworld.hero.procservice.model.GrpcAction a = new tf.ourworld.hero.procservice.model.GrpcAction();
    a.setPort(port == null ? null : new IntOrString(port));
    a.setUnixSocket(unixSocket);
    a.setService(service);
    ProbeSpec s = probe("grpc", null, null, null, null);
    s.setGrpc(a);
    return s;
  }

  static ProbeSpec tcpUnix(String socket) {
    TcpSocketAction a = new TcpSocketAction();
    a.setUnixSocket(socket);
    return probe("tcp", null, a, null, null);
  }

  static ProbeSpec openRpc(OpenRpcAction a) {
    return probe("rpc", null, null, a, null);
  }

  static ProbeSpec exec(String... argv) {
    ExecAction a = new ExecAction();
    a.setCommand(List.of(argv));
    return probe("exec", null, null, null, a);
  }

  static ProbeSpec expect(ProbeSpec spec, String bodyRegex, Integer maxBodyBytes, String... codes) {
    ExpectSpec e = new ExpectSpec();
    e.setBodyRegex(bodyRegex);
    if (maxBodyBytes != null) {
      e.setMaxBodyBytes(maxBodyBytes);
    }
    if (codes.length > 0) {
      e.setStatusCodes(List.of(codes));
    }
    spec.setExpect(e);
    return spec;
  }

  static ProbeSpec timing(ProbeSpec spec, int period, int timeout, int failureThreshold, int successThreshold) {
    spec.setPeriodSeconds(period);
    spec.setTimeoutSeconds(timeout);
    spec.setFailureThreshold(failureThreshold);
    spec.setSuccessThreshold(successThreshold);
    return spec;
  }

  static ProbeSpec named(ProbeSpec spec, String name) {
    spec.setName(name);
    return spec;
  }

  private static ProbeSpec probe(String name, HttpGetAction http, TcpSocketAction tcp, OpenRpcAction rpc,
      ExecAction exec) {
    ProbeSpec s = new ProbeSpec();
    s.setName(name);
    s.setHttpGet(http);
    s.setTcpSocket(tcp);
    s.setOpenRpc(rpc);
    s.setExec(exec);
    return s;
  }
}
