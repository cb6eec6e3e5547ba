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
  mvn -B -q package -DskipTests || exit 1
fi
scenarios=()
for f in e2e/[0-9][0-9]-*.sh; do
  if [[ $# -eq 0 ]]; then
    scenarios+=("$f")
  else
    for want in "$@"; do [[ "$(basename "$f")" == "$want"* ]] && scenarios+=("$f"); done
  fi
done
passed=0
failed=0
failures=()
for s in "${scenarios[@]}"; do
  echo "=== e2e $(basename "$s" .sh)" >&2
  if timeout --kill-after=10 "${E2E_SCENARIO_TIMEOUT:-300}" bash "$s"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$(basename "$s" .sh)")
  fi
done
[[ $failed -eq 0 ]] || echo "e2e failures: ${failures[*]}" >&2
echo "e2e: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
