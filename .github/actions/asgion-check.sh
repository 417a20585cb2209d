#!/usr/bin/env bash
# The step behind action.yml: run asgion check with the action's inputs (ASGION_* variables), write the report
# file, print GitHub annotations, and expose the report path (only once the file exists) as "report-path" and the
# exit code as "exit-code". With ASGION_DEFER_FAILURE=true the step itself succeeds, so that the report can be
# uploaded before a later step fails the job with that exit code.
set -uo pipefail

cd "${ASGION_WORKING_DIRECTORY:-.}" || { echo "::error::asgion: no directory ${ASGION_WORKING_DIRECTORY}"; exit 2; }

format="${ASGION_FORMAT:-sarif}"
case "$format" in
  sarif) ext=sarif ;; json) ext=json ;; junit) ext=xml ;; *) ext=txt ;;
esac
report="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/asgion-report.$ext"
rm -f "$report"

args=(check)
[ -n "${ASGION_APP:-}" ] && args+=("$ASGION_APP")
# paths are split on whitespace, newlines included, and never glob-expanded ("/*" stays "/*")
read -r -d '' -a paths <<< "${ASGION_PATHS:-}" || true
for path in "${paths[@]}"; do args+=(--path "$path"); done
args+=(--format "$format:$report" --format github)
[ "${ASGION_STRICT:-true}" = "true" ] && args+=(--strict)
# extra arguments are split the way a shell splits a command line (quotes kept together), without running anything
split='import os, shlex, sys; sys.stdout.write("".join(a + "\0" for a in shlex.split(os.environ.get("ASGION_ARGS", ""))))'
if ! problem="$(python -c "$split" 2>&1 >/dev/null)"; then
  echo "::error::asgion: the args input cannot be split like a command line: ${problem##*: }"
  exit 2
fi
extra=()
mapfile -d '' -t extra < <(python -c "$split")
args+=("${extra[@]}")

asgion "${args[@]}"
status=$?
if [ -f "$report" ]; then
  echo "report-path=$report" >> "${GITHUB_OUTPUT:-/dev/null}"
  echo "asgion: report written to $report (exit code $status)"
else
  echo "asgion: no report was written (exit code $status)"
fi
echo "exit-code=$status" >> "${GITHUB_OUTPUT:-/dev/null}"
if [ "${ASGION_DEFER_FAILURE:-false}" = "true" ]; then
  exit 0
fi
exit $status
