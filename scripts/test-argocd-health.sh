#!/usr/bin/env bash
# Tests the Argo CD health check (deploy/argocd/health.lua) against sample ProcService statuses
# with a real Lua interpreter. Installs Debian's lua5.4 when it is missing and we are root;
# otherwise fails, never skips: a health check that was not run is not known to work.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"

lua="$(command -v lua5.4 || command -v lua || true)"
if [[ -z "$lua" ]]; then
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
    echo "installing lua5.4 ..."
    apt-get install -y -qq lua5.4 >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq lua5.4 >/dev/null; }
    lua="$(command -v lua5.4)"
  else
    echo "test-argocd-health: no Lua interpreter; install lua5.4 (apt-get install lua5.4) and rerun" >&2
    exit 1
  fi
fi
exec "$lua" "$root/deploy/argocd/health_test.lua"
