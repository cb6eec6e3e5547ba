#!/usr/bin/env bash
# The test command: unit tests and ITs (mvn verify), then, when present, the chart checks and the
# end-to-end suite against `procservice local` with real kubectl. Tools are fetched into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B verify
if [[ -x scripts/helm-check.sh ]]; then
  scripts/helm-check.sh
fi
if [[ -x e2e/run.sh ]]; then
  e2e/run.sh
fi
