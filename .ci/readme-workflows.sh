#!/usr/bin/env bash
# .ci/readme-workflows.sh - check the README's example workflows: every
# ```yaml (or ```yml) block of README.md that holds a `jobs:` key is written to
# a file of its own and linted with actionlint, together with
# .github/workflows/*.yml. A failing block is named by its README line, e.g.
# README.md-L120.yml:14:9 means README line 120 + 14.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readme=${1:-README.md}
[ -f "$readme" ] || { echo "readme-workflows: no $readme" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A fence opens with ```yaml or ```yml (optionally indented, e.g. in a list)
# and closes with ``` at the same indentation. The indentation is removed.
awk -v dir="$tmp" -v base="$(basename "$readme")" '
  !inblock && match($0, /^[ \t]*```[ \t]*(yaml|yml)[ \t]*$/) {
    inblock = 1; start = NR; indent = index($0, "`") - 1; text = ""; next
  }
  inblock && $0 ~ /^[ \t]*```[ \t]*$/ {
    inblock = 0
    if (text ~ /(^|\n)jobs:/) {
      f = sprintf("%s/%s-L%d.yml", dir, base, start)
      printf "%s", text > f; close(f); n++
    }
    next
  }
  inblock { text = text substr($0, indent + 1) "\n" }
  END {
    if (inblock) { printf "readme-workflows: unclosed ```yaml block at line %d\n", start > "/dev/stderr"; exit 1 }
    printf "readme-workflows: %d example workflow(s) in %s\n", n + 0, base
  }
' "$readme"

shopt -s nullglob
examples=("$tmp"/*.yml)
if ((${#examples[@]} == 0)); then
  echo "readme-workflows: $readme has no \`\`\`yaml block with jobs: - nothing to check" >&2
  exit 1
fi
.ci/actionlint.sh "${examples[@]}" ||
  { echo "readme-workflows: an example workflow in $readme fails actionlint (see above)" >&2; exit 1; }
.ci/actionlint.sh
