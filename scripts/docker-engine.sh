#!/usr/bin/env bash
# Makes a local Docker engine answer `docker info`: installs Debian's docker.io if dockerd is missing,
# writes /etc/docker/daemon.json, starts dockerd in the background and waits for it.
# Idempotent: when `docker info` already works it exits 0 at once. Concurrent callers serialize on a lock.
#
# Choices (see harness/containers/README.md):
# - No image registry is reachable here, so nothing is ever pulled: images are built locally FROM scratch.
# - "iptables": false, "ip-forward": false, "bridge": "none": dockerd must not add iptables chains, flip the
#   FORWARD policy or ip_forward (the parity suite owns iptables; nothing may be routed off the machine).
#   Containers use host networking, which needs none of that.
# - The VM's bounding set lacks CAP_SYS_RESOURCE, so runc cannot apply the capability set of privileged
#   containers ("unable to apply caps"). When this machine lacks it, a runc wrapper that drops that one
#   capability from the bundle's config.json is made dockerd's default runtime.
#
# Environment: XDSC_DOCKERD_LOG (default /var/log/xdsc-dockerd.log), XDSC_DOCKER_TIMEOUT_S (default 60).
set -euo pipefail

log_file=${XDSC_DOCKERD_LOG:-/var/log/xdsc-dockerd.log}
apt_log=/var/log/xdsc-docker-apt.log
timeout_s=${XDSC_DOCKER_TIMEOUT_S:-60}
wrapper=/usr/local/lib/xdsc/runc-drop-sys-resource
daemon_json=/etc/docker/daemon.json

docker_ok() { docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

docker_ok && exit 0

command -v docker >/dev/null || { echo "docker-engine: docker CLI not found: install docker.io" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "docker-engine: expected to run as root to start dockerd, got uid $(id -u)" >&2; exit 1; }

mkdir -p /run/xdsc
exec 9>/run/xdsc/docker-engine.lock
flock -w "$timeout_s" 9 || { echo "docker-engine: expected the lock /run/xdsc/docker-engine.lock within ${timeout_s}s, got none" >&2; exit 1; }
docker_ok && exit 0 # another caller started it while we waited for the lock

if ! command -v dockerd >/dev/null; then
  echo "docker-engine: installing Debian's docker.io (dockerd, containerd, runc)" >&2
  export DEBIAN_FRONTEND=noninteractive
  # The package's init script must not start dockerd with Debian's defaults (bridge + iptables):
  # policy-rc.d exit 101 tells invoke-rc.d "not allowed". Removed again whatever happens.
  had_policy=0
  [ -e /usr/sbin/policy-rc.d ] && had_policy=1
  if [ "$had_policy" = 0 ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  install_pkg() { apt-get install -y -q --no-install-recommends docker.io >"$apt_log" 2>&1; }
  # Package lists may be stale or absent: refresh once, only when an install from them fails.
  if ! install_pkg; then
    apt-get update -q >>"$apt_log" 2>&1 || true
    install_pkg || { echo "docker-engine: apt-get install docker.io failed:" >&2; tail -20 "$apt_log" >&2; exit 1; }
  fi
  if [ "$had_policy" = 0 ]; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
fi

# Bit 24 of the bounding set is CAP_SYS_RESOURCE.
cap_bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
need_wrapper=0
(((0x$cap_bnd >> 24) & 1)) || need_wrapper=1

runc_path=$(command -v runc || echo /usr/sbin/runc)
if [ "$need_wrapper" = 1 ]; then
  mkdir -p "$(dirname "$wrapper")"
  cat >"$wrapper.tmp" <<EOF
#!/bin/sh
# Written by scripts/docker-engine.sh: this VM's bounding set lacks CAP_SYS_RESOURCE, so drop it from the
# capability lists of the OCI bundle before runc applies them (containerd writes compact JSON).
bundle=""
prev=""
for a in "\$@"; do
  case "\$prev" in --bundle|-b) bundle="\$a" ;; esac
  case "\$a" in --bundle=*) bundle="\${a#--bundle=}" ;; esac
  prev="\$a"
done
if [ -n "\$bundle" ] && [ -f "\$bundle/config.json" ]; then
  sed -i -e 's/"CAP_SYS_RESOURCE",//g' -e 's/,"CAP_SYS_RESOURCE"//g' -e 's/"CAP_SYS_RESOURCE"//g' "\$bundle/config.json"
fi
exec $runc_path "\$@"
EOF
  chmod +x "$wrapper.tmp"
  mv "$wrapper.tmp" "$wrapper"
fi

mkdir -p /etc/docker
runtime_json=""
if [ "$need_wrapper" = 1 ]; then
  runtime_json="\"runtimes\": {\"xdsc-runc\": {\"path\": \"$wrapper\"}}, \"default-runtime\": \"xdsc-runc\","
fi
cat >"$daemon_json.tmp" <<EOF
{
  $runtime_json
  "iptables": false,
  "ip-forward": false,
  "ip-masq": false,
  "bridge": "none",
  "log-driver": "json-file",
  "log-opts": { "max-size": "10m", "max-file": "2" }
}
EOF
mv "$daemon_json.tmp" "$daemon_json"

# Only what this attempt logged is worth showing when it fails.
log_offset=0
[ -f "$log_file" ] && log_offset=$(stat -c %s "$log_file")
log_tail() { tail -c +$((log_offset + 1)) "$log_file" 2>/dev/null | tail -20 >&2 || true; }
# A zombie (dockerd exited, not yet reaped by us) still answers kill -0, so read the state instead.
alive() { local state; state=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${state:0:1}" != Z ]; }

dockerd_pid=$(pgrep -x -o dockerd || true)
if [ -z "$dockerd_pid" ]; then
  mkdir -p "$(dirname "$log_file")"
  # setsid: dockerd must outlive the caller's process group (test runners kill theirs on exit).
  setsid dockerd --config-file "$daemon_json" >>"$log_file" 2>&1 </dev/null &
  dockerd_pid=$!
fi

deadline=$((SECONDS + timeout_s))
until docker_ok; do
  if ((SECONDS >= deadline)); then
    echo "docker-engine: expected 'docker info' to answer within ${timeout_s}s, got no answer; $log_file ends:" >&2
    log_tail
    exit 1
  fi
  if ! alive "$dockerd_pid"; then
    echo "docker-engine: expected dockerd (pid $dockerd_pid) to keep running, got it exited; $log_file ends:" >&2
    log_tail
    exit 1
  fi
  sleep 0.2
done
