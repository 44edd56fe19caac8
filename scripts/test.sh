#!/usr/bin/env bash
# The one test command (README, .ci/run): installs and starts what the tests need, runs every test project,
# and ends with one line `N passed, N failed` summed over all of them.
set -uo pipefail
cd "$(dirname "$0")/.."

command -v dotnet >/dev/null || { echo "test: the .NET 10 SDK is required (dotnet on PATH)" >&2; exit 2; }
# shellcheck source=scripts/test-services.sh
source scripts/test-services.sh || { echo "test: could not start the database servers" >&2; echo "0 passed, 1 failed"; exit 1; }
trap stop_test_services EXIT

dotnet restore Sluice.slnx --nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }
dotnet build Sluice.slnx --no-restore --nologo -v quiet -c Debug || { echo "0 passed, 1 failed"; exit 1; }

mkdir -p artifacts
log=artifacts/test-output.log
dotnet test Sluice.slnx --no-build --nologo -c Debug 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# vstest prints one summary per test project: "Passed!  - Failed:     0, Passed:    12, Skipped: ..."
summaries=$(grep -E '^(Passed|Failed)! +- Failed: ' "$log")
passed=$(grep -Eo 'Passed: +[0-9]+' <<<"$summaries" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' <<<"$summaries" | awk '{s+=$2} END {print s+0}')
projects=$(grep -c . <<<"$summaries")
expected=$(grep -c 'Project Path="tests/' Sluice.slnx)
if [ "$projects" -ne "$expected" ]; then
  echo "test: $projects of $expected test projects reported results" >&2
  [ "$failed" -eq 0 ] && failed=1
fi
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
