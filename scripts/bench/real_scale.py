#!/usr/bin/python3
"""The scale benchmark on a real API server: N Track ProcServices over N kwok pods, one operator.

Run by `scripts/bench-scale.sh N --real` (issue 16, goal 5). In order, with the figures printed at
the end:

  1. a control plane of its own (scripts/cluster.sh: etcd, kube-apiserver, controller-manager,
     scheduler, kwok; state and audit log under the work dir, ports CLUSTER_PORT_BASE 16500+);
     the CRD and deploy/'s namespace, ServiceAccount and RBAC; the operator runs with a token of
     that ServiceAccount, so the API server's audit log holds every request it makes and no other;
  2. N pods (bound to kwok's nodes, which give them loopback IPs from 127.1.0.0/16) and N
     ProcServices `runtime: Track`, each selecting its one pod, with two probes every 10 s: an
     httpGet /health and a tcpSocket, both on the pod IP; scripts/bench/podserver (Go) answers them
     on every pod IP (one listener per IP, 200 "ok", or 500 for a pod it was told to break);
  3. cold start: the operator started with all of that in place and no status written yet: time
     until a watch of the ProcServices sees all N Running, the operator's API requests meanwhile
     (from the audit log, by verb and resource);
  4. after a settle: heap after a full GC (jcmd), RSS, threads;
  5. idle window: status writes (must be 0), the operator's requests per second, CPU per probe;
  6. faults: F services' handlers answer 500; for each, the time from the response that makes the
     threshold-th consecutive failure (as the pod server sent it) to the operator's status write
     (its ResponseComplete in the audit log): p50/p99/max; then the same for the recovery;
  7. the operator SIGKILLed and started again: time until every pod was probed by the new one,
     status writes meanwhile (0 expected: every service is unchanged).
Everything it started is stopped at the end, whatever happens. A benchmark, not a test: it prints
figures and fails only when something never happens within its generous time-outs.
"""
import argparse
import asyncio
import datetime
import http.client
import json
import os
import random
import resource
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repair import thread_cpu  # noqa: E402
from scale import SLEEP, Started, class_histogram, heap_after_gc, histogram_growth, proc_cpu, proc_status, thread_groups, log, wait_for  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NS = "bench"
SA_USER = "system:serviceaccount:procservice-system:procservice-operator"
CRD = os.path.join(ROOT, "crds", "procservices.hero.ourworld.tf-v1.yml")
POLICY = os.path.join(ROOT, "deploy", "validating-admission-policy.yaml")   # the spec rules, as installed
JVM_OPTIONS = os.path.join(ROOT, "operator", "jvm.options")   # the image's (Dockerfile)
GROUP_PATH = "/apis/hero.ourworld.tf/v1alpha1/namespaces/%s/procservices" % NS
PERIOD = 10
THRESHOLD = 3


class ColdOnly(Exception):
    """--cold-only: the figures so far are all that was asked for."""


def name(i):
    return "bench-%05d" % i


class Api:
    """A small client of the API server as its admin (client certificate), one connection per thread."""

    def __init__(self, cluster_dir, server):
        pki = os.path.join(cluster_dir, "pki")
        self.ctx = ssl.create_default_context(cafile=os.path.join(pki, "ca.crt"))
        self.ctx.load_cert_chain(os.path.join(pki, "admin.crt"), os.path.join(pki, "admin.key"))
        self.host, self.port = server.replace("https://", "").split(":")
        self.local = threading.local()

    def conn(self, timeout=60):
        c = getattr(self.local, "c", None)
        if c is None:
            c = http.client.HTTPSConnection(self.host, int(self.port), context=self.ctx, timeout=timeout)
            self.local.c = c
        return c

    def call(self, method, path, body=None, ctype="application/json"):
        for attempt in range(5):
            c = self.conn()
            try:
                headers = {"Accept": "application/json"}
                data = None
                if body is not None:
                    data = json.dumps(body).encode()
                    headers["Content-Type"] = ctype
                c.request(method, path, body=data, headers=headers)
                r = c.getresponse()
                out = r.read()
                if r.status == 429 or r.status >= 500:
                    time.sleep(0.2 * (attempt + 1))
                    continue
                if r.status >= 300:
                    raise SystemExit("%s %s: %d %s" % (method, path, r.status, out[:300]))
                return json.loads(out) if out else None
            except (OSError, http.client.HTTPException):
                self.local.c = None
                time.sleep(0.2 * (attempt + 1))
        raise SystemExit("%s %s: no answer after 5 tries" % (method, path))

    def create_all(self, path, objects, threads=8):
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda o: self.call("POST", path, o), objects))

    def list(self, path):
        return self.call("GET", path)

    def raw(self, path, timeout):
        c = http.client.HTTPSConnection(self.host, int(self.port), context=self.ctx, timeout=timeout)
        try:
            c.request("GET", path)
            r = c.getresponse()
            out = r.read()
            if r.status != 200:
                raise SystemExit("GET %s: %d %s" % (path, r.status, out[:300]))
            return out
        finally:
            c.close()

    def watch(self, path, rv, on_event, stop):
        """Follows path from resourceVersion rv until stop is set; on_event(type, object)."""
        while not stop.is_set():
            c = http.client.HTTPSConnection(self.host, int(self.port), context=self.ctx, timeout=3600)
            try:
                c.request("GET", "%s?watch=true&resourceVersion=%s&allowWatchBookmarks=true" % (path, rv))
                r = c.getresponse()
                if r.status != 200:
                    raise SystemExit("watch %s: %d %s" % (path, r.status, r.read()[:300]))
                while not stop.is_set():
                    line = r.readline()
                    if not line:
                        break
                    ev = json.loads(line)
                    if ev["type"] == "ERROR":
                        raise SystemExit("watch %s: %s (a 410 here means the benchmark fell behind)" % (path, ev["object"]))
                    rv = ev["object"]["metadata"]["resourceVersion"]
                    if ev["type"] != "BOOKMARK":
                        on_event(ev["type"], ev["object"])
            except (OSError, http.client.HTTPException, ValueError):
                time.sleep(0.2)
            finally:
                c.close()


class Handlers:
    """Plays the pods' containers: scripts/bench/podserver (Go), one listener per pod IP on the port.
    GET /health answers 200, or 500 for a broken IP; a tcpSocket probe's connection is just
    accepted. It records when each broken IP's 500s went out (since it broke), each healed IP's 200s
    (since it healed), and when each IP was last asked for /health. Driven over its stdin."""

    def __init__(self, binary, port):
        self.proc = subprocess.Popen([binary, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)
        self.lock = threading.Lock()
        self.fails, self.oks = {}, {}   # ip -> send times (time.time()), from the latest sent()

    def _ask(self, line):
        with self.lock:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
            out = self.proc.stdout.readline().strip()
        if not out or out.startswith("error"):
            raise SystemExit("podserver: %s -> %s" % (line[:80], out or "exited"))
        return out

    def serve(self, ips):
        for i in range(0, len(ips), 1000):
            self._ask("serve " + " ".join(ips[i:i + 1000]))

    def break_(self, ips):
        self._ask("break " + " ".join(sorted(ips)))

    def heal(self, ips):
        self._ask("heal " + " ".join(sorted(ips)))

    def sent(self):
        """Reads the send times of the 500s and 200s recorded so far into .fails and .oks; the requests served."""
        got = json.loads(self._ask("sent"))
        self.fails, self.oks = got["fails"] or {}, got["oks"] or {}
        return got["requests"]

    @property
    def requests(self):
        return self.sent()

    def probed_since(self, t):
        return int(self._ask("probed-since %.6f" % t))

    def stop(self):
        self.proc.stdin.close()
        self.proc.kill()
        self.proc.wait()


class AuditLog:
    """The API server's audit log, read incrementally: the operator's requests only (the cluster's
    audit policy logs the procservice-system ServiceAccounts at Metadata level)."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.events = []  # (stage time as epoch seconds, verb, resource[/subresource], name)

    def read(self):
        if not os.path.exists(self.path):
            return
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read()
        end = data.rfind(b"\n") + 1
        self.offset += end
        for line in data[:end].splitlines():
            ev = json.loads(line)
            if ev.get("user", {}).get("username") != SA_USER:
                continue
            verb = ev["verb"]
            # a request counts once: when it completed, a watch when it started
            if not (ev["stage"] == "ResponseComplete" and verb != "watch" or ev["stage"] == "ResponseStarted" and verb == "watch"):
                continue
            ref = ev.get("objectRef") or {}
            res = ref.get("resource", "?") + ("/" + ref["subresource"] if ref.get("subresource") else "")
            self.events.append((epoch(ev["stageTimestamp"]), verb, res, ref.get("name", ""), ev.get("responseStatus", {}).get("code")))

    def between(self, t0, t1):
        self.read()
        return [e for e in self.events if t0 <= e[0] < t1]


def cpu_by_process(cluster_dir, operator_pid, podserver_pid):
    """CPU seconds so far of each control-plane process (scripts/cluster.sh's NAME.pid files), the
    operator, the pod server (answers the probes) and this harness (watches the ProcServices)."""
    out = {}
    for f in sorted(os.listdir(cluster_dir)):
        if f.endswith(".pid"):
            try:
                with open(os.path.join(cluster_dir, f)) as pf:
                    out[f[:-4]] = proc_cpu(int(pf.read().strip()))
            except (OSError, ValueError):
                pass
    out["operator"] = proc_cpu(operator_pid)
    out["podserver"] = proc_cpu(podserver_pid)
    out["harness"] = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    return out


def cpu_between(before, after):
    """CPU seconds per process (or thread group) between two readings, the busiest first, from 0.1 s."""
    spent = {k: after[k] - before.get(k, 0) for k in after}
    return ", ".join("%s %.1f" % (k, v) for k, v in sorted(spent.items(), key=lambda kv: -kv[1]) if v >= 0.1)


def apiserver_profile(api, seconds, work):
    """kube-apiserver's CPU profile over the next `seconds` (its /debug/pprof, CLUSTER_PROFILING=true),
    and `go tool pprof -top` of it, by cumulative time, beside it."""
    out = os.path.join(work, "kube-apiserver-cold.pprof")
    with open(out, "wb") as f:
        f.write(api.raw("/debug/pprof/profile?seconds=%d" % seconds, seconds + 60))
    with open(os.path.join(work, "kube-apiserver-cold.top"), "w") as f:
        subprocess.run(["go", "tool", "pprof", "-top", "-cum", "-nodecount=120", out], stdout=f, stderr=subprocess.STDOUT)
    log("kube-apiserver's profile: %s (top: %s.top)" % (out, out[:-len(".pprof")]))


def epoch(ts):
    return datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()


def by_kind(events):
    counts = {}
    for e in events:
        k = "%s %s" % (e[1], e[2])
        counts[k] = counts.get(k, 0) + 1
    return ", ".join("%s %d" % kv for kv in sorted(counts.items(), key=lambda kv: -kv[1]))


def status_writes(events):
    return [e for e in events if e[2] == "procservices/status" and e[1] in ("patch", "update")]


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5)) - 1))]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Operator(Started):
    def __init__(self, work, jar, kubeconfig, jvm_opts, args, namespace=NS, label="operator"):
        self.work, self.jar, self.kubeconfig, self.jvm_opts, self.args = work, jar, kubeconfig, jvm_opts, args
        self.namespace, self.label = namespace, label
        self.proc = None
        self.starts = 0

    def start(self):
        self.starts += 1
        self.port = free_port()
        self.out = open(os.path.join(self.work, "%s-%d.log" % (self.label, self.starts)), "w")
        cmd = ["java"] + self.jvm_opts.split() + ["-jar", self.jar, "run", "--namespaces", self.namespace,
                                                  "--http-port", str(self.port), "--log-format", "json",
                                                  "--state-dir", os.path.join(self.work, "operator-state")] + self.args.split()
        self.t_start = time.time()
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=subprocess.STDOUT, start_new_session=True,
                                     env=dict(os.environ, KUBECONFIG=self.kubeconfig))

    def reconciles(self):
        """Reconciles so far, from the operator's /metrics (procservice_reconcile_total)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        c.request("GET", "/metrics")
        total = 0.0
        for line in c.getresponse().read().decode().splitlines():
            if line.startswith("procservice_reconcile_total{"):
                total += float(line.rsplit(" ", 1)[1])
        return int(total)

    def ready(self):
        if self.proc.poll() is not None:
            raise SystemExit("the operator exited (%s): see %s" % (self.proc.returncode, self.out.name))
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            c.request("GET", "/readyz")
            return c.getresponse().status == 200
        except OSError:
            return False


def pod(i, nodes, port):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name(i), "namespace": NS, "labels": {"app": "bench", "svc": name(i)}},
            "spec": {"nodeName": "kwok-node-%d" % (i % nodes + 1), "automountServiceAccountToken": False,
                     "terminationGracePeriodSeconds": 0,
                     "containers": [{"name": "web", "image": "example.org/bench:1",
                                     "ports": [{"name": "http", "containerPort": port}]}]}}


def procservice(i, port):
    return {"apiVersion": "hero.ourworld.tf/v1alpha1", "kind": "ProcService",
            "metadata": {"name": name(i), "namespace": NS},
            "spec": {"runtime": "Track", "selector": {"matchLabels": {"svc": name(i)}},
                     "probes": [{"name": "http", "httpGet": {"path": "/health", "port": port},
                                 "periodSeconds": PERIOD, "failureThreshold": THRESHOLD},
                                {"name": "tcp", "tcpSocket": {"port": port}, "periodSeconds": PERIOD,
                                 "failureThreshold": THRESHOLD}]}}


def process_service(i, port):
    return {"apiVersion": "hero.ourworld.tf/v1alpha1", "kind": "ProcService",
            "metadata": {"name": name(i), "namespace": NS},
            "spec": {"runtime": "Process", "processes": [{"name": "main", "command": [SLEEP, "infinity"]}],
                     "probes": [{"name": "tcp", "tcpSocket": {"host": "127.0.0.1", "port": port},
                                 "periodSeconds": PERIOD, "failureThreshold": THRESHOLD}],
                     "stopGracePeriodSeconds": 5}}


def kill_leftovers(state_dir):
    """Services' processes still running in a runtime dir under state_dir (the operator stops them when
    their ProcService is deleted; this is the safety net when it could not): SIGKILL, counted."""
    left = 0
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.readlink("/proc/%s/cwd" % d).startswith(state_dir + "/"):
                    os.kill(int(d), signal.SIGKILL)
                    left += 1
            except OSError:
                pass
    return left


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--work", required=True)
    ap.add_argument("--jar", required=True)
    ap.add_argument("--k8s-bin", required=True, help="kube-apiserver, etcd, kwok, kubectl, ... (scripts/k8s-bin.sh)")
    ap.add_argument("--podserver", required=True, help="scripts/bench/podserver, built")
    ap.add_argument("--nodes", type=int, default=4)
    ap.add_argument("--port", type=int, default=28080, help="the pods' port, served on every pod IP")
    ap.add_argument("--faults", type=int, default=None, help="services broken for the latency figure (default N/20, 10..500)")
    ap.add_argument("--idle", type=float, default=120)
    ap.add_argument("--settle", type=float, default=30)
    ap.add_argument("--jvm-opts", default="-Xmx1g -XX:+ExitOnOutOfMemoryError @" + JVM_OPTIONS,
                    help="the operator's JVM options; the default is what the image and deploy/ run (a heap of 1 GiB"
                         " for MaxRAMPercentage, and the image's operator/jvm.options)")
    ap.add_argument("--operator-args", default="", help="more arguments of `run`, e.g. --reconcile-threads 8")
    ap.add_argument("--cold-only", action="store_true", help="stop after the cold start and the heap figure")
    ap.add_argument("--pprof", type=float, default=0, metavar="SECONDS",
                    help="a CPU profile of kube-apiserver over the first SECONDS of the cold start, into"
                         " WORK/kube-apiserver-cold.pprof, its top functions into WORK/kube-apiserver-cold.top")
    ap.add_argument("--runtime", choices=("Track", "Process"), default="Track",
                    help="Process: N `sleep` processes run by the operator on this host, a tcpSocket probe each"
                         " (no pods; no fault or restart phase): the operator's own heap per Process service")
    a = ap.parse_args()
    n = a.n
    process = a.runtime == "Process"
    if process:
        a.operator_args += " --process-runtime --allow-exec " + SLEEP
    faults = a.faults if a.faults is not None else max(10, min(500, n // 20))
    faults = min(faults, n)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < n + 2000:
        raise SystemExit("needs %d open files (a listener per pod IP), the hard limit is %d" % (n + 2000, hard))
    print("machine: nproc %d, load average %s, %s" % (os.cpu_count(), " ".join("%.2f" % x for x in os.getloadavg()),
                                                       subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]))
    cluster_dir = os.path.join(a.work, "cluster")
    cenv = dict(os.environ, K8S_BIN=a.k8s_bin, CLUSTER_DIR=cluster_dir, CLUSTER_PORT_BASE=os.environ.get("CLUSTER_PORT_BASE", "16500"),
                CLUSTER_NODES=str(a.nodes), CLUSTER_PROFILING="true" if a.pprof else "false")
    cluster = os.path.join(ROOT, "scripts", "cluster.sh")
    fig = {}
    operator = None
    handlers = None
    stop = threading.Event()
    try:
        t = time.monotonic()
        subprocess.run([cluster, "up"], env=cenv, check=True, timeout=900)
        fig["cluster up s"] = time.monotonic() - t
        kubeconfig = os.path.join(cluster_dir, "kubeconfig")
        kubectl = os.path.join(a.k8s_bin, "kubectl")
        kenv = dict(cenv, KUBECONFIG=kubeconfig, KUBECTL=kubectl)
        subprocess.run([kubectl, "apply", "--server-side", "-f", CRD, "-f", POLICY, "-f", os.path.join(ROOT, "deploy", "namespace.yaml"),
                        "-f", os.path.join(ROOT, "deploy", "serviceaccount.yaml"), "-f", os.path.join(ROOT, "deploy", "rbac.yaml")],
                       env=kenv, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([kubectl, "wait", "--for=condition=Established", "crd/procservices.hero.ourworld.tf", "--timeout=60s"],
                       env=kenv, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([kubectl, "create", "namespace", NS], env=kenv, check=True, stdout=subprocess.DEVNULL)
        op_kubeconfig = os.path.join(a.work, "operator.kubeconfig")
        subprocess.run([os.path.join(ROOT, "scripts", "sa-kubeconfig.sh"), "procservice-system", "procservice-operator",
                        op_kubeconfig], env=kenv, check=True)
        with open(kubeconfig) as f:
            server = [l.split("server:")[1].strip() for l in f if "server:" in l][0]
        api = Api(cluster_dir, server)
        audit = AuditLog(os.path.join(cluster_dir, "logs", "audit.log"))
        wait_for("the default ServiceAccount of %s" % NS, lambda: api.call("GET", "/api/v1/namespaces/%s/serviceaccounts" % NS)["items"], 60, 0.5)

        # the base: the same operator watching an empty namespace (its heap after GC and threads)
        base = Operator(a.work, a.jar, op_kubeconfig, a.jvm_opts, a.operator_args, "default", "base-operator")
        base.start()
        wait_for("the empty operator's /readyz", base.ready, 300, 0.1)
        time.sleep(5)
        fig["base (no service): heap after GC MiB"] = heap_after_gc(base.proc.pid) / 1024
        fig["base (no service): RSS MiB"], fig["base (no service): threads"] = proc_status(base.proc.pid)
        base_hist = class_histogram(base.proc.pid)
        base.stop()

        listener = None
        if process:
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            listener.listen(4096)
            a.port = listener.getsockname()[1]

            def accept():
                while True:
                    c, _ = listener.accept()
                    c.close()
            threading.Thread(target=accept, daemon=True).start()
        t = time.monotonic()
        if not process:
            api.create_all("/api/v1/namespaces/%s/pods" % NS, [pod(i, a.nodes, a.port) for i in range(n)])
            fig["create %d pods s" % n] = time.monotonic() - t

        def pods_running():
            items = api.list("/api/v1/namespaces/%s/pods" % NS)["items"]
            return [p for p in items if p.get("status", {}).get("phase") == "Running" and p["status"].get("podIP")]
        ready = []

        def all_pods_running():
            ready[:] = pods_running()
            return len(ready) == n
        ip_of = {}
        if not process:
            wait_for("all %d pods Running with an IP (kwok)" % n, all_pods_running, 900, 3)
            fig["create pods -> all Running (kwok) s"] = time.monotonic() - t
            ip_of = {p["metadata"]["name"]: p["status"]["podIP"] for p in ready}
        handlers = Handlers(a.podserver, a.port)
        t = time.monotonic()
        handlers.serve(sorted(set(ip_of.values())))
        fig["listeners bound s"] = time.monotonic() - t

        t = time.monotonic()
        api.create_all(GROUP_PATH, [(process_service if process else procservice)(i, a.port) for i in range(n)])
        fig["create %d ProcServices s" % n] = time.monotonic() - t
        log("setup: %s" % ", ".join("%s %.1f" % kv for kv in fig.items()))

        # a watch of the ProcServices: the state the API server holds for each
        states = {}
        seen = {}   # name -> [(time.time(), state)]
        lock = threading.Lock()

        def on_event(kind, obj):
            nm = obj["metadata"]["name"]
            st = (obj.get("status") or {}).get("state", "")
            with lock:
                if kind == "DELETED":
                    states.pop(nm, None)
                elif states.get(nm) != st:
                    states[nm] = st
                    seen.setdefault(nm, []).append((time.time(), st))
        lst = api.list(GROUP_PATH)
        for o in lst["items"]:
            on_event("ADDED", o)
        threading.Thread(target=api.watch, args=(GROUP_PATH, lst["metadata"]["resourceVersion"], on_event, stop),
                         daemon=True).start()

        def count(state):
            with lock:
                return sum(1 for s in states.values() if s == state)

        # cold start
        jar = a.jar
        operator = Operator(a.work, jar, op_kubeconfig, a.jvm_opts, a.operator_args)
        audit.read()
        operator.start()
        cpu0 = cpu_by_process(cluster_dir, operator.proc.pid, handlers.proc.pid)
        threads0 = thread_cpu(operator.proc.pid)
        profiler = None
        if a.pprof:
            profiler = threading.Thread(target=apiserver_profile, args=(api, a.pprof, a.work), daemon=True)
            profiler.start()
        t0 = operator.t_start
        wait_for("the operator's /readyz", operator.ready, 300, 0.1)
        fig["cold: start -> ready (informers synced) s"] = time.time() - t0
        wait_for("the first Running", lambda: count("Running") > 0, 600, 0.1)
        fig["cold: start -> first Running s"] = time.time() - t0
        wait_for("all %d Running" % n, lambda: count("Running") == n, 1200, 0.1)
        t_all = time.time()
        fig["cold: start -> all Running s"] = t_all - t0
        fig["cold: CPU s by process"] = cpu_between(cpu0, cpu_by_process(cluster_dir, operator.proc.pid, handlers.proc.pid))
        fig["cold: operator CPU s by thread"] = cpu_between(threads0, thread_cpu(operator.proc.pid))
        fig["cold: reconciles"] = operator.reconciles()
        time.sleep(2)   # the audit log is written asynchronously
        ev = audit.between(t0, t_all)
        fig["cold: operator API requests"] = len(ev)
        fig["cold: operator API requests/s"] = len(ev) / (t_all - t0)
        fig["cold: requests by kind"] = by_kind(ev)
        fig["cold: status writes"] = len(status_writes(ev))
        log("cold start: ready %.1f s, all %d Running %.1f s, %d requests (%s), %d reconciles" % (
            fig["cold: start -> ready (informers synced) s"], n, fig["cold: start -> all Running s"], len(ev), fig["cold: requests by kind"],
            fig["cold: reconciles"]))
        log("cold start CPU, seconds: %s (%d cores: %.0f CPU-seconds available); the operator's by thread: %s" % (
            fig["cold: CPU s by process"], os.cpu_count(), os.cpu_count() * fig["cold: start -> all Running s"],
            fig["cold: operator CPU s by thread"]))

        if profiler:
            profiler.join()
        time.sleep(a.settle)
        pid = operator.proc.pid
        fig["heap after GC MiB"] = heap_after_gc(pid) / 1024
        fig["heap per service over the base KiB"] = (fig["heap after GC MiB"] - fig["base (no service): heap after GC MiB"]) * 1024 / n
        hist = class_histogram(pid)
        with open(os.path.join(a.work, "class-histogram-growth.txt"), "w") as f:
            for b, c in sorted(((hist[c] - base_hist.get(c, 0), c) for c in hist), reverse=True):
                f.write("%12d %10.1f %s\n" % (b, b / n, c))
        fig["heap growth by class, per service"] = histogram_growth(base_hist, hist, n, 10)
        fig["RSS MiB"], fig["threads"] = proc_status(pid)
        fig["thread groups"] = thread_groups(pid)
        log("heap after GC %.0f MiB (%.1f KiB per service over the base), RSS %d MiB, %d threads" % (
            fig["heap after GC MiB"], fig["heap per service over the base KiB"], fig["RSS MiB"], fig["threads"]))
        if a.cold_only:
            raise ColdOnly()

        # idle
        w0, c0, th0, r0 = time.time(), proc_cpu(pid), thread_cpu(pid), handlers.requests
        time.sleep(a.idle)
        w1 = time.time()
        cpu = proc_cpu(pid) - c0
        time.sleep(2)
        ev = audit.between(w0, w1)
        fig["idle: window s"] = w1 - w0
        fig["idle: status writes"] = len(status_writes(ev))
        fig["idle: status writes per hour"] = len(status_writes(ev)) * 3600 / (w1 - w0)
        fig["idle: operator API requests/s"] = len(ev) / (w1 - w0)
        fig["idle: requests by kind"] = by_kind(ev) or "none"
        probes = (1 if process else 2) * n * (w1 - w0) / PERIOD
        fig["idle: /health requests served per s"] = (handlers.requests - r0) / (w1 - w0)
        fig["idle: CPU s/min"] = cpu / (w1 - w0) * 60
        fig["idle: CPU per probe us"] = cpu / probes * 1e6
        spent = {k: v - th0.get(k, 0.0) for k, v in thread_cpu(pid).items()}
        total = sum(spent.values()) or 1.0
        fig["idle: CPU by thread"] = ", ".join("%s %.0f%%" % (k, 100 * v / total)
                                              for k, v in sorted(spent.items(), key=lambda kv: -kv[1])[:8])
        log("idle %.0f s: %d status writes, %.2f requests/s, CPU %.1f s/min, %.0f us per probe" % (
            w1 - w0, fig["idle: status writes"], fig["idle: operator API requests/s"], fig["idle: CPU s/min"],
            fig["idle: CPU per probe us"]))

        if process:
            raise ColdOnly()   # the faults and the restart phase need pods: Track only
        # faults: threshold crossing -> status write
        victims = random.Random(16).sample(sorted(ip_of), faults)
        vip = {ip_of[v]: v for v in victims}
        for phase, target in (("fault", "Degraded"), ("recovery", "Running")):
            tb = time.time()
            if phase == "fault":
                handlers.break_(set(vip))
            else:
                handlers.heal(set(vip))
            wait_for("%d services %s" % (faults, target), lambda: sum(1 for v in victims if states.get(v) == target) == faults,
                     600, 0.1)
            te = time.time()
            time.sleep(2)
            handlers.sent()
            writes = {}
            for e in status_writes(audit.between(tb, te + 2)):
                writes.setdefault(e[3], []).append(e[0])
            lat, watch_lat = [], []
            for ip, nm in vip.items():
                sent = handlers.fails.get(ip, []) if phase == "fault" else handlers.oks.get(ip, [])
                need = THRESHOLD if phase == "fault" else 1
                if len(sent) < need or nm not in writes:
                    continue
                crossing = sent[need - 1]
                after = [w for w in writes[nm] if w >= crossing]
                if after:
                    lat.append(after[0] - crossing)
                seen_at = [s[0] for s in seen.get(nm, []) if s[1] == target and s[0] >= crossing]
                if seen_at:
                    watch_lat.append(seen_at[0] - crossing)
            key = "%s: threshold -> status write s" % phase
            if lat:
                fig[key] = "p50 %.3f, p99 %.3f, max %.3f (%d services)" % (
                    statistics.median(lat), pct(lat, 99), max(lat), len(lat))
            else:
                fig[key] = "no pairs found"
            if watch_lat:
                fig["%s: threshold -> seen in a watch s" % phase] = "p50 %.3f, p99 %.3f, max %.3f" % (
                    statistics.median(watch_lat), pct(watch_lat, 99), max(watch_lat))
            fig["%s: all %d %s after s" % (phase, faults, target)] = te - tb
            log("%s: %s" % (phase, fig[key]))

        # warm restart: the operator SIGKILLed; every service keeps its status
        time.sleep(2)
        operator.kill9()
        operator.start()
        t0 = operator.t_start
        wait_for("the restarted operator's /readyz", operator.ready, 300, 0.1)
        fig["restart: start -> ready s"] = time.time() - t0
        wait_for("every pod probed by the restarted operator",
                 lambda: handlers.probed_since(t0) == n, 600, 0.2)
        t_all = time.time()
        fig["restart: start -> every pod probed s"] = t_all - t0
        time.sleep(2 * PERIOD)
        ev = audit.between(t0, time.time())
        fig["restart: status writes (start + %d s after all probed)" % (2 * PERIOD)] = len(status_writes(ev))
        fig["restart: operator API requests"] = len(ev)
        fig["restart: requests by kind"] = by_kind(ev)
        fig["restart: services not Running"] = n - count("Running")
        log("restart: ready %.1f s, every pod probed %.1f s, %d status writes" % (
            fig["restart: start -> ready s"], fig["restart: start -> every pod probed s"],
            fig["restart: status writes (start + %d s after all probed)" % (2 * PERIOD)]))
    except ColdOnly:
        pass
    finally:
        stop.set()
        log("stopping")
        if operator:
            if process:   # the operator stops the processes of deleted services
                subprocess.run([os.path.join(a.k8s_bin, "kubectl"), "--kubeconfig", os.path.join(cluster_dir, "kubeconfig"),
                                "delete", "procservices", "--all", "-n", NS, "--timeout=300s"], stdout=subprocess.DEVNULL)
            operator.stop()
        if handlers:
            handlers.stop()
        if not os.environ.get("BENCH_KEEP_CLUSTER"):
            subprocess.run([cluster, "down"], env=cenv)
        if process:
            left = kill_leftovers(os.path.join(a.work, "operator-state"))
            if left:
                log("%d processes were still running after the delete: killed" % left)
    print()
    if process:
        print("Scale on a real API server: %d Process services (`sleep infinity`, a tcpSocket probe every %d s),"
              " load average now %.2f" % (n, PERIOD, os.getloadavg()[0]))
    else:
        print("Scale on a real API server: %d Track services over %d kwok pods (an httpGet and a tcpSocket probe every %d s),"
              " %d faults, load average now %.2f" % (n, n, PERIOD, faults, os.getloadavg()[0]))
    for k, v in fig.items():
        print("  %-52s %s" % (k, ("%.2f" % v) if isinstance(v, float) else v))


def on_signal(signum, _frame):
    raise SystemExit("stopped by signal %d" % signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    main()
