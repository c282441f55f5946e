#!/usr/bin/env bash
# .ci/act/check-outputs.sh - the later step of the act workflows: check the
# outputs a publish step left, and fail when they are wrong.
#
#   OUTCOME=... FILES=... UPLOADED=... TRUSTED=... \
#     check-outputs.sh --trusted true|false DIST_FILE...
#
# The values come from the workflow through `env:` (never ${{ toJSON() }},
# which got act OOM-killed): OUTCOME is steps.<id>.outcome, FILES,
# UPLOADED and TRUSTED are the outputs files, uploaded-files and
# trusted-publishing. DIST_FILE... are the distributions the step was given,
# as paths in the workspace. It checks:
#   - OUTCOME is success;
#   - UPLOADED is a JSON array of exactly the DIST_FILEs' base names;
#   - FILES is a JSON array with one object per DIST_FILE, whose filename,
#     size and sha256 are the file's own and whose status is "uploaded", and
#     no other object (fields it does not know are allowed);
#   - TRUSTED is exactly the --trusted value.
# Bash and coreutils only: act's job image has no python3 or jq. The outputs
# are compact JSON written by encoding/json; distribution file names hold no
# quote, backslash or brace, so a strict pattern match is a parse here.
# Prints "check-outputs: OK ..." or one line per problem and exits 1.
set -uo pipefail

want_tp=
if [ "${1:-}" = --trusted ] && [ $# -ge 2 ]; then
  want_tp=$2
  shift 2
fi
if [ -z "$want_tp" ] || [ $# -eq 0 ]; then
  echo "usage: check-outputs.sh --trusted true|false DIST_FILE..." >&2
  exit 2
fi

bad=0
problem() {
  echo "check-outputs: FAIL: $*"
  bad=1
}

[ "${OUTCOME-}" = success ] || problem "the publish step's outcome is '${OUTCOME-}', want success"
[ "${TRUSTED-}" = "$want_tp" ] || problem "trusted-publishing is '${TRUSTED-}', want '$want_tp'"

# The expected files: base name -> "size sha256".
declare -A want=()
for f in "$@"; do
  [ -f "$f" ] || {
    problem "no such distribution in the workspace: $f"
    continue
  }
  b=${f##*/}
  want[$b]="$(stat -c %s "$f") $(sha256sum "$f" | cut -d' ' -f1)"
done

# uploaded-files: ["a","b",...] -> one name per line.
str='"[^"\\]*"'
up=${UPLOADED-}
if [[ $up =~ ^\[($str(,$str)*)?\]$ ]]; then
  got=$(printf '%s' "${up:1:${#up}-2}" | tr ',' '\n' | sed 's/^"//; s/"$//' | sed '/^$/d' | sort)
  exp=$(printf '%s\n' "${!want[@]}" | sort)
  [ "$got" = "$exp" ] || problem "uploaded-files is $up, want exactly: $(echo "$exp" | tr '\n' ' ')"
else
  problem "uploaded-files is not a JSON array of file names: '$up'"
fi

# files: [{...},{...}] -> one object per line.
fj=${FILES-}
if [[ $fj =~ ^\[\{.*\}\]$ ]]; then
  declare -A seen=()
  while IFS= read -r obj; do
    name='' size='' sha='' status=''
    [[ $obj =~ \"filename\":\"([^\"\\]*)\" ]] && name=${BASH_REMATCH[1]}
    [[ $obj =~ \"size\":([0-9]+)[,}] ]] && size=${BASH_REMATCH[1]}
    [[ $obj =~ \"sha256\":\"([0-9a-f]{64})\" ]] && sha=${BASH_REMATCH[1]}
    [[ $obj =~ \"status\":\"([a-z-]*)\" ]] && status=${BASH_REMATCH[1]}
    if [ -z "$name" ]; then
      problem "files holds an object without a filename: $obj"
      continue
    fi
    if [ -z "${want[$name]+x}" ]; then
      problem "files names $name, which the step was not given"
      continue
    fi
    [ -z "${seen[$name]+x}" ] || problem "files names $name twice"
    seen[$name]=1
    [ "$size $sha" = "${want[$name]}" ] || problem "files[$name] has size $size, sha256 $sha; want ${want[$name]}"
    [ "$status" = uploaded ] || problem "files[$name] has status '$status', want uploaded"
  done < <(printf '%s\n' "${fj:1:${#fj}-2}" | sed 's/},{/}\n{/g')
  for b in "${!want[@]}"; do
    [ -n "${seen[$b]+x}" ] || problem "files does not name $b"
  done
else
  problem "files is not a JSON array of objects: '$fj'"
fi

if [ "$bad" = 0 ]; then
  echo "check-outputs: OK: outcome success, ${#want[@]} file(s) uploaded with their size and sha256, trusted-publishing=$want_tp"
fi
exit "$bad"
