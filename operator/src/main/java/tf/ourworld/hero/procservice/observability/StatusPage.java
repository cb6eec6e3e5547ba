package tf.ourworld.hero.procservice.observability;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import tf.ourworld.hero.procservice.local.ServiceTable;
import tf.ourworld.hero.procservice.model.ProbeStatus;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ProcessStatus;
import tf.ourworld.hero.procservice.model.TrackedPodStatus;

/**
 * The read-only status page at {@code /}: plain HTML rendered on the server from the
 * {@link StatusBoard}, and a few lines of script that fetch {@code /?part=main} every 2 seconds and
 * swap it in (without script, a meta refresh every 5 seconds). No actions, no spec, no secrets.
 */
public final class StatusPage {
  static final String REFRESH_SCRIPT = """
      (function () {
        var main = document.getElementById('main');
        function tick() {
          fetch('?part=main', {cache: 'no-store'}).then(function (r) {
            if (!r.ok) { throw new Error('HTTP ' + r.status); }
            return r.text();
          }).then(function (html) {
            main.innerHTML = html;
            document.getElementById('live').textContent = 'live, updated ' + new Date().toLocaleTimeString();
          }).catch(function () {
            document.getElementById('live').textContent = 'operator unreachable, retrying';
          }).finally(function () { setTimeout(tick, 2000); });
        }
        setTimeout(tick, 2000);
      })();
      """;

  /** Transition times: the time of day in UTC, short enough for a phone. */
  private static final java.time.format.DateTimeFormatter TIME =
      java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(java.time.ZoneOffset.UTC);

  private final StatusBoard board;

  public StatusPage(StatusBoard board) {
    this.board = board;
  }

  /** The whole page. */
  public String page() {
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>procservice-operator</title>
        <noscript><meta http-equiv="refresh" content="5"></noscript>
        <style>
        body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:.5rem 1rem;color:#222}
        h1{font-size:1.2rem} h2{font-size:1.05rem;margin:.2rem 0}
        .svc{border:1px solid #ccc;border-radius:6px;padding:.5rem .7rem;margin:.6rem 0}
        .Running{border-left:6px solid #2a2} .Degraded{border-left:6px solid #e90}
        .Failed{border-left:6px solid #d22} .Stopped,.Starting,.Pending{border-left:6px solid #999}
        table{border-collapse:collapse;width:100%;font-size:.9rem;overflow-wrap:anywhere}
        td,th{text-align:left;padding:.15rem .4rem;border-bottom:1px solid #eee;vertical-align:top}
        .msg{margin:.2rem 0} .err{color:#b00} small{color:#666}
        </style></head>
        <body><h1>procservice-operator <small id="live">live</small></h1>
        <div id="main">""" + main() + """
        </div>
        <script>""" + REFRESH_SCRIPT + """
        </script></body></html>
        """;
  }

  /** The part the script swaps in. */
  public String main() {
    StringBuilder h = new StringBuilder();
    List<StatusBoard.Service> services = board.services();
    h.append("<p><small>").append(services.size()).append(services.size() == 1 ? " service" : " services")
        .append(", as of ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("</small></p>\n");
    if (services.isEmpty()) {
      h.append("<p>No ProcService reconciled yet.</p>\n");
    }
    for (StatusBoard.Service s : services) {
      service(h, s);
    }
    h.append("<h2>Recent transitions</h2>\n");
    List<StatusBoard.Transition> transitions = board.transitions();
    if (transitions.isEmpty()) {
      h.append("<p>None yet.</p>\n");
    } else {
      h.append("<table class=\"transitions\"><tr><th>time</th><th>service</th><th>change</th><th>message</th></tr>\n");
      for (StatusBoard.Transition t : transitions) {
        String change = t.to() == null ? t.reason()
            : (t.from() == null ? "" : t.from() + " \u2192 ") + t.to() + (t.reason() == null ? "" : " (" + t.reason() + ")");
        row(h, TIME.format(t.time()), t.namespace() + "/" + t.name(), change, t.message());
      }
      h.append("</table>\n");
    }
    return h.toString();
  }

  private static void service(StringBuilder h, StatusBoard.Service s) {
    ProcServiceStatus st = s.status();
    String state = st == null || st.getState() == null ? "Pending" : st.getState().toString();
    String glyph = ServiceTable.glyph(st == null ? null : st.getState());
    h.append("<section class=\"svc ").append(state).append("\" id=\"").append(esc(s.namespace() + "-" + s.name()))
        .append("\">\n<h2>").append(glyph).append(' ').append(esc(s.namespace())).append('/').append(esc(s.name()))
        .append(" \u2014 <span class=\"state\">").append(state).append("</span></h2>\n");
    if (st == null) {
      h.append("<p class=\"msg\">Waiting for the operator</p></section>\n");
      return;
    }
    h.append("<p class=\"msg\">ready probes <b>").append(esc(orDash(st.getProbesReady()))).append("</b> \u00b7 restarts <b>")
        .append(st.getRestarts() == null ? 0 : st.getRestarts()).append("</b> \u00b7 reason <b>")
        .append(esc(orDash(st.getReason()))).append("</b> \u00b7 runtime ").append(esc(s.runtime())).append("</p>\n");
    if (st.getMessage() != null) {
      h.append("<p class=\"msg\">").append(esc(st.getMessage())).append("</p>\n");
    }
    if (st.getProcesses() != null && !st.getProcesses().isEmpty()) {
      h.append("<table class=\"processes\"><tr><th>process</th><th>state</th><th>pid / pod</th><th>restarts</th>"
          + "<th>last exit</th></tr>\n");
      for (ProcessStatus p : st.getProcesses()) {
        String where = p.getPid() != null ? String.valueOf(p.getPid()) : orDash(p.getPod());
        String exit = p.getLastExit() == null ? "" : (p.getLastExit().getCode() == null ? ""
            : "code " + p.getLastExit().getCode()) + (p.getLastExit().getSignal() == null ? "" : " " + p.getLastExit().getSignal());
        row(h, p.getName(), orDash(p.getState()), where, String.valueOf(p.getRestarts() == null ? 0 : p.getRestarts()),
            exit.trim());
      }
      h.append("</table>\n");
    }
    probes(h, "", st.getProbes());
    if (st.getPods() != null) {
      for (TrackedPodStatus pod : st.getPods()) {
        probes(h, "pod " + pod.getName() + ": ", pod.getProbes());
      }
    }
    h.append("</section>\n");
  }

  private static void probes(StringBuilder h, String prefix, List<ProbeStatus> probes) {
    if (probes == null || probes.isEmpty()) {
      return;
    }
    h.append("<table class=\"probes\"><tr><th>probe</th><th>result</th><th>failures</th><th>last error</th></tr>\n");
    for (ProbeStatus p : probes) {
      h.append("<tr><td>").append(esc(prefix + p.getName())).append("</td><td>").append(esc(orDash(p.getResult())))
          .append("</td><td>").append(p.getConsecutiveFailures() == null ? 0 : p.getConsecutiveFailures())
          .append("</td><td class=\"err\">").append(esc(p.getLastError() == null ? "" : p.getLastError()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void row(StringBuilder h, String... cells) {
    h.append("<tr>");
    for (String c : cells) {
      h.append("<td>").append(esc(c == null ? "" : c)).append("</td>");
    }
    h.append("</tr>\n");
  }

  private static String orDash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
