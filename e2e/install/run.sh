#!/usr/bin/env bash
# Install paths on a real cluster: `kubectl apply -k deploy/` and `helm install` of the chart are
# accepted server-side (every object; the Deployment's pod passes Pod Security "restricted" where
# deploy/ enforces it), the operator pod is scheduled and marked Running (kwok), and
# `kubectl delete -k` / `helm uninstall` leave nothing behind.
# Needs KUBECONFIG (an admin), KUBECTL and HELM (default: the project's build/tools/bin).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
[[ -n "${KUBECONFIG:-}" ]] || { echo "e2e/install: KUBECONFIG is not set (a real cluster: scripts/cluster.sh up)" >&2; exit 1; }
KUBECTL=${KUBECTL:-$root/build/tools/bin/kubectl}
HELM=${HELM:-$root/build/tools/bin/helm}
NS=procservice-system
RELEASE=pso
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
fail() { log "FAIL e2e/install: $*"; "$KUBECTL" get all -n "$NS" >&2 2>/dev/null || true; exit 1; }

# until SECONDS CMD...: polls every 0.5 s until CMD succeeds.
until_ok() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}
gone() { ! "$KUBECTL" get "$@" >/dev/null 2>&1; }

# Cluster-scoped objects and the namespace the manifests make: none may be left.
leftovers() {
  local out=""
  "$KUBECTL" get namespace "$NS" >/dev/null 2>&1 && out+=" namespace/$NS"
  out+=$("$KUBECTL" get clusterrole,clusterrolebinding,validatingadmissionpolicy,validatingadmissionpolicybinding \
    -l app.kubernetes.io/name=procservice-operator -o name 2>/dev/null | sed 's/^/ /' | tr -d '\n')
  if [[ "${1:-}" != keep-crd ]] && "$KUBECTL" get crd procservices.hero.ourworld.tf >/dev/null 2>&1; then
    out+=" crd/procservices.hero.ourworld.tf"
    # A CRD is deleted only after its last object: name those that hold it (and their finalizers).
    out+=$("$KUBECTL" get procservices -A --ignore-not-found \
      -o jsonpath='{range .items[*]}{" "}{.metadata.namespace}/{.metadata.name}{" finalizers="}{.metadata.finalizers}{end}' 2>/dev/null)
  fi
  echo "$out"
}

wait_operator_pod() { # selector
  until_ok 90 "$KUBECTL" -n "$NS" wait --for=condition=Available deploy -l "$1" --timeout=5s \
    || fail "the operator Deployment ($1) is not Available: $("$KUBECTL" -n "$NS" get pods,events 2>&1 | tail -n 15)"
  local phase ip
  phase=$("$KUBECTL" -n "$NS" get pods -l "$1" -o jsonpath='{.items[0].status.phase}')
  ip=$("$KUBECTL" -n "$NS" get pods -l "$1" -o jsonpath='{.items[0].status.podIP}')
  [[ $phase == Running && $ip == 127.1.* ]] || fail "operator pod phase '$phase' IP '$ip', want Running on 127.1.x.y"
  log "ok   operator pod Running on $ip (node $("$KUBECTL" -n "$NS" get pods -l "$1" -o jsonpath='{.items[0].spec.nodeName}'))"
}

# Start from nothing of ours (the real-cluster stage applied deploy/'s RBAC for the e2e runs).
"$KUBECTL" delete -k "$root/deploy" --ignore-not-found --wait=true --timeout=120s >/dev/null 2>&1 || true
until_ok 120 test -z "$(leftovers)" || fail "cannot start clean, left: $(leftovers)"

log "--- kubectl apply -k deploy/ (server-side)"
out=$("$KUBECTL" apply --server-side -k "$root/deploy" 2>&1) || fail "apply -k deploy/ refused: $out"
grep -q 'serverside-applied' <<<"$out" || fail "nothing applied: $out"
log "ok   $(wc -l <<<"$out") objects accepted"
wait_operator_pod app.kubernetes.io/name=procservice-operator
log "--- kubectl delete -k deploy/"
"$KUBECTL" delete -k "$root/deploy" --wait=true --timeout=120s >/dev/null || fail "delete -k deploy/ failed"
until_ok 120 test -z "$(leftovers)" || fail "left after delete -k deploy/: $(leftovers)"
log "ok   nothing left"

log "--- helm install $RELEASE helm/procservice-operator"
out=$("$HELM" install "$RELEASE" "$root/helm/procservice-operator" -n "$NS" --create-namespace --wait --timeout 120s 2>&1) \
  || fail "helm install failed: $out"
log "ok   $(grep -E '^STATUS' <<<"$out")"
wait_operator_pod app.kubernetes.io/instance=$RELEASE
log "--- helm uninstall $RELEASE"
"$HELM" uninstall "$RELEASE" -n "$NS" --wait --timeout 120s >/dev/null || fail "helm uninstall failed"
left=$("$KUBECTL" get all,serviceaccount,role,rolebinding,configmap -n "$NS" -l app.kubernetes.io/instance=$RELEASE -o name 2>/dev/null)
[[ -z $left ]] || fail "left in $NS after helm uninstall: $left"
"$KUBECTL" delete namespace "$NS" --wait=true --timeout=120s >/dev/null
# Helm never deletes what a chart's crds/ installed (its documented CRD policy): the CRD is the one thing left.
until_ok 60 test -z "$(leftovers keep-crd)" || fail "left after helm uninstall: $(leftovers keep-crd)"
log "ok   nothing left but the CRD (helm's policy for crds/)"
echo "PASS e2e/install"
