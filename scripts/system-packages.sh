#!/usr/bin/env bash
# Debian packages the local Kubernetes cluster and the parity suite need (iproute2, iptables, nftables,
# conntrack, openssl, procps; etcd-server for the local cluster). Installs only what is missing.
set -euo pipefail
declare -A tools=([ip]=iproute2 [iptables]=iptables [nft]=nftables [conntrack]=conntrack [openssl]=openssl [sysctl]=procps [etcd]=etcd-server)
missing=()
for t in "${!tools[@]}"; do
  if ! command -v "$t" >/dev/null 2>&1; then missing+=("${tools[$t]}"); fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "system-packages: need root to install: ${missing[*]}" >&2; exit 1; }
echo "system-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
