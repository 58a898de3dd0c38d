#!/usr/bin/env bash
# Installs the system packages that the tests and the demo need, when they are missing.
# Idempotent: on a machine that has everything it installs nothing and touches no package list.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v caddy >/dev/null 2>&1 || need+=(caddy)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# Pseudo-terminal pairs for the P1 serial-port tests.
command -v socat >/dev/null 2>&1 || need+=(socat)
# The dashboard's browser tests drive Debian's Chromium through Playwright.
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pg_ctl >/dev/null 2>&1 || [ -x /usr/lib/postgresql/15/bin/pg_ctl ] || need+=(postgresql-15)
# The native edge (NativeAOT): the compiler comes with the SDK, the native toolchain and zlib from apt.
command -v clang >/dev/null 2>&1 || need+=(clang)
command -v ld.lld >/dev/null 2>&1 || need+=(lld)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
# A real MQTT broker for the alert tests (Home Assistant discovery, states, events).
[ -x /usr/sbin/mosquitto ] || need+=(mosquitto)

if ((${#need[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "Installing: ${need[*]}"
  $sudo apt-get update -qq
  # Packaged services must not start system-wide instances: tests run private ones on random ports.
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
  $sudo rm -f /usr/sbin/policy-rc.d
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required (https://dotnet.microsoft.com/download); 'dotnet' is not on PATH." >&2
  exit 1
fi
