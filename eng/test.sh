#!/usr/bin/env bash
# The README's test command: builds the solution in Release (warnings are errors) and runs every test project.
# Then runs the benchmarks in BenchmarkDotNet's dry job (counted as one test).
# Ends with one line "N passed, N failed" (totals over all test projects).
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log=$(mktemp)
status=0
dotnet build HybridLogging.sln -c Release 2>&1 | tee "$log" | grep -E "error|Warn|Error|Elapsed" || true
if ! grep -q "0 Error(s)" "$log"; then
  echo "Build failed."
  echo "0 passed, 1 failed"
  exit 1
fi
dotnet test --solution HybridLogging.sln -c Release --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -E '^\s+succeeded: [0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -E '^\s+failed: [0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
# Benchmarks must keep building and running: BenchmarkDotNet's dry job plus a 2,000-entry peer run (no timing asserted).
if bash eng/bench-dry.sh > "$log.bench" 2>&1; then
  echo "benchmarks dry run: ok"
  passed=$((passed + 1))
else
  tail -40 "$log.bench"
  echo "benchmarks dry run: FAILED"
  failed=$((failed + 1))
  status=1
fi
echo "$passed passed, $failed failed"
exit $status
