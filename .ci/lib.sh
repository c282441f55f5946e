# shellcheck shell=bash
# .ci/lib.sh - what the container checks (.ci/image.sh, .ci/act.sh) share:
# messages, timings and a deadline for the whole check. Source it with
# CHECK (the check's name in messages, e.g. "image") and TIMEOUT (seconds)
# set; it defines log, die, now, dt, the timing table T and its start T0.

log() { printf '\n==> %s  [%s]\n' "$*" "$(date -u +%T)"; }
die() {
  printf '%s: FAIL: %s\n' "$CHECK" "$*" >&2
  exit 1
}
now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
# T and T0 are for the scripts that source this file.
# shellcheck disable=SC2034
declare -A T
# shellcheck disable=SC2034
T0=$(now)

# bound KNOB ARGS...: the first time, runs the calling script again under
# timeout(1) with ARGS and exits with its status, naming KNOB (the variable
# that sets TIMEOUT) when the deadline ended it; in that second run it
# returns at once.
bound() {
  local knob=$1 guard
  shift
  guard="PYPI_PUBLISH_${CHECK^^}_BOUNDED"
  [ -z "${!guard:-}" ] || return 0
  local rc=0
  env "$guard=1" timeout --kill-after=30 "$TIMEOUT" bash "$0" "$@" || rc=$?
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "$CHECK: FAIL: timed out after ${TIMEOUT}s ($knob)" >&2
  fi
  exit "$rc"
}
