package tf.ourworld.hero.procservice.cli;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tf.ourworld.hero.procservice.model.ExitStatus;
import tf.ourworld.hero.procservice.model.ProbeStatus;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ProcessStatus;
import tf.ourworld.hero.procservice.model.RequestedRunStatus;
import tf.ourworld.hero.procservice.model.TrackedPodStatus;

/** The long form of one service: summary, each process, each probe, and its last Events. */
final class ServiceReport {
  static final int EVENTS = 5;

  private ServiceReport() {
  }

  static void print(PrintWriter out, KubernetesClient client, ProcService ps, Terminal t, String probesRan) {
    ProcServiceStatus s = ps.getStatus();
    out.printf("Name:        %s%n", ps.getMetadata().getName());
    out.printf("Namespace:   %s%n", ps.getMetadata().getNamespace());
    out.printf("Runtime:     %s%n", ps.getSpec() == null || ps.getSpec().getRuntime() == null ? "Pod" : ps.getSpec().getRuntime());
    if (s == null) {
      out.printf("State:       %s (the operator has not written a status yet: is it running?)%n", t.state(null));
      out.flush();
      return;
    }
    out.printf("State:       %s%s%n", t.state(s.getState()), s.getReason() == null ? "" : " (" + s.getReason() + ")");
    if (s.getMessage() != null) {
      out.printf("Message:     %s%n", s.getMessage());
    }
    out.printf("Ready:       %s probes passing%n", s.getProbesReady() == null ? "-" : s.getProbesReady());
    out.printf("Restarts:    %d%n", s.getRestarts() == null ? 0 : s.getRestarts());
    if (s.getLastTransitionTime() != null) {
      out.printf("Since:       %s (%s ago)%n", s.getLastTransitionTime(), ListCommand.age(s.getLastTransitionTime()));
    }
    if (s.getNextRestartTime() != null) {
      out.printf("Next restart: %s%n", s.getNextRestartTime());
    }
    if (probesRan != null) {
      out.printf("Probes ran:  %s%n", probesRan);
    }
    if (s.getProcesses() != null && !s.getProcesses().isEmpty()) {
      out.println();
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"PROCESS", "STATE", "PID/POD", "RESTARTS", "LAST EXIT"});
      for (ProcessStatus p : s.getProcesses()) {
        rows.add(new String[] {p.getName(), dash(p.getState()),
            p.getPid() != null ? String.valueOf(p.getPid()) : dash(p.getPod()),
            String.valueOf(p.getRestarts() == null ? 0 : p.getRestarts()), exit(p.getLastExit())});
      }
      table(out, rows);
    }
    List<String[]> probes = new ArrayList<>();
    probes.add(new String[] {"PROBE", "RESULT", "FAILURES", "ON REQUEST", "LAST ERROR"});
    addProbes(probes, "", s.getProbes());
    if (s.getPods() != null) {
      for (TrackedPodStatus pod : s.getPods()) {
        addProbes(probes, pod.getName() + "/", pod.getProbes());
      }
    }
    if (probes.size() > 1) {
      out.println();
      table(out, probes);
    }
    events(out, client, ps);
    out.flush();
  }

  private static void addProbes(List<String[]> rows, String prefix, List<ProbeStatus> probes) {
    if (probes == null) {
      return;
    }
    for (ProbeStatus p : probes) {
      rows.add(new String[] {prefix + p.getName(), dash(p.getResult()),
          String.valueOf(p.getConsecutiveFailures() == null ? 0 : p.getConsecutiveFailures()), requested(p),
          dash(p.getLastError())});
    }
  }

  private static void events(PrintWriter out, KubernetesClient client, ProcService ps) {
    List<Event> events;
    try {
      events = new ArrayList<>(client.v1().events().inNamespace(ps.getMetadata().getNamespace())
          .withField("involvedObject.name", ps.getMetadata().getName()).list().getItems());
    } catch (KubernetesClientException e) {
      out.println();
      out.println("Events: cannot be read (" + e.getCode() + ")");
      return;
    }
    events.removeIf(e -> e.getInvolvedObject() != null && e.getInvolvedObject().getKind() != null
        && !"ProcService".equals(e.getInvolvedObject().getKind()));
    events.sort(Comparator.comparing(ServiceReport::when));
    out.println();
    if (events.isEmpty()) {
      out.println("Events:      none");
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"LAST SEEN", "TYPE", "REASON", "MESSAGE"});
    for (Event e : events.subList(Math.max(0, events.size() - EVENTS), events.size())) {
      String count = e.getCount() != null && e.getCount() > 1 ? " (x" + e.getCount() + ")" : "";
      rows.add(new String[] {ListCommand.age(when(e)), dash(e.getType()), dash(e.getReason()), dash(e.getMessage()) + count});
    }
    table(out, rows);
  }

  private static String when(Event e) {
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
      return e.getEventTime().getTime();
    }
    return e.getMetadata().getCreationTimestamp() == null ? "" : e.getMetadata().getCreationTimestamp();
  }

  /** The latest run made on request: its outcome, when it ended and how long it took. */
  static String requested(ProbeStatus p) {
    RequestedRunStatus r = p.getLastRequestedRun();
    if (r == null) {
      return "-";
    }
    return dash(r.getResult()) + (r.getTime() == null ? "" : " " + ListCommand.age(r.getTime()) + " ago")
        + (r.getLatencyMs() == null ? "" : " in " + r.getLatencyMs() + "ms");
  }

  static String exit(ExitStatus e) {
    if (e == null) {
      return "-";
    }
    StringBuilder b = new StringBuilder();
    if (e.getCode() != null) {
      b.append("code ").append(e.getCode());
    }
    if (e.getSignal() != null) {
      b.append(b.length() > 0 ? ", " : "").append(e.getSignal());
    }
    if (e.getTime() != null) {
      b.append(" (").append(ListCommand.age(e.getTime())).append(" ago)");
    }
    return b.length() == 0 ? "-" : b.toString();
  }

  /** Columns padded to their widest cell; the last one as it is. */
  static void table(PrintWriter out, List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols - 1; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        b.append(i < cols - 1 ? Terminal.pad(r[i], width[i] + 2) : r[i]);
      }
      out.println(b.toString().stripTrailing());
    }
  }

  private static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }
}
