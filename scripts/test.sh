#!/usr/bin/env bash
# Runs Eco-Kube's whole test suite: unit tests, integration tests against real peers, format check.
#
# The integration tests start real programs on loopback: OpenIPMI's ipmi_sim (+ ipmitool to cross-check),
# OpenSSH's sshd, Prometheus and redis-server (with redis-cli, and openssl for its TLS test's
# certificate); the dashboard's tests drive a headless Chromium through chromium-driver. They come
# from Debian packages, installed here when missing; kubectl (for rendering deploy/) where an apt
# source offers it. Everything
# else (Maven itself, Kafka's embedded broker, the fake Kubernetes API server) comes from Maven Central.
set -euo pipefail
cd "$(dirname "$0")/.."

# binary -> Debian package that provides it
declare -A needed=(
  [ipmi_sim]=openipmi
  [ipmitool]=ipmitool
  [sshd]=openssh-server
  [prometheus]=prometheus
  [redis-server]=redis-server
  [redis-cli]=redis-tools
  [openssl]=openssl
  [sudo]=sudo
  [chromium]=chromium
  [chromedriver]=chromium-driver
)

missing=()
for bin in "${!needed[@]}"; do
  if ! command -v "$bin" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$bin" ] && [ ! -x "/usr/bin/$bin" ]; then
    missing+=("${needed[$bin]}")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing test peers: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    sudo_cmd=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "Cannot install ${missing[*]}: not root and no sudo. Install them, then run this again." >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  # --no-install-recommends keeps the install small; policy-rc.d stops packages from starting services.
  "${sudo_cmd[@]}" sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  "${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d
fi

# kubectl renders deploy/'s kustomize base and overlays (DeployManifestsTest). Installed from the apt
# package "kubectl" when an apt source offers it (Kubernetes' own repository, pkgs.k8s.io); Debian's
# kubernetes-client is not used: its kubectl 1.20 carries kustomize 2, too old for deploy/. Without
# kubectl the render test skips itself with a message saying so.
if ! command -v kubectl >/dev/null 2>&1; then
  if apt-cache policy kubectl 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    echo "Installing kubectl"
    if [ "$(id -u)" -eq 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kubectl
    elif command -v sudo >/dev/null 2>&1; then
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kubectl
    fi
  fi
  command -v kubectl >/dev/null 2>&1 ||
    echo "kubectl is not installed and no apt source offers it: DeployManifestsTest will be skipped" >&2
fi

exec ./mvnw -B -ntp verify "$@"
