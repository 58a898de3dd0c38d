#!/usr/bin/env bash
# Sourced by test.sh and chaos.sh: installs what is missing and creates the one run directory that every
# private server started under it (PostgreSQL, Redis, Caddy, Mosquitto, the product's processes) keeps its
# data in. Everything still running there is stopped on exit, even on failure, because each such process
# names the directory on its command line. Usage: source scripts/run-dir.sh <name prefix>
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bash scripts/setup.sh

P1_TEST_RUN_DIR="$(mktemp -d "/tmp/${1:-p1-run}.XXXXXX")"
chmod 755 "$P1_TEST_RUN_DIR"
export P1_TEST_RUN_DIR

cleanup_run_dir() {
  pkill -TERM -f "$P1_TEST_RUN_DIR" 2>/dev/null || true
  sleep 1
  pkill -KILL -f "$P1_TEST_RUN_DIR" 2>/dev/null || true
  rm -rf "$P1_TEST_RUN_DIR"
}
trap cleanup_run_dir EXIT
