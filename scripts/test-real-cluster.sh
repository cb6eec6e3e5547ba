#!/usr/bin/env bash
# The real-cluster stage of the tests (docs/testing.md): builds or reuses the control plane's
# binaries (scripts/k8s-bin.sh), starts a cluster (scripts/cluster.sh, state in build/cluster),
# runs the real-cluster ITs (Maven execution real-cluster) and the e2e scenarios against it, and
# always stops the cluster again. Needs the project compiled (scripts/test.sh runs mvn verify first).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
export CLUSTER_DIR="${CLUSTER_DIR:-$root/build/cluster}"
stage_start=$SECONDS
say() { echo "real-cluster: $*" >&2; }

K8S_BIN=$(scripts/k8s-bin.sh)
export K8S_BIN
scripts/cluster.sh up
trap 'scripts/cluster.sh down' EXIT
eval "$(scripts/cluster.sh env)"
export PROCSERVICE_TEST_KUBECONFIG=$KUBECONFIG

say "ITs against the real API server (mvn surefire:test@real-cluster)"
mvn -B -pl operator test-compile surefire:test@real-cluster

say "stage passed in $((SECONDS - stage_start)) s"
