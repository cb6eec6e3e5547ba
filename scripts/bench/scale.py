#!/usr/bin/python3
"""The scale benchmark: `procservice local` with N Process services. Run by scripts/bench-scale.sh.

Each service runs one `sleep infinity` and has one tcpSocket probe every 10 s (to a listener of this
harness on 127.0.0.1:<free port>). In order, with the figures printed at the end:

  1. local started empty (kept store in its own state dir); heap after GC, threads, RSS: the base;
  2. `kubectl apply -f` of the N services: time from kubectl returning to all Running (a watch);
  3. heap after GC (jcmd GC.run, then GC.heap_info), per service over the base; threads; RSS;
  4. idle window: CPU per minute, status writes per minute (the embedded API's
     apiserver_request_total{verb=PATCH|PUT, resource=procservices, subresource=status}), probes run;
  5. operator SIGKILLed, local started again on the same state dir: time until the operator's own
     gauges say all N Running and until each service was probed by it, status writes meanwhile,
     and the processes restarted (pids before vs after);
  6. `kubectl delete psvc --all`: time until every process exited, kubectl's own time, and any left.
Everything started here is stopped at the end, whatever happens.
"""
import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repair import thread_cpu  # noqa: E402  (CPU per thread group, shared with the repair benchmark)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TICK = os.sysconf("SC_CLK_TCK")
SLEEP = os.path.realpath("/bin/sleep")


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def wait_for(what, cond, timeout, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(step)
    raise SystemExit("timed out after %ss waiting for %s" % (timeout, what))


def proc_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return int(out["VmRSS"].split()[0]) // 1024, int(out["Threads"])


def thread_groups(pid):
    """Threads by name with the digits dropped (/proc/PID/task/*/comm, 15 characters), largest first."""
    groups = {}
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, t)) as f:
                name = re.sub(r"[0-9]+", "#", f.read().strip())
        except OSError:
            continue
        groups[name] = groups.get(name, 0) + 1
    return ", ".join("%s %d" % kv for kv in sorted(groups.items(), key=lambda kv: -kv[1])[:8])


def alive(pid):
    """Exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def heap_after_gc(pid):
    """Heap used (KiB) after a full GC, from jcmd GC.heap_info (the 'used' of the whole heap)."""
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=120)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=120).stdout
    # ParallelGC/G1: "... total 123K, used 45K"; SerialGC: per generation "def new generation total X, used Y"
    used = 0
    m = re.search(r"garbage-first heap\s+total (\d+)K, used (\d+)K", out)
    if m:
        return int(m.group(2))
    for gen in re.finditer(r"^ (?:PSYoungGen|ParOldGen|def new generation|tenured generation|PSOldGen)\s+total (\d+)K, used (\d+)K",
                           out, re.M):
        used += int(gen.group(2))
    return used


def class_histogram(pid):
    """{class: bytes} of live objects (jcmd GC.class_histogram runs a full GC first)."""
    out = subprocess.run(["jcmd", str(pid), "GC.class_histogram"], capture_output=True, text=True, timeout=300).stdout
    hist = {}
    for m in re.finditer(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", out, re.M):
        hist[m.group(3)] = hist.get(m.group(3), 0) + int(m.group(2))
    return hist


def histogram_growth(base, now, n, top=12):
    """The classes whose live bytes grew most from base to now, as 'class bytes-per-service'."""
    growth = sorted(((now[c] - base.get(c, 0), c) for c in now), reverse=True)[:top]
    return ", ".join("%s %.1f KiB" % (c, b / n / 1024) for b, c in growth)


def become_subreaper(keep):
    """The services' processes outlive a SIGKILLed operator: as their new parent, reap them at once
    (this machine's pid 1 reaps late, and a zombie looks alive to an adopting operator)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        log("warning: cannot become a child subreaper")
        return

    def reap():
        while True:
            try:
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT)
            except ChildProcessError:
                time.sleep(0.05)
                continue
            if info is None or info.si_pid in keep():
                time.sleep(0.01)
                continue
            try:
                os.waitpid(info.si_pid, 0)
            except ChildProcessError:
                pass
    threading.Thread(target=reap, daemon=True).start()


class Listener:
    """The tcpSocket probes' target: accepts and closes."""

    def __init__(self):
        self.s = socket.socket()
        self.s.bind(("127.0.0.1", 0))
        self.s.listen(1024)
        self.port = self.s.getsockname()[1]
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            c, _ = self.s.accept()
            c.close()


class Started:
    """A JVM this harness started in a session of its own (self.proc), its output in self.out."""

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        self.out.close()

    def stop(self):
        """SIGTERM, then SIGKILL to its whole session after 60 s."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


class Local(Started):
    def __init__(self, work, kubectl, jvm_opts):
        self.work = work
        self.state = os.path.join(work, "state")
        self.kubeconfig = os.path.join(work, "kubeconfig")
        self.kubectl = kubectl
        self.jvm_opts = jvm_opts
        self.proc = None
        self.latest = {}
        self.deleting = set()  # objects seen with a deletionTimestamp: kubectl's DELETE reached them
        self.deleted_all_at = None  # when the latest of them was first seen so
        self.lock = threading.Lock()
        self.starts = 0

    def start(self):
        self.starts += 1
        if os.path.exists(self.kubeconfig):
            os.unlink(self.kubeconfig)
        env = dict(os.environ)
        if self.jvm_opts is not None:
            env["PROCSERVICE_JAVA_OPTS"] = self.jvm_opts
        self.out = open(os.path.join(self.work, "local-%d.out" % self.starts), "w")
        self.t_start = time.monotonic()
        self.proc = subprocess.Popen(
            [os.path.join(ROOT, "procservice"), "local", "--port", "0", "--http-port", "0", "--state-dir", self.state,
             "--kubeconfig", self.kubeconfig, "--allow-exec", SLEEP, "-q"],
            stdout=self.out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        wait_for("local's kubeconfig", lambda: os.path.exists(self.kubeconfig) or self.proc.poll() is not None, 120)
        wait_for("local's metrics port", lambda: self.metrics_port() or self.proc.poll() is not None, 120)
        if self.proc.poll() is not None:
            raise SystemExit("procservice local exited: see " + self.out.name)
        with open(self.kubeconfig) as f:
            self.api = [l.split("server:")[1].strip() for l in f if "server:" in l][0]
        self.t_api = time.monotonic()
        self.latest = {}
        self.watch_ok = threading.Event()
        threading.Thread(target=self.watch, args=(self.proc,), daemon=True).start()
        self.watch_ok.wait(30)

    def metrics_port(self):
        with open(self.out.name) as f:
            m = re.search(r"Metrics and health on http://127.0.0.1:(\d+)/metrics", f.read())
        self.mport = int(m.group(1)) if m else None
        return self.mport

    def watch(self, proc):
        host, port = self.api.replace("http://", "").split(":")
        while proc.poll() is None:
            try:
                c = http.client.HTTPConnection(host, int(port), timeout=3600)
                c.request("GET", "/apis/hero.ourworld.tf/v1alpha1/procservices?watch=true")
                r = c.getresponse()
                self.watch_ok.set()
                while True:
                    line = r.readline()
                    if not line:
                        break
                    ev = json.loads(line)
                    obj = ev["object"]
                    key = obj["metadata"]["namespace"] + "/" + obj["metadata"]["name"]
                    st = obj.get("status") or {}
                    with self.lock:
                        if ev["type"] == "DELETED":
                            self.latest.pop(key, None)
                            if key not in self.deleting:
                                self.deleting.add(key)
                                self.deleted_all_at = time.monotonic()
                        else:
                            self.latest[key] = (st.get("state", ""), [p.get("pid") for p in st.get("processes") or []])
                            if obj["metadata"].get("deletionTimestamp") and key not in self.deleting:
                                self.deleting.add(key)
                                self.deleted_all_at = time.monotonic()
            except (OSError, http.client.HTTPException, ValueError):
                time.sleep(0.2)

    def running(self):
        with self.lock:
            return sum(1 for s in self.latest.values() if s[0] == "Running")

    def pids(self):
        with self.lock:
            return {k: v[1] for k, v in self.latest.items()}

    def api_metrics(self):
        text = urllib.request.urlopen(self.api + "/metrics", timeout=30).read().decode()
        writes = 0
        for m in re.finditer(r'apiserver_request_total\{verb="(PATCH|PUT)",resource="procservices",subresource="status",code="2\d\d"\} (\d+)', text):
            writes += int(m.group(2))
        return writes

    def operator_metrics(self):
        text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.mport, timeout=30).read().decode()
        running = sum(1 for l in text.splitlines() if l.startswith("procservice_state{") and 'state="Running"' in l
                      and l.rstrip().endswith(" 1.0"))
        probed = set()
        probes = 0
        for l in text.splitlines():
            if l.startswith("procservice_probe_total{"):
                m = re.search(r'name="([^"]+)"', l)
                n = float(l.rsplit(" ", 1)[1])
                probes += n
                if m and n > 0:
                    probed.add(m.group(1))
        return running, len(probed), probes



def manifests(path, n, port):
    with open(path, "w") as f:
        for i in range(n):
            f.write("""---
apiVersion: hero.ourworld.tf/v1alpha1
kind: ProcService
metadata:
  name: sleep-%04d
spec:
  runtime: Process
  processes:
  - name: main
    command: [%s, infinity]
  probes:
  - name: tcp
    tcpSocket: {host: 127.0.0.1, port: %d}
    periodSeconds: 10
  stopGracePeriodSeconds: 5
""" % (i, SLEEP, port))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--work", required=True)
    ap.add_argument("--kubectl", required=True)
    ap.add_argument("--idle", type=float, default=60, help="idle window, seconds")
    # 90 s: the steady state, past the 75 s for which the embedded API keeps the apply's changes for
    # watches that resume (WatchHub.HISTORY_WINDOW); at 30 s they were still 2 KiB per service
    ap.add_argument("--settle", type=float, default=90, help="wait after all Running before measuring the heap")
    ap.add_argument("--jvm-opts", default=None)
    a = ap.parse_args()
    n = a.n
    print("machine: nproc %d, load average %s, %s" % (os.cpu_count(), " ".join("%.2f" % x for x in os.getloadavg()),
                                                       subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]))
    listener = Listener()
    mpath = os.path.join(a.work, "services.yaml")
    manifests(mpath, n, listener.port)
    local = Local(a.work, a.kubectl, a.jvm_opts)
    become_subreaper(lambda: {local.proc.pid} if local.proc else set())
    env = dict(os.environ, KUBECONFIG=local.kubeconfig)
    fig = {}
    all_pids = set()
    try:
        local.start()
        pid = local.proc.pid
        time.sleep(5)
        fig["base heap KiB"] = heap_after_gc(pid)
        base_hist = class_histogram(pid)
        fig["base RSS MiB"], fig["base threads"] = proc_status(pid)
        fig["base thread groups"] = thread_groups(pid)
        log("base: heap %d KiB, RSS %d MiB, %d threads" % (fig["base heap KiB"], fig["base RSS MiB"], fig["base threads"]))

        t = time.monotonic()
        subprocess.run([a.kubectl, "apply", "-f", mpath], env=env, check=True, stdout=subprocess.DEVNULL, timeout=600)
        t_applied = time.monotonic()
        fig["kubectl apply s"] = t_applied - t
        wait_for("all %d Running" % n, lambda: local.running() == n, 600, 0.05)
        fig["apply -> all Running s"] = time.monotonic() - t_applied
        log("kubectl apply %.1f s, then all %d Running after %.1f s" % (fig["kubectl apply s"], n, fig["apply -> all Running s"]))

        time.sleep(a.settle)
        heap = heap_after_gc(pid)
        fig["heap KiB"] = heap
        fig["heap per service KiB"] = (heap - fig["base heap KiB"]) / n
        # where the per-service heap is (operator and embedded API alike): written out, top items printed
        hist = class_histogram(pid)
        with open(os.path.join(a.work, "class-histogram-growth.txt"), "w") as f:
            for b, c in sorted(((hist[c] - base_hist.get(c, 0), c) for c in hist), reverse=True):
                f.write("%12d %10.1f %s\n" % (b, b / n, c))
        fig["heap growth by class, per service"] = histogram_growth(base_hist, hist, n)
        fig["RSS MiB"], fig["threads"] = proc_status(pid)
        fig["thread groups"] = thread_groups(pid)
        log("heap %d KiB (%.1f KiB per service), RSS %d MiB, %d threads (%s)"
            % (heap, fig["heap per service KiB"], fig["RSS MiB"], fig["threads"], fig["thread groups"]))

        w0, c0, s0, p0 = time.monotonic(), proc_cpu(pid), local.api_metrics(), local.operator_metrics()[2]
        th0 = thread_cpu(pid)
        load0 = os.getloadavg()[0]
        time.sleep(a.idle)
        w = time.monotonic() - w0
        cpu, writes, probes = proc_cpu(pid) - c0, local.api_metrics() - s0, local.operator_metrics()[2] - p0
        fig["idle CPU s/min"] = cpu / w * 60
        fig["idle status writes/min"] = writes / w * 60
        fig["idle probes/s"] = probes / w
        spent = {k: v - th0.get(k, 0.0) for k, v in thread_cpu(pid).items()}
        total = sum(spent.values()) or 1.0
        fig["idle CPU by thread"] = ", ".join("%s %.0f%%" % (k, 100 * v / total)
                                              for k, v in sorted(spent.items(), key=lambda kv: -kv[1])[:8])
        fig["idle CPU per probe us"] = cpu / probes * 1e6 if probes else float("nan")
        fig["idle load"] = "%.2f -> %.2f" % (load0, os.getloadavg()[0])
        log("idle %.0f s: CPU %.2f s/min, %.1f status writes/min, %.1f probes/s, %.0f us CPU per probe"
            % (w, fig["idle CPU s/min"], fig["idle status writes/min"], fig["idle probes/s"], fig["idle CPU per probe us"]))

        before = local.pids()
        for v in before.values():
            all_pids.update(p for p in v if p)
        local.kill9()
        log("operator SIGKILLed; %d processes alive" % sum(1 for p in all_pids if alive(p)))
        local.start()
        t_restart = local.t_start
        fig["restart -> API up s"] = local.t_api - t_restart
        wait_for("the restarted operator's gauges: all Running", lambda: local.operator_metrics()[0] == n, 600, 0.1)
        fig["restart -> all Running (gauges) s"] = time.monotonic() - t_restart
        fig["restart: status writes until all Running"] = local.api_metrics()
        wait_for("every service probed by the restarted operator", lambda: local.operator_metrics()[1] == n, 600, 0.1)
        fig["restart -> all probed s"] = time.monotonic() - t_restart
        fig["restart: status writes until all probed"] = local.api_metrics()
        wait_for("watch caught up", lambda: local.running() == n, 60, 0.1)
        after = local.pids()
        fig["restart: processes restarted"] = sum(1 for k, v in before.items() if after.get(k) != v)
        log("restart: API up %.1f s, all Running %.1f s, all probed %.1f s, %d status writes, %d processes restarted"
            % (fig["restart -> API up s"], fig["restart -> all Running (gauges) s"], fig["restart -> all probed s"],
               fig["restart: status writes until all probed"], fig["restart: processes restarted"]))
        for v in after.values():
            all_pids.update(p for p in v if p)

        t = time.monotonic()
        kubectl = subprocess.Popen([a.kubectl, "delete", "psvc", "--all", "--timeout=600s"], env=env,
                                   stdout=subprocess.DEVNULL)
        live = {p for p in all_pids if alive(p)}
        first_gone = None
        while live and time.monotonic() - t < 600:
            live = {p for p in live if alive(p)}
            if first_gone is None and len(live) < len(all_pids):
                first_gone = time.monotonic() - t
            time.sleep(0.05)
        fig["delete: all processes gone s"] = time.monotonic() - t
        wait_for("every DELETE accepted", lambda: len(local.deleting) >= n, 600, 0.05)
        fig["delete: every DELETE accepted (kubectl) s"] = local.deleted_all_at - t
        # every object gone (finalizer removed, DELETED seen by the watch); kubectl's own wait for
        # them afterwards is client-side throttled (5 requests/s after a burst of 10)
        wait_for("every ProcService deleted", lambda: not local.pids(), 600, 0.05)
        fig["delete: all ProcServices gone from the API s"] = time.monotonic() - t
        kubectl.wait(600)
        fig["delete: kubectl returned s"] = time.monotonic() - t
        time.sleep(2)
        fig["delete: processes left"] = sum(1 for p in all_pids if alive(p))
        log("delete --all: every process gone after %.1f s, every object after %.1f s, kubectl returned after %.1f s,"
            " %d left" % (fig["delete: all processes gone s"], fig["delete: all ProcServices gone from the API s"],
                          fig["delete: kubectl returned s"], fig["delete: processes left"]))
    finally:
        log("stopping")
        local.stop()
        for p in all_pids:
            if alive(p):
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
    print()
    print("Scale: %d Process services (sleep + tcpSocket probe every 10 s), load average now %.2f" % (n, os.getloadavg()[0]))
    for k, v in fig.items():
        print("  %-42s %s" % (k, ("%.2f" % v) if isinstance(v, float) else v))


def on_signal(signum, _frame):
    raise SystemExit("stopped by signal %d" % signum)  # the finally blocks stop what was started


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    main()
