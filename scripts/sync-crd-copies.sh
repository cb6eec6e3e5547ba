#!/usr/bin/env bash
# Copies the CRD from crds/ (the one generated from the model) to the places that ship it:
# deploy/crds/ (kustomize cannot reach outside deploy/) and the Helm chart's crds/; and the
# ValidatingAdmissionPolicy (deploy/, generated too) into the chart's templates/.
# DeployManifestsTest fails, naming this script, when a copy drifts.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
crd="procservices.hero.ourworld.tf-v1.yml"
[[ -f "$root/crds/$crd" ]] || { echo "sync-crd-copies: crds/$crd missing: run mvn -pl operator process-classes and refresh it first" >&2; exit 1; }
cp "$root/crds/$crd" "$root/deploy/crds/$crd"
cp "$root/crds/$crd" "$root/helm/procservice-operator/crds/$crd"
cp "$root/deploy/validating-admission-policy.yaml" "$root/helm/procservice-operator/templates/validating-admission-policy.yaml"
cp "$root/deploy/grafana-dashboard.json" "$root/helm/procservice-operator/dashboards/procservice-operator.json"
echo "copied crds/$crd, deploy/validating-admission-policy.yaml and deploy/grafana-dashboard.json into deploy/ and helm/procservice-operator/"
