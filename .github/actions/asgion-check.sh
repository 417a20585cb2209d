#!/usr/bin/env bash
# The step behind action.yml: run asgion check with the action's inputs (ASGION_* variables), write the report
# file, print GitHub annotations, and expose the report path as the step output "report-path".
set -uo pipefail

format="${ASGION_FORMAT:-sarif}"
case "$format" in
  sarif) ext=sarif ;; json) ext=json ;; junit) ext=xml ;; *) ext=txt ;;
esac
report="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/asgion-report.$ext"
echo "report-path=$report" >> "${GITHUB_OUTPUT:-/dev/null}"

args=(check)
[ -n "${ASGION_APP:-}" ] && args+=("$ASGION_APP")
for path in ${ASGION_PATHS:-}; do args+=(--path "$path"); done
args+=(--format "$format:$report" --format github)
[ "${ASGION_STRICT:-true}" = "true" ] && args+=(--strict)
# shellcheck disable=SC2206  # extra arguments are split on purpose, like a command line
extra=(${ASGION_ARGS:-})
args+=("${extra[@]}")

asgion "${args[@]}"
status=$?
echo "asgion: report written to $report (exit code $status)"
exit $status
