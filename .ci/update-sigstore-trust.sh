#!/usr/bin/env bash
# .ci/update-sigstore-trust.sh [--check-age] - the Sigstore trust data built
# into the binary (attest/sigstore: TUF root.json, timestamp, snapshot and
# targets metadata, trusted_root.json, signing_config.v0.2.json, and the date
# in refreshed.txt).
#
#   .ci/update-sigstore-trust.sh              refresh it from Sigstore's TUF
#                                             repository (tuf-repo-cdn.sigstore.dev)
#                                             with the action's own TUF client,
#                                             starting from the embedded root;
#                                             nothing is written unless every
#                                             signature, version and hash checks
#   .ci/update-sigstore-trust.sh --check-age  print a GitHub warning (exit 0) when
#                                             the data is older than six months
#
# The release workflow runs the refresh before it builds the image; CI runs
# --check-age. At run time the action updates the data through TUF anyway and
# falls back to this copy only when that fails (situation AT-11).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=attest/sigstore
max_days=183

if [ "${1:-}" = "--check-age" ]; then
  refreshed=$(tr -d '[:space:]' <"$dir/refreshed.txt")
  days=$((($(date -u +%s) - $(date -u -d "$refreshed" +%s)) / 86400))
  if ((days > max_days)); then
    echo "::warning title=Embedded Sigstore trust data is old::$dir was taken from Sigstore on $refreshed, $days days ago (more than six months). Run .ci/update-sigstore-trust.sh and commit the result; releases do it themselves."
  else
    echo "update-sigstore-trust: $dir of $refreshed, $days days old (warning after $max_days)"
  fi
  exit 0
fi

go run ./attest/internal/trustupdate -dir "$dir" "$@"
# The embedded files must still load as the binary loads them.
go test -count=1 -run 'Embedded' ./attest/
git --no-pager diff --stat -- "$dir" || true
