#!/usr/bin/env bash
# .ci/actionlint.sh [FILE...] - lint GitHub workflow files with actionlint
# (default: .github/workflows/*.yml). Installs actionlint from the Go module
# proxy when it is missing or another version; runs shellcheck on `run:`
# scripts when shellcheck is installed (apt install shellcheck).
set -euo pipefail
if (($# == 0)); then
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  set -- .github/workflows/*.yml
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
else
  echo "actionlint: shellcheck not installed, run: scripts are not checked"
  flags+=(-shellcheck=)
fi
"$bin" "${flags[@]}" "$@"
echo "actionlint: $# file(s) OK"
