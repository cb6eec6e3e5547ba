#!/usr/bin/env bash
# End-to-end check of runtime Pod on a real cluster: applies a ProcService, asserts its pod
# (labels, owner, Pod Security "restricted" fields) and Ready, recreation after an external delete,
# and suspend. Needs $KUBECONFIG, the CRD installed and the operator running against that cluster.
set -euo pipefail
cd "$(dirname "$0")"

if [[ -z "${KUBECONFIG:-}" ]]; then
  echo "SKIP e2e/pod: no cluster (set KUBECONFIG to run it; see e2e/pod/README.md)"
  exit 0
fi
KUBECTL=${KUBECTL:-kubectl}
NS=${E2E_NAMESPACE:-procservice-e2e-pod}
TIMEOUT=${E2E_TIMEOUT:-180s}
k() { "$KUBECTL" -n "$NS" "$@"; }
fail() { echo "FAIL e2e/pod: $*" >&2; k get psvc,pods -o wide >&2 || true; exit 1; }
expect() {   # expect <what> <actual> <wanted>
  [[ "$2" == "$3" ]] || fail "$1 is '$2', expected '$3'"
  echo "ok   $1 = $3"
}

"$KUBECTL" get crd procservices.hero.ourworld.tf >/dev/null \
  || fail "CRD procservices.hero.ourworld.tf missing: kubectl apply -f crds/"

# A namespace that enforces Pod Security "restricted": the pod is refused if it is not compliant.
"$KUBECTL" create namespace "$NS" --dry-run=client -o yaml | "$KUBECTL" apply -f - >/dev/null
"$KUBECTL" label namespace "$NS" --overwrite pod-security.kubernetes.io/enforce=restricted >/dev/null
if [[ "${E2E_KEEP:-}" != 1 ]]; then
  trap '"$KUBECTL" delete namespace "$NS" --wait=false >/dev/null 2>&1 || true' EXIT
fi

if [[ -n "${E2E_IMAGE:-}" ]]; then
  sed "s#image: .*#image: ${E2E_IMAGE}#" procservice.yaml | k apply -f -
else
  k apply -f procservice.yaml
fi

echo "--- ProcService Ready"
k wait --for=condition=Ready psvc/web --timeout="$TIMEOUT" || fail "ProcService web not Ready"
k wait --for=condition=Ready pod/web --timeout="$TIMEOUT" || fail "pod web not Ready"
expect "state" "$(k get psvc web -o jsonpath='{.status.state}')" "Running"
expect "probesReady" "$(k get psvc web -o jsonpath='{.status.probesReady}')" "1/1"

echo "--- the pod"
j() { k get pod web -o jsonpath="$1"; }
expect "pods of the service" "$(k get pods -l hero.ourworld.tf/procservice=web -o name | wc -l | tr -d ' ')" "1"
expect "label managed-by" "$(j '{.metadata.labels.app\.kubernetes\.io/managed-by}')" "procservice-operator"
expect "owner kind" "$(j '{.metadata.ownerReferences[0].kind}')" "ProcService"
expect "owner controller" "$(j '{.metadata.ownerReferences[0].controller}')" "true"
expect "automountServiceAccountToken" "$(j '{.spec.automountServiceAccountToken}')" "false"
expect "runAsNonRoot" "$(j '{.spec.securityContext.runAsNonRoot}')" "true"
expect "seccompProfile" "$(j '{.spec.securityContext.seccompProfile.type}')" "RuntimeDefault"
expect "allowPrivilegeEscalation" "$(j '{.spec.containers[0].securityContext.allowPrivilegeEscalation}')" "false"
expect "capabilities.drop" "$(j '{.spec.containers[0].securityContext.capabilities.drop[0]}')" "ALL"
expect "runtime dir mount" "$(j '{.spec.containers[0].volumeMounts[0].mountPath}')" "/run/procservice"
expect "grace period" "$(j '{.spec.terminationGracePeriodSeconds}')" "5"

echo "--- an externally deleted pod comes back"
old_uid=$(j '{.metadata.uid}')
k delete pod web --wait=true >/dev/null
for _ in $(seq 1 90); do
  uid=$(k get pod web -o jsonpath='{.metadata.uid}' 2>/dev/null || true)
  [[ -n "$uid" && "$uid" != "$old_uid" ]] && break
  sleep 2
done
[[ -n "${uid:-}" && "$uid" != "$old_uid" ]] || fail "pod web was not recreated"
k wait --for=condition=Ready pod/web --timeout="$TIMEOUT" || fail "recreated pod web not Ready"
k wait --for=condition=Ready psvc/web --timeout="$TIMEOUT" || fail "ProcService web not Ready after recreation"
echo "ok   recreated (uid $uid)"

echo "--- suspend deletes the pod"
k patch psvc web --type=merge -p '{"spec":{"suspend":true}}' >/dev/null
k wait --for=delete pod/web --timeout="$TIMEOUT" || fail "pod web not deleted on suspend"
k wait --for=jsonpath='{.status.state}'=Stopped psvc/web --timeout="$TIMEOUT" || fail "state not Stopped"
expect "reason" "$(k get psvc web -o jsonpath='{.status.reason}')" "Suspended"

echo "PASS e2e/pod"
