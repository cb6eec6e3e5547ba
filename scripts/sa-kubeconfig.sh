#!/usr/bin/env bash
# Writes a kubeconfig that authenticates as a ServiceAccount with a bound token (TokenRequest API),
# e.g. the operator's from deploy/, so tests run it with exactly the rights RBAC gives it.
#   scripts/sa-kubeconfig.sh NAMESPACE SERVICEACCOUNT OUT   (uses $KUBECONFIG and $KUBECTL or kubectl)
set -euo pipefail
ns=$1 sa=$2 out=$3
KUBECTL=${KUBECTL:-kubectl}
server=$("$KUBECTL" config view --minify --raw -o jsonpath='{.clusters[0].cluster.server}')
ca=$("$KUBECTL" config view --minify --raw -o jsonpath='{.clusters[0].cluster.certificate-authority}')
[[ -n $server && -n $ca ]] || { echo "sa-kubeconfig: no server or certificate-authority file in $KUBECONFIG" >&2; exit 1; }
token=$("$KUBECTL" create token "$sa" -n "$ns" --duration=2h) \
  || { echo "sa-kubeconfig: cannot create a token for $ns/$sa" >&2; exit 1; }
umask 077
cat >"$out" <<EOC
apiVersion: v1
kind: Config
clusters:
- name: cluster
  cluster: {server: "$server", certificate-authority: "$ca"}
users:
- name: $ns-$sa
  user: {token: "$token"}
contexts:
- name: $ns-$sa
  context: {cluster: cluster, user: $ns-$sa, namespace: $ns}
current-context: $ns-$sa
EOC
