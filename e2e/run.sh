#!/usr/bin/env bash
# Runs every e2e scenario against `procservice-operator local` with real kubectl 1.31.
#   e2e/run.sh               all scenarios
#   e2e/run.sh 02 03         only those whose file name starts with 02 or 03
# Fetches kubectl into build/tools/bin when missing and builds the jar when missing.
set -uo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
cd "$root"
"$root/scripts/fetch-tools.sh" >&2 || { echo "e2e: cannot fetch kubectl (see scripts/fetch-tools.sh)" >&2; exit 1; }
if [[ ! -f operator/target/procservice-operator.jar ]]; then
  echo "e2e: building the jar ..." >&2
  mvn -B -q -Dstyle.color=never package -DskipTests || exit 1
fi
scenarios=()
for f in e2e/[0-9][0-9]-*.sh; do
  if [[ $# -eq 0 ]]; then
    scenarios+=("$f")
  else
    for want in "$@"; do [[ "$(basename "$f")" == "$want"* ]] && scenarios+=("$f"); done
  fi
done
# Processes whose working directory is under DIR (local runs in its scratch dir, the demo
# processes in runtime dirs below it): TERM, then KILL what is still there after 15 s.
reap() {
  local dir="$1" d cwd pids=() i
  [[ -n "$dir" && -d "$dir" ]] || return 0
  for d in /proc/[0-9]*; do
    cwd="$(readlink "$d/cwd" 2>/dev/null)" || continue
    [[ "$cwd" == "$dir" || "$cwd" == "$dir"/* ]] && pids+=("${d#/proc/}")
  done
  [[ ${#pids[@]} -gt 0 ]] || return 0
  echo "e2e: stopping ${#pids[@]} process(es) left under $dir" >&2
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for i in $(seq 1 30); do
    kill -0 "${pids[@]}" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

passed=0
failed=0
failures=()
export E2E_WORK_FILE
E2E_WORK_FILE="$(mktemp)"
trap 'rm -f "$E2E_WORK_FILE"' EXIT
for s in "${scenarios[@]}"; do
  echo "=== e2e $(basename "$s" .sh)" >&2
  : >"$E2E_WORK_FILE"
  if timeout --kill-after=10 "${E2E_SCENARIO_TIMEOUT:-300}" bash "$s"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$(basename "$s" .sh)")
  fi
  reap "$(cat "$E2E_WORK_FILE")"
done
[[ $failed -eq 0 ]] || echo "e2e failures: ${failures[*]}" >&2
echo "e2e: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
