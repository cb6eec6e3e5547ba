#!/usr/bin/env bash
# Repair benchmark: `procservice local` and Debian's monit side by side on the same fake service
# (scripts/bench/fake-service.py: a unix-socket HTTP handler switched to empty replies, HTTP 500, or
# killed). Prints both tools' detection and repair medians and max, idle CPU per probe, RSS, threads.
#   scripts/bench-repair.sh [--runs 5] [--services 50] [--warmup 60] [--window 60] [--faults empty,500,kill]
#                           [--jvm-opts "-Xmx64m ..."]
# Installs monit with apt-get when missing; runs it with its own control file under build/bench-repair/
# (never the system's config or pidfile). Everything runs on this host, stops by itself, and every
# process it started is stopped at the end. A benchmark, not a test: nothing fails on a slow machine.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v monit >/dev/null; then
  echo "monit missing: installing Debian's package (apt-get update; apt-get install monit)" >&2
  sudo=(); [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  # policy-rc.d (when the image has one) keeps the package from starting the system's monit
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends monit
fi
[[ -x /usr/bin/python3 ]] || { echo "needs /usr/bin/python3 (the fake service)" >&2; exit 1; }
work=${BENCH_WORK:-build/bench-repair}   # BENCH_WORK: another folder under build/ to run two at once
rm -rf "$work"
mkdir -p "$work"
# Builds the jar when missing or stale, before anything is timed.
./procservice --version >/dev/null
# A copy: a rebuild while the benchmark runs must not pull classes from under its JVMs.
cp operator/target/procservice-operator.jar "$work/procservice-operator.jar"
export PROCSERVICE_JAR="$(readlink -f "$work")/procservice-operator.jar"
exec /usr/bin/python3 scripts/bench/repair.py --work "$(readlink -f "$work")" "$@"
