#!/usr/bin/env bash
# Scale benchmark: `procservice local` with N Process services (one `sleep` each, a tcpSocket probe
# every 10 s): apply -> all Running, heap after GC per service, threads, RSS, idle CPU and status writes
# per minute, operator SIGKILL -> restart -> all adopted (time, status writes, restarts), delete --all.
#   scripts/bench-scale.sh N [--idle 60] [--settle 30] [--jvm-opts "..."]
# kubectl comes from scripts/fetch-tools.sh (build/tools/bin). Runs on this host only (ports picked
# free), stops by itself, stops everything it started. A benchmark, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 1 && $1 =~ ^[0-9]+$ ]] || { echo "usage: $0 N [--idle SECONDS] [--settle SECONDS] [--jvm-opts OPTS]" >&2; exit 2; }
[[ -x /usr/bin/python3 ]] || { echo "needs /usr/bin/python3" >&2; exit 1; }
command -v jcmd >/dev/null || { echo "needs jcmd (the JDK)" >&2; exit 1; }
scripts/fetch-tools.sh >/dev/null
work=${BENCH_WORK:-build/bench-scale}   # BENCH_WORK: another folder under build/
rm -rf "$work"
mkdir -p "$work"
./procservice --version >/dev/null   # builds the jar when missing or stale, before anything is timed
# A copy: a rebuild while the benchmark runs must not pull classes from under its JVMs.
cp operator/target/procservice-operator.jar "$work/procservice-operator.jar"
export PROCSERVICE_JAR="$(readlink -f "$work")/procservice-operator.jar"
exec /usr/bin/python3 scripts/bench/scale.py --work "$(readlink -f "$work")" --kubectl "$PWD/build/tools/bin/kubectl" "$@"
