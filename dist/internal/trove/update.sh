#!/bin/sh
# Regenerates data/classifiers.txt and data/deprecated.txt, the trove
# classifier list PyPI validates against (the trove-classifiers package).
#
#   update.sh                 # from Debian's python3-trove-classifiers (apt)
#   update.sh CHECKOUT        # from a checkout of pypa/trove-classifiers
#                             # (or any directory holding trove_classifiers/)
#
# Output is sorted, so re-running on the same source changes nothing.
# data/SOURCE records where the list came from. data/additions.txt is kept
# by hand (classifiers published after the packaged list; see README.md)
# and is not touched by this script.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ge 1 ]; then
  export PYTHONPATH="$1/src:$1"
  if [ -d "$1/.git" ]; then
    src="pypa/trove-classifiers $(git -C "$1" rev-parse HEAD) ($(git -C "$1" log -1 --format=%cs))"
  else
    src="pypa/trove-classifiers checkout $1"
  fi
else
  if ! /usr/bin/python3 -c 'import trove_classifiers' 2>/dev/null; then
    apt-get install -y python3-trove-classifiers >/dev/null
  fi
  src="Debian python3-trove-classifiers $(dpkg-query -W -f='${Version}' python3-trove-classifiers)"
fi
/usr/bin/python3 - "$here/data" <<'PY'
import sys, trove_classifiers as t
out = sys.argv[1]
with open(out + "/classifiers.txt", "w") as f:
    for c in sorted(t.sorted_classifiers):
        f.write(c + "\n")
with open(out + "/deprecated.txt", "w") as f:
    for c in sorted(t.deprecated_classifiers):
        f.write("\t".join([c] + list(t.deprecated_classifiers[c])) + "\n")
PY
printf '%s\n' "$src" > "$here/data/SOURCE"
