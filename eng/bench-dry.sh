#!/usr/bin/env bash
# CI hook: keeps the benchmarks building and running, without measuring anything.
# Runs every BenchmarkDotNet benchmark once with BDN's dry job, then the peer comparison with 2,000 entries
# (which verifies every output line) and the paced comparison for a second per logger (which counts the lines). No timing is asserted; a non-zero exit means something failed to build or run.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
artifacts=$(mktemp -d)
trap 'rm -rf "$artifacts"' EXIT
dotnet run -c Release --project benchmarks/HybridLogging.Benchmarks -- --filter '*' --job dry --artifacts "$artifacts"
dotnet run -c Release --no-build --project benchmarks/HybridLogging.Benchmarks -- peers --entries 2000 --runs 1
dotnet run -c Release --no-build --project benchmarks/HybridLogging.Benchmarks -- paced --rate 2000 --seconds 1 --rounds 1
