#!/usr/bin/env bash
# The one command that runs every test: installs what is missing, builds with warnings as errors, checks
# formatting, and runs all test projects. Private PostgreSQL, Redis and Caddy instances are started by the
# tests themselves under one run directory (scripts/run-dir.sh); everything left running there is stopped on
# exit, even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/run-dir.sh p1-test-run

echo "== build (warnings as errors)"
dotnet build P1Telemetry.slnx -c Release -warnaserror -nologo -clp:NoSummary

echo "== format check"
dotnet format P1Telemetry.slnx --verify-no-changes --no-restore

echo "== native edge (NativeAOT, warnings as errors)"
case "$(uname -m)" in
  aarch64 | arm64) rid=linux-arm64 ;;
  *) rid=linux-x64 ;;
esac
native_edge="$PWD/src/Edge/bin/Release/native/$rid/p1-edge"
dotnet publish src/Edge -c Release -r "$rid" -o "$(dirname "$native_edge")" -nologo -clp:NoSummary

echo "== tests"
log="$P1_TEST_RUN_DIR/test-output.log"
set +e
# One test assembly at a time: each starts real servers, and timing-sensitive tests (timeouts, pushes,
# outages) should not compete with four other suites for two cores.
dotnet test P1Telemetry.slnx -c Release --no-build -m:1 --blame-hang-timeout 10m 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Native code fails where the JIT does not (reflection, JSON, configuration binding, native libraries): the
# tests that run the edge as its own process run once more against the native binary: the daemon and CLI
# tests, and the pipeline runs that exercise its meter client, spool, uploads, kills and TLS trust.
echo "== tests against the native edge ($native_edge)"
P1_EDGE_EXECUTABLE="$native_edge" dotnet test tests/Edge.Tests -c Release --no-build --blame-hang-timeout 10m \
  --filter "FullyQualifiedName~DaemonTests|FullyQualifiedName~SystemdTests" 2>&1 | tee -a "$log"
native_status=${PIPESTATUS[0]}
P1_EDGE_EXECUTABLE="$native_edge" dotnet test tests/EndToEnd.Tests -c Release --no-build --blame-hang-timeout 10m \
  --filter "FullyQualifiedName~Pipeline.EdgeTransportSecurityTests|FullyQualifiedName~Pipeline.PipelineTests.Every_telegram|FullyQualifiedName~Pipeline.PipelineTests.Edge_killed_with_sigkill" \
  2>&1 | tee -a "$log"
native_status=$((native_status | PIPESTATUS[0]))
if [ "$native_status" -ne 0 ]; then status=1; fi

# The short chaos soak (the full one is scripts/chaos.sh): every fault kind three times, no reading lost.
echo "== chaos soak (24 faults)"
dotnet run -c Release --no-build --project bench/ChaosBench -- --minutes 5 --faults 24 2>&1 | tee -a "$log"
if [ "${PIPESTATUS[0]}" -ne 0 ]; then status=1; fi
set -e

# One closing line for the whole run, summed over the test assemblies.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if grep -q 'Test Run Aborted' "$log"; then status=1; fi
if [ "$passed" -eq 0 ]; then status=1; fi
# A missing dependency must fail the run, never hide behind a skipped test.
if [ "$skipped" -ne 0 ]; then status=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
