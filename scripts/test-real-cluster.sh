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

export KUBECTL=$K8S_BIN/kubectl
failures=()
step() { # name command...: runs every step, fails the stage at the end naming the failed ones
  local name=$1 t=$SECONDS; shift
  say "--- $name"
  if "$@"; then say "ok   $name ($((SECONDS - t)) s)"; else say "FAIL $name ($((SECONDS - t)) s)"; failures+=("$name"); fi
}

step "ITs against the real API server (mvn surefire:test@real-cluster)" \
  mvn -B -pl operator test-compile surefire:test@real-cluster

# The operator's identity from deploy/: its namespace, ServiceAccount and RBAC, applied server-side;
# the e2e scenarios run the operator with a token of that ServiceAccount, kubectl as the admin.
"$KUBECTL" apply --server-side -f deploy/namespace.yaml -f deploy/serviceaccount.yaml -f deploy/rbac.yaml >/dev/null
scripts/sa-kubeconfig.sh procservice-system procservice-operator "$CLUSTER_DIR/operator.kubeconfig"
[[ -f operator/target/procservice-operator.jar ]] || mvn -B -q package -DskipTests
step "e2e scenarios, operator in run mode as the deploy/ ServiceAccount" \
  env E2E_KUBECONFIG="$KUBECONFIG" E2E_OPERATOR_KUBECONFIG="$CLUSTER_DIR/operator.kubeconfig" e2e/run.sh

step "RBAC both ways from the audit log: nothing denied, every grant of deploy/rbac.yaml used" scripts/rbac-audit.sh
scripts/fetch-tools.sh >/dev/null   # helm
step "install paths: kubectl apply -k deploy/, helm install, and their removal" e2e/install/run.sh

say "stage took $((SECONDS - stage_start)) s"
if ((${#failures[@]} > 0)); then
  say "FAILED: ${failures[*]}"
  exit 1
fi
say "stage passed"
