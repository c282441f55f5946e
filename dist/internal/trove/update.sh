#!/bin/sh
# Regenerates data/classifiers.txt, data/deprecated.txt and data/SOURCE, the
# trove classifier list PyPI validates uploads against (the trove-classifiers
# package, pypa/trove-classifiers, Apache-2.0). Never edit the data by hand.
#
#   update.sh DIR     # DIR: a pypa/trove-classifiers checkout, or a snapshot
#                     # of it (src/trove_classifiers/ plus a SOURCE file), e.g.
#                     # ../shared/upstream/trove-classifiers
#
# The release and its date come from DIR/SOURCE ("... (YYYY-MM-DD, release
# X)") when there is one, else from git (the newest tag and the commit date).
# Output is sorted, so re-running on the same source changes nothing.
set -eu
if [ $# -ne 1 ] || [ ! -d "$1/src/trove_classifiers" ]; then
  echo "usage: $0 DIR  (DIR holds src/trove_classifiers, e.g. a pypa/trove-classifiers checkout)" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$1" && pwd)
if [ -f "$src/SOURCE" ]; then
  line=$(head -n 1 "$src/SOURCE")
  origin=$(printf '%s\n' "$line" | cut -d' ' -f1-2)
  date=$(printf '%s\n' "$line" | sed -n 's/.*(\([0-9-]*\),.*/\1/p')
  release=$(printf '%s\n' "$line" | sed -n 's/.*release \([0-9.]*\).*/\1/p')
elif [ -d "$src/.git" ]; then
  origin="pypa/trove-classifiers $(git -C "$src" rev-parse HEAD)"
  date=$(git -C "$src" log -1 --format=%cs)
  release=$(git -C "$src" describe --tags --abbrev=0 2>/dev/null || echo unreleased)
else
  echo "$0: $src has neither SOURCE nor .git: cannot tell the release" >&2
  exit 2
fi
if [ -z "$date" ] || [ -z "$release" ]; then
  echo "$0: could not read the release and date from $src" >&2
  exit 2
fi
PYTHONPATH="$src/src" /usr/bin/python3 - "$here/data" <<'PY'
import sys, trove_classifiers as t
out = sys.argv[1]
with open(out + "/classifiers.txt", "w") as f:
    for c in sorted(t.sorted_classifiers):
        f.write(c + "\n")
with open(out + "/deprecated.txt", "w") as f:
    for c in sorted(t.deprecated_classifiers):
        f.write("\t".join([c] + list(t.deprecated_classifiers[c])) + "\n")
PY
printf 'release %s\ndate %s\nfrom %s\n' "$release" "$date" "$origin" > "$here/data/SOURCE"
echo "trove: $(wc -l < "$here/data/classifiers.txt") classifiers, $(wc -l < "$here/data/deprecated.txt") deprecated, release $release ($date)"
