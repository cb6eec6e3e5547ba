#!/usr/bin/env bash
# Scale benchmark (docs/benchmarks.md, issue 16). Two forms:
#
#   scripts/bench-scale.sh N [--idle 60] [--settle 90] [--jvm-opts "..."]
#     `procservice local` with N Process services (one `sleep` each, a tcpSocket probe every 10 s):
#     apply -> all Running, heap after GC per service, threads, RSS, idle CPU and status writes per
#     minute, operator SIGKILL -> restart -> all adopted (time, status writes, restarts), delete --all.
#     kubectl comes from scripts/fetch-tools.sh (build/tools/bin).
#
#   scripts/bench-scale.sh N --real [--idle 120] [--settle 30] [--faults F] [--nodes 4] [--jvm-opts "..."]
#     the operator in `run` mode on a real API server of its own (scripts/cluster.sh, binaries from
#     scripts/k8s-bin.sh, ports from CLUSTER_PORT_BASE=16500) with N Track services over N kwok pods,
#     two probes each every 10 s: cold start -> all Running, heap, idle status writes and API requests
#     per second (audit log), threshold -> status write latency for F broken services, warm restart.
#     The pods' handlers are scripts/bench/podserver (Go, built here). --pprof SECONDS: a CPU profile
#     of kube-apiserver over the cold start's first SECONDS (go tool pprof -top beside it).
#     BENCH_KEEP_CLUSTER=1 leaves the cluster up afterwards (scripts/cluster.sh down with its CLUSTER_DIR).
#
# Runs on this host only (loopback addresses, ports picked free), stops by itself, stops everything it
# started. A benchmark, not a test. BENCH_WORK: its folder under build/ (default build/bench-scale or
# build/bench-real-scale).
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: $0 N [--real] [--idle SECONDS] [--settle SECONDS] [--jvm-opts OPTS] [--faults F] [--nodes K]"
[[ $# -ge 1 && $1 =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
[[ -x /usr/bin/python3 ]] || { echo "needs /usr/bin/python3" >&2; exit 1; }
command -v jcmd >/dev/null || { echo "needs jcmd (the JDK)" >&2; exit 1; }
real=""
args=()
for a in "$@"; do
  if [[ $a == --real ]]; then real=1; else args+=("$a"); fi
done
work=${BENCH_WORK:-build/bench-scale${real:+-real}}
rm -rf "$work"
mkdir -p "$work"
./procservice --version >/dev/null   # builds the jar when missing or stale, before anything is timed
# A copy: a rebuild while the benchmark runs must not pull classes from under its JVMs.
cp operator/target/procservice-operator.jar "$work/procservice-operator.jar"
export PROCSERVICE_JAR="$(readlink -f "$work")/procservice-operator.jar"
if [[ -n $real ]]; then
  k8s_bin=$(scripts/k8s-bin.sh)
  work_abs=$(readlink -f "$work")
  # the pods' handlers (Go, standard library only): built here, a second or two
  (cd scripts/bench/podserver && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS= go build -trimpath -o "$work_abs/podserver" .)
  exec /usr/bin/python3 scripts/bench/real_scale.py --work "$work_abs" --jar "$PROCSERVICE_JAR" \
    --k8s-bin "$k8s_bin" --podserver "$work_abs/podserver" "${args[@]}"
fi
scripts/fetch-tools.sh >/dev/null
exec /usr/bin/python3 scripts/bench/scale.py --work "$(readlink -f "$work")" --kubectl "$PWD/build/tools/bin/kubectl" "${args[@]}"
