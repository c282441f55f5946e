#!/usr/bin/env bash
# .ci/actionlint.sh [FILE...] - lint GitHub workflow files with actionlint
# (default: .github/workflows/*.yml). Installs actionlint from the Go module
# proxy when it is missing or another version; runs shellcheck on `run:`
# scripts when shellcheck is installed (apt install shellcheck).
set -euo pipefail
policy=0
if (($# == 0)); then
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  set -- .github/workflows/*.yml
  policy=1
fi

ACTIONLINT_VERSION=v1.7.12 # newest the module proxy serves (2026-11)
bin="$(go env GOPATH)/bin/actionlint"
if ! "$bin" -version 2>/dev/null | grep -qx "$ACTIONLINT_VERSION"; then
  echo "actionlint: go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi

flags=(-no-color)
if command -v shellcheck >/dev/null; then
  flags+=(-shellcheck "$(command -v shellcheck)")
elif [[ ${CI:-} == true ]]; then
  echo "actionlint: shellcheck not installed (CI=true: failing; apt-get install shellcheck)" >&2
  exit 1
else
  echo "actionlint: shellcheck not installed, run: scripts are not checked"
  flags+=(-shellcheck=)
fi
"$bin" "${flags[@]}" "$@"
echo "actionlint: $# file(s) OK"

# The project's own workflows also follow its pinning policy (STYLE C20):
# every action outside this repository is pinned by a full commit SHA with a
# version comment, every checkout sets persist-credentials: false, and every
# workflow declares top-level permissions.
if ((policy)); then
  bad=0
  for f in "$@"; do
    while IFS= read -r line; do
      echo "$f: action not pinned by commit SHA with a '# vX.Y.Z' comment: ${line#"${line%%[![:space:]]*}"}"
      bad=1
    done < <(grep -E '^[[:space:]-]*uses:[[:space:]]' "$f" |
      grep -vE 'uses:[[:space:]]+\./' |
      grep -vE 'uses:[[:space:]]+[^@[:space:]]+@[0-9a-f]{40}[[:space:]]+#[[:space:]]*v[0-9]+\.[0-9]+\.[0-9]+[[:space:]]*$' || true)
    n_checkout=$(grep -cE 'uses:[[:space:]]+actions/checkout@' "$f" || true)
    n_persist=$(grep -cE '^[[:space:]]+persist-credentials:[[:space:]]+false[[:space:]]*$' "$f" || true)
    if [ "$n_checkout" != "$n_persist" ]; then
      echo "$f: $n_checkout actions/checkout step(s) but $n_persist 'persist-credentials: false'"
      bad=1
    fi
    if ! grep -qE '^permissions:' "$f"; then
      echo "$f: no top-level permissions"
      bad=1
    fi
  done
  ((bad == 0)) || { echo "actionlint: pinning policy violated (see above)"; exit 1; }
  echo "actionlint: pinning policy OK"
fi
