#!/usr/bin/env bash
# Installs what the test suite uses: the one list of CI packages, used by
# .ci/run and by .github/workflows/test.yml. Idempotent; safe to run twice.
# Uses sudo when not run as root. Waits for the apt/dpkg lock (another apt
# run, unattended-upgrades) up to 10 minutes per try, tries three times and
# exits non-zero when the last try fails: with CI=true the tests then fail
# on the missing tools instead of skipping them (internal/testtool).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"

# Debian packages: the differential oracles (twine, packaging, readme-renderer,
# docutils; warehouse-oracle, PyPI's upload view, needs the pyramid, webob,
# wtforms, rfc3986, readme-renderer, cmarkgfm, urllib3 and idna modules), the
# build backends for the real-distribution corpus, the tools the image check
# needs, and those of the act check (.ci/act.sh: act-runner's podman buildah
# runc debootstrap git curl, python3 for its fake index, socat and iproute2 for
# the host-mode workflow), those of the real index servers
# (../shared/tools/index-servers: pypiserver and devpi-server from upstream
# source) and Debian's pip, which downloads what the end-to-end tests upload.
apt_pkgs=(
  make git coreutils file binutils curl time
  twine python3-packaging python3-readme-renderer python3-docutils python3-webob python3-pyramid python3-email-validator python3-rfc3986
  python3-wtforms python3-cmarkgfm python3-urllib3 python3-idna
  python3-build python3-setuptools python3-wheel python3-hatchling flit python3-poetry-core
  python3-pip-whl python3-setuptools-whl python3-wheel-whl
  podman buildah skopeo debootstrap runc uidmap python3-yaml shellcheck
  python3 socat iproute2
  python3-defusedxml python3-passlib python3-waitress python3-argon2 python3-attr python3-httpx
  python3-itsdangerous python3-lazy python3-platformdirs python3-pluggy python3-py python3-pyramid
  python3-repoze.lru python3-pkg-resources python3-strictyaml python3-ruamel.yaml python3-requests
  python3-pip
)
sudo=()
if ((EUID != 0)); then sudo=(sudo -n); fi
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== apt-get install ${missing[*]}"
  tries=3
  for ((i = 1; ; i++)); do
    if "${apt[@]}" update -qq && "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then break; fi
    if ((i >= tries)); then
      echo "install.sh: apt-get failed $tries times; not installed: ${missing[*]}" >&2
      exit 1
    fi
    echo "apt failed (try $i of $tries), retrying"; sleep 10
  done
fi

# Go tools.
if ! command -v staticcheck >/dev/null 2>&1; then
  echo "== go install staticcheck"
  go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
fi
if [ -f .ci/tools.sh ]; then bash .ci/tools.sh; fi

# npm packages for the @sigstore/verify oracle.
if [ -f test/oracle/js/package.json ]; then
  echo "== npm ci (test/oracle/js)"
  npm ci --prefix test/oracle/js --no-audit --no-fund --loglevel=error
fi
go mod download
if [ -f test/oracle/go.mod ]; then (cd test/oracle && go mod download); fi
