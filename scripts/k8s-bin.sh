#!/usr/bin/env bash
# Builds the test cluster's binaries from the Go modules in tools/ (kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl, etcd, kwok) into a cache outside the clone,
# and prints the bin directory on stdout. Reuses the cache when it is complete.
#
#   scripts/k8s-bin.sh            build or reuse; prints e.g. ~/.cache/procservice/k8s-v1.36.3-ab12cd/bin
#   K8S_BIN_CACHE=DIR             cache root (default ~/.cache/procservice)
#
# Progress goes to stderr. Needs Go (1.26) and about 8 GiB free disk for a cold build
# (module downloads and the Go build cache); see docs/testing.md for measured figures.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

K8S_VERSION=v1.36.3
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
NEED_GIB=8

say() { echo "k8s-bin: $*" >&2; }
die() { say "$*"; exit 1; }

command -v go >/dev/null || die "Go is missing: install Go 1.26 (the test cluster is built from Go modules; see docs/testing.md)"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

sum=$(cat tools/k8s/go.sum tools/etcd/go.sum tools/kwok/go.sum tools/*/go.mod scripts/k8s-bin.sh | sha256sum | cut -c1-12)
cache_root=${K8S_BIN_CACHE:-$HOME/.cache/procservice}
dir=$cache_root/k8s-$K8S_VERSION-$sum
bin=$dir/bin
binaries=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok)

complete() { for b in "${binaries[@]}"; do [[ -x $bin/$b ]] || return 1; done; }
if complete; then
  echo "$bin"
  exit 0
fi

mkdir -p "$cache_root"
free_kib=$(df -Pk "$cache_root" | awk 'NR==2 {print $4}')
gocache=$(go env GOCACHE)
mkdir -p "$gocache"
free_cache_kib=$(df -Pk "$gocache" | awk 'NR==2 {print $4}')
for f in "$free_kib" "$free_cache_kib"; do
  (( f >= NEED_GIB * 1024 * 1024 )) || die "only $((f / 1024 / 1024)) GiB free under $cache_root or $gocache; a cold build needs ${NEED_GIB} GiB. Free space or set K8S_BIN_CACHE / GOCACHE elsewhere."
done

mkdir -p "$bin.partial"
start=$(date +%s)
build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
minor=$(echo "$K8S_VERSION" | cut -d. -f2)
kv="-X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/component-base/version.buildDate=$build_date"
kv="$kv -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor -X k8s.io/client-go/pkg/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.buildDate=$build_date"

build() { # module-dir output package ldflags [tags]
  local mod=$1 out=$2 pkg=$3 ldflags=$4 tags=${5:-}
  if [[ -x $bin.partial/$out ]]; then say "$out: already built"; return; fi
  say "$out: building $pkg ($(( $(date +%s) - start )) s so far)"
  (cd "$root/tools/$mod" && go build -trimpath ${tags:+-tags "$tags"} -ldflags "-s -w $ldflags" -o "$bin.partial/$out.tmp" "$pkg")
  mv "$bin.partial/$out.tmp" "$bin.partial/$out"
}

say "downloading modules"
for m in k8s etcd kwok; do (cd "tools/$m" && go mod download); done
build etcd etcd go.etcd.io/etcd/server/v3 ""
build kwok kwok sigs.k8s.io/kwok/cmd/kwok "-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}"
for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  build k8s "$c" "k8s.io/kubernetes/cmd/$c" "$kv" selinux,notest
done
rm -rf "$bin"
mv "$bin.partial" "$bin"
say "built ${binaries[*]} in $(( $(date +%s) - start )) s into $bin ($(du -sh "$bin" | cut -f1))"
echo "$bin"
