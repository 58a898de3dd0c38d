#!/usr/bin/env bash
# The chaos soak: meter → edge → Caddy → two server replicas → PostgreSQL + Redis, with faults of eight kinds
# injected one after another, then the drain and the count. Arguments go to the soak (--minutes 15 --faults 100
# by default, --seed N to repeat a run). Exits non-zero when a reading was lost or stored twice.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/run-dir.sh p1-chaos

dotnet build bench/ChaosBench -c Release -nologo -clp:NoSummary
dotnet run -c Release --no-build --project bench/ChaosBench -- "$@"
