#!/usr/bin/env bash
# The test command: chromium for the status page's browser test when missing, unit tests and ITs
# (mvn verify), then, when present, the chart checks and the
# end-to-end suite against `procservice local` with real kubectl, then the real-cluster stage
# (scripts/test-real-cluster.sh: a kube-apiserver, controller-manager, scheduler, etcd and kwok built
# from Go modules; docs/testing.md). Tools are fetched into build/.
#   PROCSERVICE_SKIP_REAL_CLUSTER=1   skip the real-cluster stage (refused when CI=true)
set -euo pipefail
cd "$(dirname "$0")/.."
# grpc probes are also tested against grpcio, a gRPC server the project did not write
# (GrpcPythonInteropTest, skipped without it): Debian's python3-grpcio, installed when root
if ! /usr/bin/python3 -c 'import grpc' >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
  echo "test: installing python3-grpcio ..." >&2
  { apt-get install -y -qq python3-grpcio >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq python3-grpcio >/dev/null 2>&1; }; } \
    || echo "test: could not install python3-grpcio: GrpcPythonInteropTest will be skipped" >&2
fi
# The status page's browser test (cli/StatusPageBrowserIT) loads the page in headless Chromium,
# Debian's package: installed here when missing (it skips without it, and fails when CI=true).
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  sudo=""
  if [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null 2>&1; then
    sudo="sudo -n"
  fi
  if command -v apt-get >/dev/null 2>&1 && { [[ "$(id -u)" == 0 ]] || [[ -n "$sudo" ]]; }; then
    echo "test: installing chromium (apt-get) for the status page's browser test" >&2
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium
  else
    echo "test: chromium is missing and apt-get cannot install it here: StatusPageBrowserIT skips (fails when CI=true)" >&2
  fi
fi
# the real-cluster ITs run in their own stage below, against a cluster started for them
mvn -B verify -Dprocservice.realCluster.skip=true
if [[ -x scripts/helm-check.sh ]]; then
  scripts/helm-check.sh
fi
if [[ -x e2e/run.sh ]]; then
  e2e/run.sh
fi
if [[ -n "${PROCSERVICE_SKIP_REAL_CLUSTER:-}" ]]; then
  if [[ "${CI:-}" == true ]]; then
    echo "test: PROCSERVICE_SKIP_REAL_CLUSTER is set but CI=true: the real-cluster stage is required in CI" >&2
    exit 1
  fi
  echo "test: *** SKIPPING the real-cluster stage (PROCSERVICE_SKIP_REAL_CLUSTER is set) ***" >&2
else
  scripts/test-real-cluster.sh
fi
