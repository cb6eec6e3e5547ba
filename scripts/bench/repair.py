#!/usr/bin/python3
"""The repair benchmark: `procservice local` and monit side by side on the same fake service.

Run by scripts/bench-repair.sh (which builds the jar and installs monit); see docs/benchmarks.md.
Both tools supervise SERVICES copies of scripts/bench/fake-service.py (a unix-socket HTTP handler);
the faults hit copy 0 of each, one tool at a time, the order alternating per run:

  empty  the handler closes every connection without a byte (SOCKET.mode = empty)
  500    the handler answers HTTP 500 (SOCKET.mode = 500)
  kill   the handler's process is SIGKILLed

detect = fault -> the tool says so (operator: the first status of fake-0 that is not Running or
         counts one more restart, from a watch on the embedded API; monit: the first "error" line of
         its log about the service after the fault (the event fired: failed cycles below the "for 2
         cycles" are "warning"s), timestamped as it appears);
repair = fault -> the handler answers GET /health with 200 again (this harness asks every 10 ms).

Before each fault both services are healthy and the operator's restart backoff is reset with the
reset-failed annotation (monit has no backoff): every fault is a first fault on a stable service.
Idle: utime+stime of each tool's process (/proc/PID/stat) over a window after a warm-up, divided
by the probes it ran in it (services x seconds / period), RSS and threads from /proc/PID/status.
Everything started here is stopped at the end, whatever happens.
"""
import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FAKE = os.path.join(HERE, "fake-service.py")
PYTHON = os.path.realpath("/usr/bin/python3")
TICK = os.sysconf("SC_CLK_TCK")
FAULTS = ("empty", "500", "kill")
MONIT_START_PAUSE = 30  # monit's default start program timeout


def uptime(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            start = int(f.read().rsplit(")", 1)[1].split()[19]) / TICK  # starttime (field 22)
        with open("/proc/uptime") as f:
            return float(f.read().split()[0]) - start
    except (OSError, ValueError, IndexError):
        return 0.0


def become_subreaper(keep):
    """Orphans (monit's services: its start program daemonizes them) get reparented to us and are
    reaped at once, as a real init would; this machine's pid 1 reaps late, which left monit looking
    at a zombie for a cycle. The JVM reaps the operator's processes itself."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        log("warning: cannot become a child subreaper; monit's killed services are reaped by pid 1")
        return

    def reap():
        while True:
            try:
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT)
            except ChildProcessError:
                time.sleep(0.05)
                continue
            if info is None or info.si_pid in keep():
                time.sleep(0.01)  # ours: Popen.wait() collects it
                continue
            try:
                os.waitpid(info.si_pid, 0)
            except ChildProcessError:
                pass
    threading.Thread(target=reap, daemon=True).start()


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def healthy(sock, timeout=0.5):
    """GET /health on the socket answers 200."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(sock)
        s.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Bench: harness\r\nConnection: close\r\n\r\n")
        data = s.recv(64)
        return data.startswith(b"HTTP/1.1 200")
    except OSError:
        return False
    finally:
        s.close()


def read_probed(path):
    """The time of the last probe the handler answered (fake-service.py), or None."""
    try:
        with open(path) as f:
            text = f.read().strip()
        return float(text) if text else None
    except (OSError, ValueError):
        return None


def proc_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15)


def proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return int(out["VmRSS"].split()[0]) // 1024, int(out["Threads"])


def wait_for(what, cond, timeout, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(step)
    raise SystemExit("timed out after %ss waiting for %s" % (timeout, what))


class Operator:
    """procservice local with its own state dir, kubeconfig and free ports."""

    def __init__(self, work, services, jvm_opts):
        self.work = os.path.join(work, "operator")
        self.state = os.path.join(self.work, "state")
        self.kubeconfig = os.path.join(self.work, "kubeconfig")
        self.manifests = os.path.join(self.work, "manifests")
        self.services = services
        os.makedirs(self.manifests)
        for i in range(services):
            with open(os.path.join(self.manifests, "fake-%03d.yaml" % i), "w") as f:
                f.write(manifest("fake-%d" % i))
        env = dict(os.environ)
        if jvm_opts is not None:
            env["PROCSERVICE_JAVA_OPTS"] = jvm_opts
        self.out = open(os.path.join(self.work, "local.out"), "w")
        self.proc = subprocess.Popen(
            [os.path.join(ROOT, "procservice"), "local", "--port", "0", "--http-port", "0", "--ephemeral",
             "--state-dir", self.state, "--kubeconfig", self.kubeconfig, "-q", self.manifests],
            stdout=self.out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.events = []  # (time, state, restarts) of fake-0
        self.latest = {}
        self.fake0_pid = None
        self.lock = threading.Condition()

    def socket(self, i):
        return os.path.join(self.state, "default", "fake-%d" % i, "svc.sock")

    def pid(self):
        # ./procservice execs java: the pid is the JVM's
        return self.proc.pid

    def start(self):
        wait_for("the embedded API's kubeconfig", lambda: os.path.exists(self.kubeconfig) or self.proc.poll() is not None, 120)
        if self.proc.poll() is not None:
            raise SystemExit("procservice local exited: see " + self.out.name)
        with open(self.kubeconfig) as f:
            server = [l.split("server:")[1].strip() for l in f if "server:" in l][0]
        self.host, self.port = server.replace("http://", "").split(":")
        threading.Thread(target=self.watch, daemon=True).start()
        wait_for("all %d ProcServices Running" % self.services,
                 lambda: sum(1 for s in self.latest.values() if s[0] == "Running") == self.services, 180, 0.2)

    def watch(self):
        while True:
            try:
                c = http.client.HTTPConnection(self.host, int(self.port), timeout=3600)
                c.request("GET", "/apis/hero.ourworld.tf/v1alpha1/namespaces/default/procservices?watch=true")
                r = c.getresponse()
                while True:
                    line = r.readline()
                    if not line:
                        break
                    t = time.monotonic()
                    obj = json.loads(line)["object"]
                    st = obj.get("status") or {}
                    name = obj["metadata"]["name"]
                    procs = st.get("processes") or [{}]
                    with self.lock:
                        self.latest[name] = (st.get("state", ""), st.get("restarts", 0))
                        if name == "fake-0" and procs[0].get("pid"):
                            self.fake0_pid = int(procs[0]["pid"])
                        if name == "fake-0":
                            self.events.append((t, st.get("state", ""), st.get("restarts", 0)))
                        self.lock.notify_all()
            except (OSError, http.client.HTTPException, ValueError):
                if self.proc.poll() is not None:
                    return
                time.sleep(0.2)

    def stable(self):
        return self.latest.get("fake-0", ("", 0))[0] == "Running" and healthy(self.socket(0))

    def reset_backoff(self, token):
        body = json.dumps({"metadata": {"annotations": {"hero.ourworld.tf/reset-failed": token}}}).encode()
        req = urllib.request.Request(
            "http://%s:%s/apis/hero.ourworld.tf/v1alpha1/namespaces/default/procservices/fake-0" % (self.host, self.port),
            data=body, method="PATCH", headers={"Content-Type": "application/merge-patch+json"})
        urllib.request.urlopen(req, timeout=10).read()

    def mark(self):
        with self.lock:
            return len(self.events), self.latest.get("fake-0", ("", 0))[1]

    def detected(self, mark, t0):
        n, restarts = mark
        with self.lock:
            for t, state, r in self.events[n:]:
                if t >= t0 and (state != "Running" or r > restarts):
                    return t
        return None

    def process_pid(self):
        with self.lock:
            return self.fake0_pid

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.out.close()


def manifest(name):
    return """apiVersion: hero.ourworld.tf/v1alpha1
kind: ProcService
metadata:
  name: %s
spec:
  runtime: Process
  processes:
  - name: server
    command: [%s, %s, svc.sock]
  probes:
  - name: health
    process: server
    httpGet: {unixSocket: svc.sock, path: /health}
    periodSeconds: 1
    timeoutSeconds: 1
    failureThreshold: 2
  recovery:
    action: Restart
    backoff: {initialSeconds: 1}
    restartLimit: {maxRestarts: 100, windowSeconds: 600}
  stopGracePeriodSeconds: 2
""" % (name, PYTHON, FAKE)


class Monit:
    """Debian's monit with its own control file, state, pid and log files under the work dir."""

    def __init__(self, work, services):
        self.work = os.path.join(work, "monit")
        os.makedirs(self.work)
        self.services = services
        self.logfile = os.path.join(self.work, "monit.log")
        self.rc = os.path.join(self.work, "monitrc")
        lines = ["set daemon 1",
                 "set logfile " + self.logfile,
                 "set pidfile " + os.path.join(self.work, "monit.pid"),
                 "set idfile " + os.path.join(self.work, "monit.id"),
                 "set statefile " + os.path.join(self.work, "monit.state"),
                 ""]
        for i in range(services):
            d = self.dir(i)
            os.makedirs(d)
            sock, pidfile = os.path.join(d, "svc.sock"), os.path.join(d, "fake.pid")
            lines += [
                "check process fake-%d with pidfile %s" % (i, pidfile),
                "  start program = \"/bin/sh -c '/usr/bin/setsid %s %s %s --pidfile %s >>%s/fake.log 2>&1 &'\""
                % (PYTHON, FAKE, sock, pidfile, d),
                "  stop program = \"/bin/sh -c 'kill -9 $(cat %s)'\"" % pidfile,
                "  if failed unixsocket %s protocol http request \"/health\" for 2 cycles then restart" % sock,
                ""]
        with open(self.rc, "w") as f:
            f.write("\n".join(lines))
        os.chmod(self.rc, 0o600)  # monit refuses a control file others can read
        self.proc = None
        self.lines = []  # (time, text) of monit's log, as they appear
        self.lock = threading.Lock()

    def dir(self, i):
        return os.path.join(self.work, "fake-%d" % i)

    def socket(self, i):
        return os.path.join(self.dir(i), "svc.sock")

    def pid(self):
        return self.proc.pid

    def start(self):
        self.out = open(os.path.join(self.work, "monit.out"), "w")
        # -I: stay in the foreground (no daemon, no system pidfile); -c: only our control file
        self.proc = subprocess.Popen(["monit", "-I", "-c", self.rc], stdout=self.out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        threading.Thread(target=self.tail, daemon=True).start()
        wait_for("monit's %d services healthy" % self.services,
                 lambda: all(healthy(self.socket(i)) for i in range(self.services)), 180, 0.2)

    def tail(self):
        wait_for("monit's log", lambda: os.path.exists(self.logfile), 60)
        with open(self.logfile) as f:
            buf = ""
            while self.proc.poll() is None:
                chunk = f.read()
                if not chunk:
                    time.sleep(0.005)
                    continue
                t = time.monotonic()
                buf += chunk
                *done, buf = buf.split("\n")
                with self.lock:
                    self.lines += [(t, l) for l in done]

    def stable(self):
        # monit 5.33 pauses connection tests while a process it started is younger than the start
        # program's timeout (30 s by default: "connection test paused for 13 s while the process is
        # starting"): a fault before that is seen only when the pause ends. Wait it out.
        pid = self.process_pid()
        return pid is not None and uptime(pid) > MONIT_START_PAUSE + 1 and healthy(self.socket(0))

    def mark(self):
        with self.lock:
            return len(self.lines)

    def detected(self, mark, t0):
        with self.lock:
            for t, text in self.lines[mark:]:
                # the event fired: "error" (a "warning" is a failed cycle below "for 2 cycles")
                if t >= t0 and "'fake-0'" in text and "] error" in text:
                    return t
        return None

    def process_pid(self):
        try:
            with open(os.path.join(self.dir(0), "fake.pid")) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        # monit leaves what it started running when it quits: stop the fake services ourselves
        for i in range(self.services):
            try:
                with open(os.path.join(self.dir(i), "fake.pid")) as f:
                    os.kill(int(f.read().split()[0]), signal.SIGKILL)
            except (OSError, ValueError, IndexError):
                pass


def inject(tool, fault):
    if fault == "kill":
        pid = tool.process_pid()
        if pid is None:
            raise SystemExit("no pid for fake-0")
        os.kill(pid, signal.SIGKILL)
    else:
        with open(tool.socket(0) + ".mode", "w") as f:
            f.write(fault)


def one_run(tool, fault, run, timeout):
    if isinstance(tool, Operator):
        tool.reset_backoff("bench-%s-%d-%d" % (fault, run, time.time_ns()))
    wait_for("fake-0 stable before the fault", tool.stable, 60, 0.1)
    # A quiet moment (the reset handled, the last probe's status written), then the fault lands at a
    # phase of the tool's own probe period: PHASE x 1 s after the tool's next probe of fake-0 (its
    # time from the handler, fake-service.py's SOCKET.probed). PHASE is drawn per fault and run,
    # seeded, and the same for both tools: each run puts both at the same point of their cycles, so
    # the comparison is paired and what differs is the tools, not the luck of the draw. (A fixed pause
    # once put every monit fault at the same point of its cycle; a pause drawn per tool made a median
    # of 10 runs move by +-0.1 s with the draws.)
    time.sleep(1.5)
    phase = random.Random("%s/%d" % (fault, run)).random()
    probed = tool.socket(0) + ".probed"
    last = read_probed(probed)
    wait_for("the tool's next probe of fake-0", lambda: read_probed(probed) not in (None, last), 10, 0.002)
    time.sleep(max(0.0, read_probed(probed) + phase - time.monotonic()))
    mark = tool.mark()
    t0 = time.monotonic()
    inject(tool, fault)
    end = t0 + timeout
    detect = repair = None
    time.sleep(0.05)  # the handler sees the mode file at its next request; a killed socket stays refused
    while time.monotonic() < end and (repair is None or detect is None):
        now = time.monotonic()
        if repair is None and healthy(tool.socket(0), 0.2):
            repair = now
        if detect is None:
            detect = tool.detected(mark, t0)
        time.sleep(0.01)
    if repair is None or detect is None:
        raise SystemExit("%s %s run %d: no %s within %ss" % (type(tool).__name__, fault, run,
                                                           "repair" if repair is None else "detection", timeout))
    return detect - t0, repair - t0


def thread_cpu(pid):
    """CPU seconds per thread-name group (digits dropped) of a process, from /proc/PID/task/*/stat."""
    out = {}
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, t)) as f:
                raw = f.read()
        except OSError:
            continue
        name = re.sub(r"[0-9]+", "#", raw[raw.index("(") + 1:raw.rindex(")")])
        fields = raw.rsplit(")", 1)[1].split()
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / TICK
    return out


def idle(tools, warmup, window, services):
    log("idle: warm-up %ss, then a %ss window" % (warmup, window))
    time.sleep(warmup)
    c0 = {n: proc_cpu(t.pid()) for n, t in tools.items()}
    th0 = thread_cpu(tools["operator"].pid())
    w0 = time.monotonic()
    load0 = os.getloadavg()[0]
    time.sleep(window)
    w = time.monotonic() - w0
    th1 = thread_cpu(tools["operator"].pid())
    spent = {k: v - th0.get(k, 0.0) for k, v in th1.items()}
    total = sum(spent.values()) or 1.0
    print("operator CPU in the idle window by thread (/proc/PID/task, names as the kernel keeps them, 15 characters): "
          + ", ".join("%s %.0f %%" % (k, 100 * v / total) for k, v in sorted(spent.items(), key=lambda kv: -kv[1])[:10]
                      if v > 0), flush=True)
    out = {}
    for n, t in tools.items():
        cpu = proc_cpu(t.pid()) - c0[n]
        rss, threads = proc_status(t.pid())
        probes = services * w  # period 1 s
        out[n] = (cpu / probes * 1e6, cpu / w * 100, rss, threads)
    return out, (load0, os.getloadavg()[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--services", type=int, default=50)
    ap.add_argument("--warmup", type=float, default=60)
    ap.add_argument("--window", type=float, default=60)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--faults", default=",".join(FAULTS))
    ap.add_argument("--work", required=True)
    ap.add_argument("--jfr", type=int, default=0, help="record JFR on the operator for this many seconds after the idle window")
    ap.add_argument("--jvm-opts", default=None, help="PROCSERVICE_JAVA_OPTS for ./procservice (default: the wrapper's)")
    a = ap.parse_args()
    faults = [f for f in a.faults.split(",") if f]
    for f in faults:
        if f not in FAULTS:
            raise SystemExit("unknown fault " + f)
    print("machine: nproc %d, load average %s, %s" % (os.cpu_count(), " ".join("%.2f" % x for x in os.getloadavg()),
                                                       subprocess.run(["monit", "-V"], capture_output=True, text=True).stdout.splitlines()[0]))
    op = Operator(a.work, a.services, a.jvm_opts)
    mo = Monit(a.work, a.services)
    tools = {"operator": op, "monit": mo}
    become_subreaper(lambda: {p.proc.pid for p in (op, mo) if p.proc is not None})
    try:
        log("starting procservice local and monit with %d services each" % a.services)
        op.start()
        mo.start()
        log("all healthy")
        idle_figures, load = idle(tools, a.warmup, a.window, a.services)
        report_idle(idle_figures, load, a)
        if a.jfr:
            jfr = os.path.join(a.work, "operator-idle.jfr")
            log("JFR on the operator for %ds (after the idle window: its cost is not in the figures): %s" % (a.jfr, jfr))
            subprocess.run(["jcmd", str(op.pid()), "JFR.start", "name=idle", "settings=profile",
                            "duration=%ds" % a.jfr, "filename=" + jfr], capture_output=True, timeout=60)
            time.sleep(a.jfr + 3)
        results = {(n, f): [] for n in tools for f in faults}
        for run in range(1, a.runs + 1):
            order = list(tools.items()) if run % 2 else list(tools.items())[::-1]
            for fault in faults:
                for name, tool in order:
                    d, r = one_run(tool, fault, run, a.timeout)
                    results[(name, fault)].append((d, r))
                    log("run %d %-5s %-8s detect %.3f s  repair %.3f s" % (run, fault, name, d, r))
        if a.runs > 0:
            report(results, faults, a)
        report_idle(idle_figures, load, a)
    finally:
        log("stopping")
        for t in (op, mo):
            try:
                t.stop()
            except Exception as e:  # keep stopping the other
                log("stopping %s: %s" % (type(t).__name__, e))


def report(results, faults, a):
    print()
    print("Repair: %d runs per fault, period 1 s, failure threshold 2 cycles, %d services each, load average now %.2f"
          % (a.runs, a.services, os.getloadavg()[0]))
    print("%-6s | %-8s | %-22s | %-22s" % ("fault", "tool", "detect median / max", "repair median / max"))
    for f in faults:
        for n in ("operator", "monit"):
            ds = [x[0] for x in results[(n, f)]]
            rs = [x[1] for x in results[(n, f)]]
            print("%-6s | %-8s | %6.3f s / %6.3f s    | %6.3f s / %6.3f s" % (
                f, n, statistics.median(ds), max(ds), statistics.median(rs), max(rs)))


def report_idle(idle_figures, load, a):
    print()
    print("Idle, %d healthy services probed every 1 s, window %ss after %ss warm-up, load average %.2f -> %.2f"
          % (a.services, a.window, a.warmup, load[0], load[1]))
    print("%-8s | %-14s | %-9s | %-8s | %s" % ("tool", "CPU per probe", "CPU", "RSS", "threads"))
    for n in ("operator", "monit"):
        per, pct, rss, threads = idle_figures[n]
        print("%-8s | %8.1f us    | %5.2f %%   | %4d MiB | %d" % (n, per, pct, rss, threads))
    print("(operator = the whole `procservice local` JVM, its embedded API included)")


def on_signal(signum, _frame):
    raise SystemExit("stopped by signal %d" % signum)  # the finally blocks stop what was started


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    main()
