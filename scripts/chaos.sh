#!/usr/bin/env bash
# The chaos soak: meter → edge → Caddy → two server replicas → PostgreSQL + Redis, with faults of eight kinds
# injected one after another, then the drain and the count. Arguments go to the soak (--minutes 15 --faults 100
# by default, --seed N to repeat a run). Exits non-zero when a reading was lost or stored twice.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bash scripts/setup.sh

P1_TEST_RUN_DIR="$(mktemp -d /tmp/p1-chaos.XXXXXX)"
chmod 755 "$P1_TEST_RUN_DIR"
export P1_TEST_RUN_DIR
cleanup() {
  pkill -TERM -f "$P1_TEST_RUN_DIR" 2>/dev/null || true
  sleep 1
  pkill -KILL -f "$P1_TEST_RUN_DIR" 2>/dev/null || true
  rm -rf "$P1_TEST_RUN_DIR"
}
trap cleanup EXIT

dotnet build bench/ChaosBench -c Release -nologo -clp:NoSummary
dotnet run -c Release --no-build --project bench/ChaosBench -- "$@"
