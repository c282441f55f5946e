#!/usr/bin/env bash
# .ci/act/selftest.sh - check-outputs.sh must pass on right outputs and fail
# on each kind of wrong one, or its OK under act proves nothing. Runs on the
# host in a second, with the sample distributions in demo/. .ci/act.sh runs it
# first. Prints "selftest: OK (N cases)" or the case that went wrong.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CHECK="$ROOT/.ci/act/check-outputs.sh"
wheels=("$ROOT"/demo/*.whl) sdists=("$ROOT"/demo/*.tar.gz)
W=${wheels[0]} S=${sdists[0]}
w=${W##*/} s=${S##*/}
sw=$(sha256sum "$W" | cut -d' ' -f1) ss=$(sha256sum "$S" | cut -d' ' -f1)
zw=$(stat -c %s "$W") zs=$(stat -c %s "$S")
# What the action writes (summary.go), with a field check-outputs.sh does not know.
obj() { printf '{"filename":"%s","path":"dist/%s","size":%s,"sha256":"%s","status":"%s","url":null}' "$1" "$1" "$2" "$3" "$4"; }
FILES="[$(obj "$w" "$zw" "$sw" uploaded),$(obj "$s" "$zs" "$ss" uploaded)]"
UPLOADED="[\"$w\",\"$s\"]"

n=0
# expect WANT_RC DESCRIPTION OUTCOME FILES UPLOADED TRUSTED -- ARGS...
expect() {
  local want=$1 what=$2 rc=0 out
  shift 2
  out=$(OUTCOME=$1 FILES=$2 UPLOADED=$3 TRUSTED=$4 bash "$CHECK" "${@:6}" 2>&1) || rc=$?
  n=$((n + 1))
  if [ "$rc" != "$want" ]; then
    printf 'selftest: FAIL: %s: exit %s, want %s\n%s\n' "$what" "$rc" "$want" "$out" >&2
    exit 1
  fi
}
ok=(success "$FILES" "$UPLOADED" false --)
expect 0 "right outputs" "${ok[@]}" --trusted false "$W" "$S"
expect 0 "an extra field" success "${FILES/\"url\":null/\"url\":null,\"verified\":true}" "$UPLOADED" false -- --trusted false "$W" "$S"
expect 0 "other order" success "[$(obj "$s" "$zs" "$ss" uploaded),$(obj "$w" "$zw" "$sw" uploaded)]" "[\"$s\",\"$w\"]" false -- --trusted false "$W" "$S"
expect 1 "trusted-publishing wrong" "${ok[@]}" --trusted true "$W" "$S"
expect 1 "outcome failure" failure "$FILES" "$UPLOADED" false -- --trusted false "$W" "$S"
expect 1 "no outputs at all" success "" "" "" -- --trusted false "$W" "$S"
expect 1 "a file left out of uploaded-files" success "$FILES" "[\"$w\"]" false -- --trusted false "$W" "$S"
expect 1 "a file left out of files" success "[$(obj "$w" "$zw" "$sw" uploaded)]" "$UPLOADED" false -- --trusted false "$W" "$S"
expect 1 "a file the step was not given" "${ok[@]}" --trusted false "$W"
expect 1 "a file named twice" success "[$(obj "$w" "$zw" "$sw" uploaded),$(obj "$w" "$zw" "$sw" uploaded),$(obj "$s" "$zs" "$ss" uploaded)]" "$UPLOADED" false -- --trusted false "$W" "$S"
expect 1 "wrong size" success "[$(obj "$w" $((zw + 1)) "$sw" uploaded),$(obj "$s" "$zs" "$ss" uploaded)]" "$UPLOADED" false -- --trusted false "$W" "$S"
expect 1 "wrong sha256" success "[$(obj "$w" "$zw" "$ss" uploaded),$(obj "$s" "$zs" "$ss" uploaded)]" "$UPLOADED" false -- --trusted false "$W" "$S"
expect 1 "status skipped" success "[$(obj "$w" "$zw" "$sw" skipped-identical),$(obj "$s" "$zs" "$ss" uploaded)]" "$UPLOADED" false -- --trusted false "$W" "$S"
expect 1 "files not JSON" success "not json" "$UPLOADED" false -- --trusted false "$W" "$S"
expect 1 "uploaded-files not JSON" success "$FILES" "$w $s" false -- --trusted false "$W" "$S"
expect 1 "a distribution missing in the workspace" "${ok[@]}" --trusted false "$W" "$S" "$ROOT/demo/no-such-1.0.tar.gz"
expect 2 "no arguments" "${ok[@]}"
echo "selftest: OK ($n cases)"
