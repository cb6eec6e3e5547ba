package tf.ourworld.hero.procservice.model;

import io.fabric8.generator.annotation.Max;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A handler probe: exactly one action, kubelet's timing fields and defaults. */
@ValidationRule(value = "[has(self.httpGet), has(self.tcpSocket), has(self.openRpc), has(self.grpc), has(self.exec)].filter(x, x).size() == 1",
    message = "exactly one of httpGet, tcpSocket, openRpc, grpc, exec must be set", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.expect) || !has(self.expect.cel) || has(self.httpGet) || has(self.openRpc)",
    message = "expect.cel only applies to httpGet and openRpc probes", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.failureWindow) || self.failureWindow.failures <= self.failureWindow.seconds / self.periodSeconds + 1",
    message = "failureWindow.failures cannot fail within failureWindow.seconds at periodSeconds", reason = "FieldValueInvalid")
public class ProbeSpec {
  /** kubelet's defaults, here only: the CRD, SpecDefaults and the docs take them from here. */
  public static final int DEFAULT_INITIAL_DELAY_SECONDS = 0;
  public static final int DEFAULT_PERIOD_SECONDS = 10;
  public static final int DEFAULT_TIMEOUT_SECONDS = 1;
  public static final int DEFAULT_FAILURE_THRESHOLD = 3;
  public static final int DEFAULT_SUCCESS_THRESHOLD = 1;

  @JsonPropertyDescription("Unique DNS label naming the probe in status and logs.")
  @Required
  @Pattern(ProcessSpec.DNS_LABEL)
  @Size(min = 1, max = 63)
  private String name;

  @JsonPropertyDescription("The process this probe checks: its restart target, and the source of named ports.")
  private String process;

  @JsonPropertyDescription("True (default): failing makes the service not Ready and may restart it. False: only Degraded.")
  @Default("true")
  private Boolean critical = true;

  @JsonPropertyDescription("HTTP GET over TCP or a unix socket.")
  private HttpGetAction httpGet;

  @JsonPropertyDescription("A connect to a TCP port or a unix socket.")
  private TcpSocketAction tcpSocket;

  @JsonPropertyDescription("A JSON-RPC 2.0 request (default rpc.discover) over HTTP or a raw stream.")
  private OpenRpcAction openRpc;

  @JsonPropertyDescription("grpc.health.v1.Health/Check over TCP or a unix socket (plaintext); passes on SERVING.")
  private GrpcAction grpc;

  @JsonPropertyDescription("A command run by the operator (runtime Process only, subject to the operator's allow-list).")
  private ExecAction exec;

  @JsonPropertyDescription("What a passing reply looks like (httpGet, openRpc).")
  private ExpectSpec expect;

  @JsonPropertyDescription("Seconds after the process starts before the first probe.")
  @Default("" + DEFAULT_INITIAL_DELAY_SECONDS)
  @Min(0)
  @Max(Bounds.DAY_SECONDS)
  private Integer initialDelaySeconds = DEFAULT_INITIAL_DELAY_SECONDS;

  @JsonPropertyDescription("Seconds between probes.")
  @Default("" + DEFAULT_PERIOD_SECONDS)
  @Min(1)
  @Max(Bounds.DAY_SECONDS)
  private Integer periodSeconds = DEFAULT_PERIOD_SECONDS;

  @JsonPropertyDescription("Seconds the whole exchange (connect, send, read) may take.")
  @Default("" + DEFAULT_TIMEOUT_SECONDS)
  @Min(1)
  @Max(Bounds.TIMEOUT_SECONDS)
  private Integer timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;

  @JsonPropertyDescription("Consecutive failures after which the probe counts as failed.")
  @Default("" + DEFAULT_FAILURE_THRESHOLD)
  @Min(1)
  @Max(Bounds.THRESHOLD)
  private Integer failureThreshold = DEFAULT_FAILURE_THRESHOLD;

  @JsonPropertyDescription("Consecutive successes after which a failed probe counts as passing again.")
  @Default("" + DEFAULT_SUCCESS_THRESHOLD)
  @Min(1)
  @Max(Bounds.THRESHOLD)
  private Integer successThreshold = DEFAULT_SUCCESS_THRESHOLD;

  @JsonPropertyDescription("Flap detection: the probe also fails when at least failures runs failed within the last"
      + " seconds, in a row or not. Either this or failureThreshold trips it.")
  private FailureWindowSpec failureWindow;

  /** The kind of the one action that is set, or null when none or several are. */
  public String kind() {
    int n = (httpGet != null ? 1 : 0) + (tcpSocket != null ? 1 : 0) + (openRpc != null ? 1 : 0)
        + (grpc != null ? 1 : 0) + (exec != null ? 1 : 0);
    if (n != 1) {
      return null;
    }
    return httpGet != null ? "httpGet" : tcpSocket != null ? "tcpSocket" : openRpc != null ? "openRpc"
        : grpc != null ? "grpc" : "exec";
  }

  /** Critical unless explicitly false. */
  @JsonIgnore
  public boolean isCriticalProbe() {
    return !Boolean.FALSE.equals(critical);
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getProcess() {
    return process;
  }

  public void setProcess(String process) {
    this.process = process;
  }

  public Boolean getCritical() {
    return critical;
  }

  public void setCritical(Boolean critical) {
    this.critical = critical;
  }

  public HttpGetAction getHttpGet() {
    return httpGet;
  }

  public void setHttpGet(HttpGetAction httpGet) {
    this.httpGet = httpGet;
  }

  public TcpSocketAction getTcpSocket() {
    return tcpSocket;
  }

  public void setTcpSocket(TcpSocketAction tcpSocket) {
    this.tcpSocket = tcpSocket;
  }

  public OpenRpcAction getOpenRpc() {
    return openRpc;
  }

  public void setOpenRpc(OpenRpcAction openRpc) {
    this.openRpc = openRpc;
  }

  public GrpcAction getGrpc() {
    return grpc;
  }

  public void setGrpc(GrpcAction grpc) {
    this.grpc = grpc;
  }

  public ExecAction getExec() {
    return exec;
  }

  public void setExec(ExecAction exec) {
    this.exec = exec;
  }

  public ExpectSpec getExpect() {
    return expect;
  }

  public void setExpect(ExpectSpec expect) {
    this.expect = expect;
  }

  public FailureWindowSpec getFailureWindow() {
    return failureWindow;
  }

  public void setFailureWindow(FailureWindowSpec failureWindow) {
    this.failureWindow = failureWindow;
  }

  public Integer getInitialDelaySeconds() {
    return initialDelaySeconds;
  }

  public void setInitialDelaySeconds(Integer initialDelaySeconds) {
    this.initialDelaySeconds = initialDelaySeconds;
  }

  public Integer getPeriodSeconds() {
    return periodSeconds;
  }

  public void setPeriodSeconds(Integer periodSeconds) {
    this.periodSeconds = periodSeconds;
  }

  public Integer getTimeoutSeconds() {
    return timeoutSeconds;
  }

  public void setTimeoutSeconds(Integer timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  public Integer getFailureThreshold() {
    return failureThreshold;
  }

  public void setFailureThreshold(Integer failureThreshold) {
    this.failureThreshold = failureThreshold;
  }

  public Integer getSuccessThreshold() {
    return successThreshold;
  }

  public void setSuccessThreshold(Integer successThreshold) {
    this.successThreshold = successThreshold;
  }
}
