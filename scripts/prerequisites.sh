#!/usr/bin/env bash
# What `npm test` needs beyond npm and the venv, so it works on a fresh machine with nothing installed by
# hand: Debian packages for the local Kubernetes cluster, the Kubernetes components (cached; ~9 min cold on
# 2 cores) and the Go peers (cached). Each step is idempotent and fast once done. Without root the packages
# cannot be installed: the run goes on, and the checks that need them fail with the reason.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh || echo "prerequisites: system packages not installed (root needed); Kubernetes checks will fail" >&2
GOMAXPROCS=2 bash scripts/build-kube.sh >/dev/null || echo "prerequisites: Kubernetes components not built; parity checks will fail" >&2
bash scripts/build-go.sh adapters/go-control-plane >/dev/null || echo "prerequisites: go-control-plane peer not built" >&2
bash scripts/build-go.sh adapters/grpc-go-client >/dev/null || echo "prerequisites: grpc-go client not built" >&2
exit 0
