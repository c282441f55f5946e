#!/usr/bin/env bash
# .ci/image.sh - build the real Dockerfile with buildah, check the image, and run
# it the way GitHub's runner runs a Docker action (issue 7).
#
#   .ci/image.sh            # from anywhere; builds the repository this script is in
#
# What it asserts (each failure exits non-zero with "image: FAIL: ..."):
#   1. reproducible binary: two `go build` runs (a snapshot of the tree and a
#      copy of it elsewhere, with separate build caches) and two image builds
#      (the second with --no-cache) give one sha256, and the image's binary is
#      the host build's binary when both use the same Go release;
#   2. the image: at most 10 MB, exactly two files (/pypi-publish and
#      /etc/ssl/certs/ca-certificates.crt), no User (root), no WorkingDir,
#      ENTRYPOINT ["/pypi-publish"], a static binary (no PT_INTERP, no dynamic
#      section);
#   3. a full publish from the container: every input action.yml declares, as
#      a hyphenated INPUT_* variable passed by name like the runner does,
#      /github/workspace as workdir, the runner's /github/* mounts,
#      GITHUB_OUTPUT and GITHUB_STEP_SUMMARY under /github/file_commands, host
#      network to the fake index (`pypi-publish demo --serve`) on loopback:
#      exit 0, outputs, summary, what the index holds (its simple API), no
#      GITHUB_ENV/GITHUB_PATH writes, the token only in ::add-mask::; then a
#      failing run (DS-01: no such packages-dir): exit 1, one ::error:: line;
#   4. linux/arm64, cross-compiled as the release builds it: the same file,
#      size and static checks, and the binary equals `GOARCH=arm64 go build`.
# It also reports (does not assert) the start-up time, process start to first
# request, of the binary and of `podman run`, with bench/startup and bench/sink.
# It ends with "image: ALL OK".
#
# No Docker engine and no Docker Hub are needed: the builder image is a local
# stand-in for golang:<go>-bookworm (debootstrap + this machine's Go toolchain),
# passed as --build-arg GO_IMAGE=... . The real Dockerfile keeps the official
# image pinned by digest. Knobs (environment):
#   IMAGE_WORK=/var/tmp/pypi-publish-image  work dir (caches: rootfs, storage, go build cache #2)
#   IMAGE_FRESH=1         wipe IMAGE_WORK first (cold run)
#   IMAGE_TIMEOUT=900     seconds for the whole check
#   IMAGE_GO_IMAGE=dockerfile  build with the Dockerfile's own golang image
#                         (where Docker Hub is reachable, e.g. on GitHub)
#   MIRROR=http://deb.debian.org/debian  SUITE=bookworm  (for debootstrap)
# Needs root (apt, containers) and Go on PATH. Installs what is missing with
# apt: podman buildah skopeo runc debootstrap file binutils python3
# python3-yaml python3-pip-whl python3-setuptools-whl python3-wheel-whl.
# Timing (2 cores): cold (IMAGE_FRESH=1) about 5 min, warm about 1 min.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${IMAGE_WORK:-/var/tmp/pypi-publish-image}
TIMEOUT=${IMAGE_TIMEOUT:-900}
SUITE=${SUITE:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
IMG=localhost/pypi-publish:ci
IMG2=localhost/pypi-publish:ci-rebuild
IMG_ARM64=localhost/pypi-publish:ci-arm64
MAX_IMAGE_BYTES=$((10 * 1000 * 1000))
PY=/usr/bin/python3 # Debian's, never a pyenv shim

CHECK=image
# shellcheck source=.ci/lib.sh
. "$ROOT/.ci/lib.sh"
bound IMAGE_TIMEOUT "$@" # the whole check is time-bounded

trap 'exit 143' TERM INT # so the EXIT trap stops the background servers

# ------------------------------------------------------------------ packages
# Look for commands, not packages: on GitHub's runners podman, buildah, skopeo
# and runc are there already (runc from containerd.io, not Debian's runc).
need=()
want() { command -v "$1" >/dev/null || need+=("$2"); }
want podman podman
want buildah buildah
want skopeo skopeo
want runc runc
want file file
want readelf binutils
want flock util-linux
[ "${IMAGE_GO_IMAGE:-}" = dockerfile ] || want debootstrap debootstrap
[ -x "$PY" ] || need+=(python3)
"$PY" -c 'import yaml' 2>/dev/null || need+=(python3-yaml)
compgen -G '/usr/share/python-wheels/*.whl' >/dev/null || need+=(python3-pip-whl python3-setuptools-whl python3-wheel-whl)
if ((${#need[@]})); then
  log "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${need[@]}" ||
    { apt-get -o DPkg::Lock::Timeout=600 update -q && apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${need[@]}"; } ||
    die "apt-get install ${need[*]}"
fi
command -v go >/dev/null || die "no go on PATH"

mkdir -p "$WORK"
# One check at a time per work dir (the container store is not shared safely).
exec 9>"$WORK/.lock"
flock -w 300 9 || die "another image check holds $WORK/.lock"

if [ "${IMAGE_FRESH:-0}" = 1 ]; then
  log "IMAGE_FRESH=1: wiping $WORK"
  # containers/storage keeps mounts below the graph root: unmount deepest first.
  for _ in 1 2 3; do
    mounts=$(findmnt -rn -o TARGET | grep -E "^${WORK}/" | sort -ru || true)
    [ -z "$mounts" ] && break
    while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done <<<"$mounts"
  done
  find "$WORK" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
fi
mkdir -p "$WORK/cache"

# ------------------------------------------------------------------ private container config
# This VM: crun fails on hybrid cgroups -> runc; rlimits cannot be raised ->
# pin nofile to the hard limit and nproc to 32768 (see shared/tools/README.md).
NOFILE=$(ulimit -Hn)
cat >"$WORK/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=${NOFILE}:${NOFILE}", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
cat >"$WORK/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "${WORK}/storage"
runroot = "${WORK}/runroot"
EOF
export CONTAINERS_CONF="$WORK/containers.conf" CONTAINERS_STORAGE_CONF="$WORK/storage.conf"
echo "podman $(podman version -f '{{.Client.Version}}'), buildah $(buildah version | awk '/^Version/{print $2}'), runc $(runc --version | awk 'NR==1{print $3}'), $(go version)"

# ------------------------------------------------------------------ builder stand-in
GOROOT_SRC=$(go env GOROOT)
GO_FULL=$(awk 'NR==1{sub(/^go/,"");print}' "$GOROOT_SRC/VERSION") # e.g. 1.26.8
GO_IMAGE=localhost/golang:${GO_FULL}-${SUITE}
ROOTFS_TAR="$WORK/cache/rootfs-${SUITE}-minbase.tar"
GO_IMAGE_ARG=(--build-arg "GO_IMAGE=$GO_IMAGE")
if [ "${IMAGE_GO_IMAGE:-}" = dockerfile ]; then
  # Docker Hub is reachable (GitHub): the Dockerfile's pinned golang image.
  GO_IMAGE=$(sed -n 's/^ARG GO_IMAGE=//p' "$ROOT/Dockerfile")
  GO_IMAGE_ARG=()
  log "builder: $GO_IMAGE (from the Dockerfile)"
  podman pull -q "$GO_IMAGE" >/dev/null || die "cannot pull $GO_IMAGE"
elif ! podman image exists "$GO_IMAGE"; then
  t=$(now)
  if [ ! -s "$ROOTFS_TAR" ]; then
    log "debootstrap --variant=minbase $SUITE"
    rm -rf "$WORK/rootfs"
    debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
      { tail -20 "$WORK/debootstrap.log"; die "debootstrap (log: $WORK/debootstrap.log)"; }
    rm -rf "$WORK"/rootfs/var/cache/apt/archives/*.deb "$WORK"/rootfs/var/lib/apt/lists/*
    tar -C "$WORK/rootfs" --numeric-owner -cf "$ROOTFS_TAR.tmp" . && mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
    rm -rf "$WORK/rootfs"
  fi
  log "assembling $GO_IMAGE (minbase rootfs + this machine's Go $GO_FULL)"
  S="$WORK/stage"
  rm -rf "$S" && mkdir -p "$S"
  tar -C "$S" --numeric-owner -xf "$ROOTFS_TAR"
  mkdir -p "$S/go/bin" "$S/go/src" && chmod -R 1777 "$S/go"
  # Egress here is TLS-intercepted: `go mod download` in the build must trust
  # the host's bundle, so the stand-in carries it (and so does the image built
  # here; the official golang image brings Debian's own bundle).
  cp /etc/ssl/certs/ca-certificates.crt "$S/etc/ssl/certs/ca-certificates.crt"
  tar --numeric-owner -cf - -C "$S" . \
    -C "$(dirname "$GOROOT_SRC")" --transform "s,^$(basename "$GOROOT_SRC"),usr/local/go,S" "$(basename "$GOROOT_SRC")" |
    podman import -q \
      --change 'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change "ENV GOLANG_VERSION=$GO_FULL" --change 'ENV GOTOOLCHAIN=local' --change 'ENV GOPATH=/go' \
      --change 'WORKDIR /go' - "$GO_IMAGE" >/dev/null
  rm -rf "$S"
  T[builder]=$(dt "$t")
fi
IMAGE_GO=$(podman run --rm --network none "$GO_IMAGE" go version)
echo "builder: $IMAGE_GO"

# ------------------------------------------------------------------ 1. reproducible go build
# Every build below uses one snapshot of the work tree (tracked and untracked,
# not ignored files), so an edit made while the check runs cannot make two
# builds differ.
VERSION=$(git -C "$ROOT" describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS="-s -w -buildid= -X main.version=${VERSION}"
B="$WORK/bin"
SRC="$WORK/src"
rm -rf "$B" "$SRC" && mkdir -p "$B" "$SRC"
snapshot() { # snapshot DEST
  if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
      tar --null -T - -cf -) | tar -C "$1" -xf -
  else
    tar -C "$ROOT" --exclude=./.git --exclude='*/node_modules' -cf - . | tar -C "$1" -xf -
  fi
}
snapshot "$SRC" || die "cannot copy the work tree"
gobuild() { # gobuild DIR OUT [GOARCH]: the Dockerfile's build, on the host
  (cd "$1" && CGO_ENABLED=0 GOOS=linux GOARCH="${3:-$(go env GOARCH)}" GOFLAGS=-mod=readonly \
    go build -tags nodemo -trimpath -buildvcs=false -ldflags "$LDFLAGS" -o "$2" .)
}
log "go build #1 (snapshot of $ROOT, the shared build cache)"
t=$(now)
gobuild "$SRC" "$B/host1" || die "go build #1"
T[go_build_1]=$(dt "$t")
log "go build #2 (another copy elsewhere, its own build cache)"
t=$(now)
SRC2="$WORK/src-copy/elsewhere"
rm -rf "$WORK/src-copy" && mkdir -p "$SRC2"
cp -a "$SRC/." "$SRC2/"
# A separate cache, kept between runs (cold on the first run only): no object
# of build #1 can leak into build #2.
GOCACHE="$WORK/gocache2" gobuild "$SRC2" "$B/host2" || die "go build #2"
rm -rf "$WORK/src-copy"
T[go_build_2]=$(dt "$t")
H1=$(sha256sum <"$B/host1" | cut -d' ' -f1)
H2=$(sha256sum <"$B/host2" | cut -d' ' -f1)
[ "$H1" = "$H2" ] || die "go build is not reproducible: $H1 != $H2"
echo "OK: two go builds, one sha256 $H1"

# ------------------------------------------------------------------ 2. image builds
# buildah's chroot isolation uses the host network (the module proxy).
BUILD=(buildah bud --layers --isolation chroot --network host
  "${GO_IMAGE_ARG[@]}" --build-arg "VERSION=$VERSION" --build-arg "TARGETARCH=$(go env GOARCH)" -f "$SRC/Dockerfile")
podman image prune -f >/dev/null
log "image build #1: ${BUILD[*]} -t $IMG $SRC"
t=$(now)
"${BUILD[@]}" -t "$IMG" "$SRC" >"$WORK/build1.log" 2>&1 || { tail -30 "$WORK/build1.log"; die "image build #1"; }
T[image_build_1]=$(dt "$t")
log "image build #2 (--no-cache: every layer, go mod download and the compile again)"
t=$(now)
"${BUILD[@]}" --no-cache -t "$IMG2" "$SRC" >"$WORK/build2.log" 2>&1 || { tail -30 "$WORK/build2.log"; die "image build #2"; }
T[image_build_2]=$(dt "$t")

# ------------------------------------------------------------------ 3. inspect the image
log "inspect $IMG"
SIZE=$(podman image inspect -f '{{.Size}}' "$IMG")
USER_CFG=$(podman image inspect -f '{{.Config.User}}' "$IMG")
WORKDIR_CFG=$(podman image inspect -f '{{.Config.WorkingDir}}' "$IMG")
EP=$(podman image inspect -f '{{json .Config.Entrypoint}}' "$IMG")
[ "$SIZE" -le "$MAX_IMAGE_BYTES" ] || die "image is $SIZE bytes, more than $MAX_IMAGE_BYTES"
[ -z "$USER_CFG" ] || die "image config sets User=$USER_CFG; a Docker action must run as root"
[ -z "$WORKDIR_CFG" ] || [ "$WORKDIR_CFG" = / ] || die "image config sets WorkingDir=$WORKDIR_CFG"
[ "$EP" = '["/pypi-publish"]' ] || die "entrypoint is $EP, want [\"/pypi-publish\"]"
extract() { # extract IMAGE OUTDIR: OCI layout, file list, binary
  rm -rf "$2" && mkdir -p "$2"
  skopeo copy -q "containers-storage:$1" "oci:$2/layout:x"
  "$PY" - "$2/layout" "$2" <<'EOF'
import json, shutil, sys, tarfile
d, out = sys.argv[1], sys.argv[2]
blob = lambda dg: f"{d}/blobs/sha256/{dg.split(':')[1]}"
idx = json.load(open(f"{d}/index.json"))
man = json.load(open(blob(idx["manifests"][0]["digest"])))
files = []
for layer in man["layers"]:
    with tarfile.open(blob(layer["digest"])) as t:
        for m in t.getmembers():
            if m.isdir():
                continue
            if not m.isfile():
                sys.exit(f"image holds a non-regular file: {m.name}")
            files.append(f"/{m.name.lstrip('./')} mode={oct(m.mode & 0o7777)} uid={m.uid} size={m.size}")
            if m.name.lstrip("./") == "pypi-publish":
                with t.extractfile(m) as src, open(f"{out}/pypi-publish", "wb") as dst:
                    shutil.copyfileobj(src, dst)
open(f"{out}/files.txt", "w").write("\n".join(sorted(files)) + "\n")
EOF
}
extract "$IMG" "$WORK/x1" || die "cannot read $IMG"
extract "$IMG2" "$WORK/x2" || die "cannot read $IMG2"
sed 's/^/  /' "$WORK/x1/files.txt"
got=$(cut -d' ' -f1 "$WORK/x1/files.txt" | tr '\n' ' ')
[ "$got" = "/etc/ssl/certs/ca-certificates.crt /pypi-publish " ] || die "image files are: $got; want exactly the CA bundle and /pypi-publish"
BIN="$WORK/x1/pypi-publish"
file -b "$BIN" | grep -q 'statically linked' || die "binary is not static: $(file -b "$BIN")"
! readelf -lW "$BIN" | grep -q INTERP || die "binary has a PT_INTERP program header"
readelf -dW "$BIN" | grep -q 'no dynamic section' || die "binary has a dynamic section"
echo "OK: $(file -b "$BIN" | cut -d, -f1-5)"
I1=$(sha256sum <"$BIN" | cut -d' ' -f1)
I2=$(sha256sum <"$WORK/x2/pypi-publish" | cut -d' ' -f1)
[ "$I1" = "$I2" ] || die "image builds are not reproducible: binary $I1 != $I2"
echo "OK: image builds #1 and #2 give one binary sha256 $I1"
if [ "${IMAGE_GO#go version }" = "$(go version | sed 's/^go version //')" ]; then
  [ "$I1" = "$H1" ] || die "image binary $I1 differs from the go build binary $H1 (same Go: $IMAGE_GO)"
  echo "OK: the image's binary is the go build binary, byte for byte"
else
  echo "note: builder has '$IMAGE_GO', host has '$(go version)': host and image binaries not compared"
fi
echo "OK: $SIZE bytes (max $MAX_IMAGE_BYTES), User unset (root), entrypoint $EP"
# The release workflow's smoke test relies on this line (-X main.version).
got=$(podman run --rm --network none "$IMG" version) || die "'$IMG version' failed"
[ "$got" = "pypi-publish $VERSION" ] || die "'$IMG version' says '$got', want 'pypi-publish $VERSION'"
echo "OK: $got"

# ------------------------------------------------------------------ 3b. linux/arm64
# The release builds linux/arm64 by cross-compiling in the build platform's
# builder (FROM --platform=$BUILDPLATFORM). Do the same here, so an arm64-only
# compile error or a Dockerfile platform mistake shows up before a release.
# (buildah 1.28 needs BUILDPLATFORM spelled out; buildx sets it.)
if [ "$(go env GOARCH)" = amd64 ]; then
  log "image build linux/arm64 (cross-compiled) and go build GOARCH=arm64"
  t=$(now)
  "${BUILD[@]/#TARGETARCH=*/TARGETARCH=arm64}" --platform linux/arm64 --build-arg BUILDPLATFORM=linux/amd64 \
    -t "$IMG_ARM64" "$SRC" >"$WORK/build-arm64.log" 2>&1 || { tail -30 "$WORK/build-arm64.log"; die "image build linux/arm64"; }
  gobuild "$SRC" "$B/host-arm64" arm64 || die "go build GOARCH=arm64"
  T[image_build_arm64]=$(dt "$t")
  ARCH=$(podman image inspect -f '{{.Os}}/{{.Architecture}}' "$IMG_ARM64")
  [ "$ARCH" = linux/arm64 ] || die "arm64 image config says $ARCH"
  SIZE_ARM64=$(podman image inspect -f '{{.Size}}' "$IMG_ARM64")
  [ "$SIZE_ARM64" -le "$MAX_IMAGE_BYTES" ] || die "arm64 image is $SIZE_ARM64 bytes, more than $MAX_IMAGE_BYTES"
  extract "$IMG_ARM64" "$WORK/x-arm64" || die "cannot read $IMG_ARM64"
  got=$(cut -d' ' -f1 "$WORK/x-arm64/files.txt" | tr '\n' ' ')
  [ "$got" = "/etc/ssl/certs/ca-certificates.crt /pypi-publish " ] || die "arm64 image files are: $got"
  BA="$WORK/x-arm64/pypi-publish"
  file -b "$BA" | grep -q 'ARM aarch64.*statically linked' || die "arm64 binary: $(file -b "$BA")"
  ! readelf -lW "$BA" | grep -q INTERP || die "arm64 binary has a PT_INTERP program header"
  A1=$(sha256sum <"$BA" | cut -d' ' -f1)
  A2=$(sha256sum <"$B/host-arm64" | cut -d' ' -f1)
  if [ "${IMAGE_GO#go version }" = "$(go version | sed 's/^go version //')" ]; then
    [ "$A1" = "$A2" ] || die "arm64: image binary $A1 differs from the go build binary $A2"
  fi
  echo "OK: linux/arm64 image, $SIZE_ARM64 bytes, two files, static $(file -b "$BA" | cut -d, -f2), binary sha256 $A1 (= go build)"
fi

# ------------------------------------------------------------------ 4. run like the runner
R="$WORK/run"
rm -rf "$R" && mkdir -p "$R"/{workspace/dist,file_commands,home,workflow,index}
# Real distributions: the wheels Debian ships (pip, setuptools, wheel) and the
# demo's sdist + wheel pair.
cp /usr/share/python-wheels/*.whl "$SRC"/demo/*.whl "$SRC"/demo/*.tar.gz "$R/workspace/dist/" ||
  die "cannot copy the sample distributions"

log "fake index on loopback: pypi-publish demo --serve (publish/publishtest in the host binary)"
(cd "$SRC" && go build -o "$B/index" .) || die "go build of the fake index"
"$B/index" demo --serve 127.0.0.1:0 >"$R/index/log" 2>&1 &
INDEX_PID=$!
trap 'kill "$INDEX_PID" 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q 'http://127\.0\.0\.1:[0-9]*/legacy/' "$R/index/log" && break; sleep 0.1; done
INDEX_URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*/legacy/' "$R/index/log" | head -1)
INDEX_TOKEN=$(sed -n 's/.*, token \([^ ]*\).*/\1/p' "$R/index/log" | head -1)
if [ -z "$INDEX_URL" ] || [ -z "$INDEX_TOKEN" ]; then die "fake index did not start: $(cat "$R/index/log")"; fi
echo "index: $INDEX_URL"

# runenv FILE NAME=VALUE...: the runner's environment for the container, with
# every input action.yml declares (its default when not given), as INPUT_<NAME>
# with the name upper-cased and hyphens kept. FILE holds NUL-separated pairs,
# so values may span lines (packages-dir does).
runenv() {
  local out=$1
  shift
  "$PY" - "$SRC/action.yml" "$@" >"$out" <<'EOF'
import sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
given = dict(a.split("=", 1) for a in sys.argv[2:])
pairs = []
for name, inp in (spec.get("inputs") or {}).items():
    key = "INPUT_" + name.replace(" ", "_").upper()
    val = given.pop(key, None)
    if val is None:
        d = (inp or {}).get("default")
        val = "" if d is None else str(d).lower() if isinstance(d, bool) else str(d)
    pairs.append(f"{key}={val}")
pairs += [f"{k}={v}" for k, v in given.items()]
sys.stdout.write("".join(p + "\0" for p in pairs))
EOF
}
FC=/github/file_commands
# container ENVFILE: run the image the way the runner does: the values are in
# podman's own environment and each variable is passed by name (-e NAME), which
# keeps hyphens and newlines intact. Prints the exit status.
container() {
  local rc=0 pairs names=() p
  mapfile -d '' pairs <"$1"
  for p in "${pairs[@]}"; do names+=(-e "${p%%=*}"); done
  env "${pairs[@]}" podman run --rm --name "pypi-publish-ci-$$" --label pypi-publish-ci \
    --workdir /github/workspace --network host \
    -v "$R/home:/github/home" -v "$R/workflow:/github/workflow" \
    -v "$R/file_commands:/github/file_commands" -v "$R/workspace:/github/workspace" \
    "${names[@]}" "$IMG" >"$1.stdout" 2>"$1.stderr" || rc=$?
  echo "$rc"
}
common=(GITHUB_ACTIONS=true CI=true HOME=/github/home GITHUB_WORKSPACE=/github/workspace
  GITHUB_EVENT_NAME=push GITHUB_EVENT_PATH=/github/workflow/event.json
  GITHUB_REPOSITORY=pypi-publish/ci-sample GITHUB_REPOSITORY_OWNER=pypi-publish
  GITHUB_WORKFLOW_REF=pypi-publish/ci-sample/.github/workflows/release.yml@refs/tags/v1.0.0
  GITHUB_SERVER_URL=https://github.com RUNNER_TEMP=/home/runner/work/_temp
  "GITHUB_OUTPUT=$FC/set_output_1" "GITHUB_STEP_SUMMARY=$FC/step_summary_1"
  "GITHUB_ENV=$FC/set_env_1" "GITHUB_PATH=$FC/add_path_1" "GITHUB_STATE=$FC/save_state_1")
echo '{"ref":"refs/tags/v1.0.0"}' >"$R/workflow/event.json"
: >"$R/file_commands/set_output_1"; : >"$R/file_commands/step_summary_1"
: >"$R/file_commands/set_env_1"; : >"$R/file_commands/add_path_1"; : >"$R/file_commands/save_state_1"

log "run #1: publish $(cd "$R/workspace/dist" && echo *)"
runenv "$R/env1" "${common[@]}" "INPUT_PASSWORD=$INDEX_TOKEN" "INPUT_REPOSITORY-URL=$INDEX_URL"
t=$(now)
rc=$(container "$R/env1")
T[run_publish]=$(dt "$t")
sed 's/^/  | /' "$R/env1.stdout" "$R/env1.stderr" | head -60
[ "$rc" = 0 ] || die "publish run exited $rc, want 0"
"$PY" - "$R" "$INDEX_TOKEN" "$INDEX_URL" <<'EOF' || die "publish run: wrong outputs, summary or uploads"
import hashlib, json, os, re, sys, urllib.request
r, secret, upload_url = sys.argv[1:4]
fc = f"{r}/file_commands"
def fail(msg):
    sys.exit(f"  {msg}")
def outputs(path):  # name=value and name<<DELIM ... DELIM
    out, lines, i = {}, open(path).read().split("\n"), 0
    while i < len(lines):
        m = re.match(r"^([A-Za-z0-9_-]+)<<(.+)$", lines[i])
        if m:
            end = lines.index(m.group(2), i + 1)
            out[m.group(1)] = "\n".join(lines[i + 1:end]); i = end + 1; continue
        if "=" in lines[i]:
            k, v = lines[i].split("=", 1); out[k] = v
        i += 1
    return out
dists = sorted(os.listdir(f"{r}/workspace/dist"))
want = {d: hashlib.sha256(open(f"{r}/workspace/dist/{d}", "rb").read()).hexdigest() for d in dists}
o = outputs(f"{fc}/set_output_1")
for k in ("files", "uploaded-files", "skipped-files", "release-urls", "attestation-files", "trusted-publishing", "verified-files"):
    if k not in o: fail(f"GITHUB_OUTPUT has no {k!r}: {sorted(o)}")
if sorted(json.loads(o["uploaded-files"])) != dists: fail(f"uploaded-files={o['uploaded-files']}, want {dists}")
files = {f["filename"]: f for f in json.loads(o["files"])}
for d, h in want.items():
    f = files.get(d, {})
    if f.get("status") != "uploaded" or f.get("sha256") != h or f.get("size") != os.path.getsize(f"{r}/workspace/dist/{d}"):
        fail(f"files[{d}] = {f}, want status uploaded, sha256 {h}")
if o["trusted-publishing"] != "false": fail(f"trusted-publishing={o['trusted-publishing']}, want false")
summary = open(f"{fc}/step_summary_1").read()
for d in dists:
    if d not in summary: fail(f"the step summary does not name {d}")
for f in ("set_env_1", "add_path_1"):
    if os.path.getsize(f"{fc}/{f}"): fail(f"the action wrote {f} (GITHUB_ENV/GITHUB_PATH must stay untouched)")
# What the index holds, through its PEP 691 simple API.
simple = upload_url.replace("/legacy/", "/simple/")
got = {}
for project in sorted({re.sub(r"[-_.]+", "-", d.split("-")[0]).lower() for d in dists}):
    req = urllib.request.Request(simple + project + "/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        for f in json.load(resp)["files"]:
            got[f["filename"]] = f["hashes"]["sha256"]
if got != want: fail(f"the index holds {got}, want {want}")
for f in ("env1.stdout", "env1.stderr", "file_commands/step_summary_1", "file_commands/set_output_1"):
    for line in open(f"{r}/{f}"):
        if secret in line and not line.startswith("::add-mask::"):
            fail(f"the token appears outside ::add-mask:: in {f}: {line.strip()}")
print(f"OK: exit 0; {len(dists)} files uploaded, the index holds them with matching sha256; outputs and summary written; GITHUB_ENV/GITHUB_PATH untouched; token only in ::add-mask::")
EOF

log "run #2: packages-dir that does not exist (DS-01) must fail"
: >"$R/file_commands/set_output_1"
runenv "$R/env2" "${common[@]}" "INPUT_PASSWORD=$INDEX_TOKEN" \
  "INPUT_REPOSITORY-URL=$INDEX_URL" "INPUT_PACKAGES-DIR=no-such-dir"
rc=$(container "$R/env2")
sed 's/^/  | /' "$R/env2.stdout" "$R/env2.stderr" | head -20
[ "$rc" = 1 ] || die "DS-01 run exited $rc, want 1"
n=$(cat "$R/env2.stdout" "$R/env2.stderr" | grep -c '^::error' || true)
[ "$n" = 1 ] || die "DS-01 run printed $n ::error:: lines, want 1"
echo "OK: exit 1 with one ::error:: line"

# ------------------------------------------------------------------ 5. start-up (reported, not asserted)
# Time from process start to the first request at a loopback index, with the
# repository's bench/startup launcher and bench/sink index: the bare binary
# (20 runs) and the whole `podman run` (5 runs). One small wheel each time.
STARTUP_BIN=n/a STARTUP_CTR=n/a
if [ -d "$SRC/bench/startup" ] && [ -d "$SRC/bench/sink" ]; then
  log "start-up: process start to first request (bench/startup, bench/sink)"
  S="$WORK/startup"
  rm -rf "$S" && mkdir -p "$S/ws/dist"
  cp "$SRC"/demo/*.whl "$S/ws/dist/"
  (cd "$SRC" && go build -o "$B/sink" ./bench/sink && go build -o "$B/startup" ./bench/startup) || die "build bench/sink, bench/startup"
  "$B/sink" -addr 127.0.0.1:0 -port-file "$S/port" >"$S/sink.log" 2>&1 &
  SINK_PID=$!
  trap 'kill "$INDEX_PID" "$SINK_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 100); do [ -s "$S/port" ] && break; sleep 0.1; done
  [ -s "$S/port" ] || die "bench/sink did not start: $(cat "$S/sink.log")"
  SINK="http://127.0.0.1:$(cat "$S/port")"
  : >"$S/ws/out"; : >"$S/ws/sum"
  STARTUP_BIN=$(cd "$S/ws" && env -i PATH=/usr/bin:/bin HOME="$S" GITHUB_WORKSPACE="$S/ws" \
    "INPUT_REPOSITORY-URL=$SINK/legacy/" INPUT_PASSWORD=pypi-startup-bench INPUT_PACKAGES-DIR=dist \
    GITHUB_OUTPUT="$S/ws/out" GITHUB_STEP_SUMMARY="$S/ws/sum" \
    "$B/startup" -sink "$SINK" -n 20 -- "$B/host1" 2>"$S/bin.log" | tail -1) || die "start-up (binary): $(tail -3 "$S/bin.log")"
  STARTUP_CTR=$("$B/startup" -sink "$SINK" -n 5 -- podman run --rm --network host --workdir /github/workspace \
    -v "$S/ws:/github/workspace" -e "INPUT_REPOSITORY-URL=$SINK/legacy/" -e INPUT_PASSWORD=pypi-startup-bench \
    -e INPUT_PACKAGES-DIR=dist -e GITHUB_OUTPUT=/github/workspace/out -e GITHUB_STEP_SUMMARY=/github/workspace/sum \
    "$IMG" 2>"$S/ctr.log" | tail -1) || die "start-up (container): $(tail -3 "$S/ctr.log")"
  echo "binary:    $STARTUP_BIN"
  echo "container: $STARTUP_CTR"
  kill "$SINK_PID" 2>/dev/null || true
fi

# ------------------------------------------------------------------ summary
log "summary"
for k in builder go_build_1 go_build_2 image_build_1 image_build_2 image_build_arm64 run_publish; do
  if [ -n "${T[$k]:-}" ]; then printf '  %-18s %6ss\n' "$k" "${T[$k]}"; fi
done
printf '  %-18s %s bytes (linux/arm64: %s bytes)\n' "image size" "$SIZE" "${SIZE_ARM64:-n/a}"
printf '  %-18s %s\n' "binary sha256" "$I1" "version" "$VERSION" \
  "start (binary)" "$STARTUP_BIN" "start (podman)" "$STARTUP_CTR" "total" "$(dt "$T0")s"
echo "image: ALL OK"
