#!/usr/bin/env bash
# RBAC, both ways, on the real test cluster: from the API server's audit log (scripts/cluster.sh logs
# every request of the procservice-system ServiceAccounts), every request the operator's
# ServiceAccount made must have been allowed (no 403), and every verb deploy/rbac.yaml grants must
# have been used by some test, apart from the grants listed below with why no request shows them.
#   scripts/rbac-audit.sh        (needs CLUSTER_DIR or build/cluster, KUBECONFIG and KUBECTL)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
DIR="${CLUSTER_DIR:-$root/build/cluster}"
KUBECTL=${KUBECTL:-kubectl}
log=$DIR/logs/audit.log
[[ -s $log ]] || { echo "rbac-audit: no audit log at $log (scripts/cluster.sh up writes it)" >&2; exit 1; }
grants=$(mktemp)
trap 'rm -f "$grants"' EXIT
# the rules as applied from deploy/rbac.yaml (the tests apply them exactly as shipped)
"$KUBECTL" apply --dry-run=client -o json -f "$root/deploy/rbac.yaml" >"$grants"
python3 - "$log" "$grants" <<'EOF'
import json, sys
SA = "system:serviceaccount:procservice-system:procservice-operator"
# Grants no request shows, and why they are needed.
NOT_REQUESTS = {
    "update leases.coordination.k8s.io": "JOSDK checks it with a SelfSubjectAccessReview before electing and refuses to start without it",
    "update procservices/finalizers.hero.ourworld.tf": "checked by admission when a Pod names its ProcService as owner with blockOwnerDeletion",
    "get procservices.hero.ourworld.tf": "JOSDK reads a ProcService again when its finalizer patch gets a 409 Conflict (ReconciliationDispatcher.conflictRetryingPatch); no test provokes one, and status patches no longer read first",
}
doc = json.load(open(sys.argv[2]))
items = doc.get("items", [doc])
granted = set()
for role in items:
    if role["kind"] not in ("ClusterRole", "Role"):
        continue
    for r in role.get("rules", []):
        for g in r.get("apiGroups", []):
            for res in r.get("resources", []):
                for v in r.get("verbs", []):
                    granted.add(f"{v} {res}" + (f".{g}" if g else ""))
used, denied = set(), {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("user", {}).get("username") != SA or "objectRef" not in e:
        continue
    o = e["objectRef"]
    if o.get("apiGroup") in ("authorization.k8s.io", "authentication.k8s.io"):
        continue  # self-reviews: allowed to every authenticated user
    res = o["resource"] + ("/" + o["subresource"] if o.get("subresource") else "")
    key = f'{e["verb"]} {res}' + (f'.{o["apiGroup"]}' if o.get("apiGroup") else "")
    if e.get("responseStatus", {}).get("code") == 403:
        denied[key] = e.get("requestURI")
    else:
        used.add(key)
ok = True
for k, uri in sorted(denied.items()):
    print(f"rbac-audit: DENIED {k} ({uri}): deploy/rbac.yaml lacks it"); ok = False
for k in sorted(granted - used - set(NOT_REQUESTS)):
    print(f"rbac-audit: UNUSED grant {k}: no test made such a request; trim it or test it"); ok = False
for k in sorted(used - granted):
    print(f"rbac-audit: used but not granted {k}"); ok = False
print(f"rbac-audit: {len(used)} verbs used by {SA}, {len(granted)} granted, {len(denied)} denied")
sys.exit(0 if ok else 1)
EOF
