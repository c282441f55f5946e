#!/usr/bin/env bash
# .ci/situations-check.sh - check that docs/situations.md documents every
# situation ID the project uses.
#
# A situation ID is two capital letters, a hyphen and two digits (IN-02,
# DS-01, VA-05, AU-01, TP-10, AT-04, UP-09, ...). The check collects them
# from every non-test .go file (testdata excluded) and from README.md and
# docs/*.md, and fails when one of them has no explicit anchor
# (<a id="up-09"></a>) in docs/situations.md. It also fails on an anchor
# defined twice and on an anchored ID missing from the index table
# ([UP-09](#up-09)). Anchors for IDs the code does not use are listed for
# information only (the catalogue may document IDs that are not emitted).
#
# Tokens of that shape that are not situation IDs go in IGNORE.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

doc=docs/situations.md
IGNORE=() # e.g. (XX-01)

[ -f "$doc" ] || { echo "situations-check: $doc is missing" >&2; exit 1; }

id_re='\b[A-Z]{2}-[0-9]{2}\b'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# IDs in non-test Go code, with where they occur (first place per ID).
find . -name '*.go' ! -name '*_test.go' ! -path './.git/*' ! -path '*/testdata/*' -print0 |
	xargs -0 -r grep -oEH "$id_re" | sort -t: -k2,2 -u >"$tmp/code"
# IDs in the other documents (README.md, docs/*.md but the catalogue).
find README.md docs -maxdepth 1 -name '*.md' ! -path "$doc" -print0 |
	xargs -0 -r grep -oEH "$id_re" | sort -t: -k2,2 -u >"$tmp/docs" || true

used() { cut -d: -f2 "$tmp/code" "$tmp/docs" | sort -u; }
anchors() { grep -oE '<a id="[a-z]{2}-[0-9]{2}"></a>' "$doc" | sed -E 's/<a id="(.*)"><\/a>/\1/'; }

ignored() {
	local id=$1 x
	for x in "${IGNORE[@]+"${IGNORE[@]}"}"; do [ "$x" = "$id" ] && return 0; done
	return 1
}

fail=0
anchors | sort >"$tmp/anchors"
sort -u "$tmp/anchors" >"$tmp/anchors.u"

dups=$(uniq -d "$tmp/anchors")
if [ -n "$dups" ]; then
	echo "situations-check: anchors defined more than once in $doc:" $dups >&2
	fail=1
fi

n=0
missing=0
while read -r id; do
	ignored "$id" && continue
	n=$((n + 1))
	lower=$(tr 'A-Z' 'a-z' <<<"$id")
	if ! grep -qx "$lower" "$tmp/anchors.u"; then
		where=$(grep -h ":$id\$" "$tmp/code" "$tmp/docs" | head -1 | cut -d: -f1)
		echo "situations-check: $id (used in $where) has no <a id=\"$lower\"></a> in $doc" >&2
		missing=$((missing + 1))
		fail=1
	fi
done < <(used)

while read -r lower; do
	if ! grep -qF "](#$lower)" "$doc"; then
		echo "situations-check: $lower has an anchor but no row in the index table of $doc" >&2
		fail=1
	fi
done <"$tmp/anchors.u"

extra=$(comm -23 "$tmp/anchors.u" <(used | tr 'A-Z' 'a-z' | sort -u) | tr '\n' ' ')
[ -z "$extra" ] || echo "situations-check: documented but not used in code or docs (fine if marked as such): $extra"

if [ "$fail" -ne 0 ]; then
	echo "situations-check: FAIL ($missing of $n IDs undocumented)" >&2
	exit 1
fi
echo "situations-check: ok: $n IDs used in code and docs, $(wc -l <"$tmp/anchors.u") documented in $doc"
