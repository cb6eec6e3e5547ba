#!/usr/bin/env bash
# Long chaos run: the operator (`run --process-runtime`, its own JVM) against the embedded API that
# outlives it, killed with SIGKILL at targeted moments (after the fork, after the intent is recorded,
# right after a create, mid delete, mid spec change) and at random ones, N cycles. Prints the figures
# (duplicates, orphans, lost services, recovery time); docs/reliability.md records them.
#   scripts/chaos.sh [CYCLES] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-60}"
seed="${2:-$RANDOM}"
echo "chaos: $cycles cycles, seed $seed (operator log: operator/target/chaos-operator.log)"
status=0
mvn -B -q -pl operator test -Dtest=ChaosIT -Dsurefire.failIfNoSpecifiedTests=false \
  -Dchaos.cycles="$cycles" -Dchaos.seed="$seed" || status=$?
cat operator/target/chaos-figures.txt 2>/dev/null || echo "chaos: no figures written (see operator/target/surefire-reports)"
exit "$status"
