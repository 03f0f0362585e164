#!/usr/bin/env bash
# Debian packages the tests need: Janus (SFU), coturn (TURN), Chromium (browser tests),
# iproute2 (network namespaces for Janus tests), Node.js/npm (web client build).
# Idempotent: installs only what is missing. Needs root (CI runs as root).
set -euo pipefail
pkgs=(janus coturn chromium chromium-driver iproute2 nodejs npm fonts-dejavu-core)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm may come from the node install itself rather than Debian's package.
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/npm}")
fi
if command -v node >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs}")
fi
read -r -a missing <<<"${missing[*]:-}"
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-system: missing Debian packages: ${missing[*]} (run as root to install)" >&2
    exit 1
  fi
  echo "setup-system: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
