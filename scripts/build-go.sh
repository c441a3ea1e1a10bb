#!/usr/bin/env bash
# Builds a Go module directory into the build cache, <cache>/bin/<name>-<hash>, and prints the binary's absolute path on
# stdout (progress goes to stderr). The hash covers go.mod, go.sum, every *.go file (path and content)
# and the Go toolchain version and target, so an unchanged module is never rebuilt and a changed one
# never reuses a stale binary. Modules come from the Go module proxy (GOPROXY) into the usual module cache.
#
#   scripts/build-go.sh adapters/grpc-go-client [name]     # name defaults to the directory's base name
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: build-go.sh <module-dir> [name]}
dir=$(cd "$dir" && pwd)
name=${2:-$(basename "$dir")}
command -v go >/dev/null || { echo "build-go: go not found: install Go (https://go.dev/dl; the go line of the module's go.mod is the minimum) or put it on PATH" >&2; exit 1; }
[ -f "$dir/go.mod" ] || { echo "build-go: expected a Go module in $dir, got no go.mod" >&2; exit 1; }

hash=$(
  cd "$dir"
  {
    go env GOVERSION GOOS GOARCH
    find . -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) -not -name '*_test.go' -not -path './bin/*' |
      LC_ALL=C sort |
      while read -r f; do printf '%s %s\n' "$f" "$(sha256sum <"$f" | cut -c1-64)"; done
  } | sha256sum | cut -c1-16
)
# The build cache is shared by every clone on the machine (XDSC_CACHE_DIR, default
# ${XDG_CACHE_HOME:-$HOME/.cache}/xds-conformance), so a fresh clone reuses what another one built.
bin="${XDSC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xds-conformance}/bin"
out="$bin/$name-$hash"
if [ -x "$out" ]; then
  echo "$out"
  exit 0
fi
mkdir -p "$bin"
# Concurrent callers (parallel tests) wait for one build instead of compiling the same thing twice.
exec 9>"$bin/.$name.lock"
flock 9
if [ -x "$out" ]; then
  echo "$out"
  exit 0
fi
echo "build-go: building $name ($dir) -> $out" >&2
start=$(date +%s)
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
(cd "$dir" && CGO_ENABLED=0 go build -trimpath -o "$tmp" .)
# rename is atomic, so a concurrent build of the same hash cannot leave a half-written binary behind.
mv -f "$tmp" "$out"
# Other builds of this peer go once they are a week old (another clone may still be at that revision).
find "$bin" -maxdepth 1 -name "$name-*" ! -name "$name-$hash" -mtime +7 -delete
echo "build-go: built $name in $(($(date +%s) - start))s" >&2
echo "$out"
