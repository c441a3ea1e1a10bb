#!/usr/bin/env bash
# Builds (cached) the Kubernetes components the `local` cluster provider runs: kube-apiserver and
# kube-proxy from the published k8s.io/kubernetes module pinned in adapters/kube/go.mod, and provides etcd
# (Debian's etcd-server package, installed with apt-get when missing).
# Prints one KEY=absolute-path line per binary on stdout (KUBE_APISERVER, KUBE_PROXY, ETCD), and
# KUBE_CACHE=hit|built (whether this run reused the cached binaries); progress and timings go to stderr.
#
# Binaries land in the build cache, $XDSC_CACHE_DIR/bin/<name>-<hash> (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/xds-conformance: shared by every clone on the machine); the hash covers adapters/kube/go.mod + go.sum, the Go
# toolchain and target, and the build flags, so a second run reuses them and a version bump rebuilds.
# A cold build takes about 9 minutes on 2 cores (measured figures in harness/clusters/README.md); callers
# that share a machine should run it under `nice -n 19` with GOMAXPROCS=2.
#
#   scripts/build-kube.sh            # build or reuse; print paths
#   ETCD=/opt/etcd/etcd scripts/build-kube.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mod="$root/adapters/kube"
bin="${XDSC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xds-conformance}/bin"

command -v go >/dev/null || { echo "build-kube: go not found: install Go >= the go line of $mod/go.mod or put it on PATH" >&2; exit 1; }
kube_version=$(awk '$1 == "k8s.io/kubernetes" { print $2 }' "$mod/go.mod")
[ -n "$kube_version" ] || { echo "build-kube: expected a k8s.io/kubernetes requirement in $mod/go.mod, got none" >&2; exit 1; }
# kube-proxy and the API server report this version (and kube-proxy checks it against the server's);
# without it they call themselves v0.0.0-master.
minor=$(echo "$kube_version" | cut -d. -f2)
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$kube_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"

hash=$(
  {
    go env GOVERSION GOOS GOARCH
    echo "$ldflags"
    # Comments do not change the build.
    grep -v "^//" "$mod/go.mod" | sha256sum
    sha256sum <"$mod/go.sum"
  } | sha256sum | cut -c1-16
)
apiserver="$bin/kube-apiserver-$hash"
proxy="$bin/kube-proxy-$hash"
mkdir -p "$bin"

# Concurrent callers (parallel tests, two terminals) wait for one build instead of compiling twice.
exec 9>"$bin/.kube.lock"
flock 9

if [ -x "$apiserver" ] && [ -x "$proxy" ]; then
  echo "build-kube: reusing kube-apiserver and kube-proxy $kube_version ($hash)" >&2
  cache=hit
else
  echo "build-kube: building kube-apiserver and kube-proxy $kube_version -> $bin/*-$hash (about 9 minutes cold on 2 cores)" >&2
  start=$(date +%s)
  tmp=$(mktemp -d "$bin/.kube-build.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$mod" && go mod download)
  echo "build-kube: modules downloaded in $(($(date +%s) - start))s" >&2
  # One go build for both: they share most packages, which are compiled once.
  (cd "$mod" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-proxy)
  # rename is atomic, so an interrupted build never leaves a half-written binary under the final name.
  mv -f "$tmp/kube-apiserver" "$apiserver"
  mv -f "$tmp/kube-proxy" "$proxy"
  find "$bin" -maxdepth 1 \( -name 'kube-apiserver-*' -o -name 'kube-proxy-*' \) ! -name "*-$hash" -delete
  echo "build-kube: built kube-apiserver and kube-proxy $kube_version in $(($(date +%s) - start))s (GOMAXPROCS=${GOMAXPROCS:-unset})" >&2
  cache=built
fi

# etcd comes from Debian's etcd-server (3.4.23 on bookworm; kube-apiserver v1.37 runs on it). The etcd Go
# modules carry replace directives, so `go install go.etcd.io/etcd/server/v3@...` cannot build them; a
# machine without apt needs etcd on PATH or ETCD=<path>.
etcd_bin() {
  if [ -n "${ETCD:-}" ]; then
    [ -x "$ETCD" ] || { echo "build-kube: ETCD: expected an executable, got \"$ETCD\"" >&2; exit 1; }
    echo "$ETCD"
    return
  fi
  if ! command -v etcd >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "build-kube: installing etcd-server with apt-get" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >&2 ||
        { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >&2; }
    else
      echo "build-kube: etcd not found: install Debian's etcd-server (apt-get install etcd-server), put etcd on PATH or set ETCD=<path>" >&2
      exit 1
    fi
  fi
  command -v etcd
}
etcd=$(etcd_bin)

echo "KUBE_VERSION=$kube_version"
echo "KUBE_APISERVER=$apiserver"
echo "KUBE_PROXY=$proxy"
echo "ETCD=$etcd"
echo "KUBE_CACHE=$cache"
