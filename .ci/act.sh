#!/usr/bin/env bash
# .ci/act.sh - run the action under nektos/act, an emulation of GitHub's
# runner written by others that reads action.yml itself, with podman's
# Docker API in place of a Docker engine (issue 18). It checks the runner's
# contract from the outside: INPUT_* names and defaults, the GITHUB_OUTPUT
# and GITHUB_STEP_SUMMARY files, the workspace mount, and a later step that
# reads the outputs.
#
#   .ci/act.sh              # from anywhere; runs the repository this script is in
#
# The workflows (in .ci/act/, not .github/workflows/, so GitHub never runs them):
#   (a) dockerfile.yml          `uses: ./`, act builds the image from the
#                               Dockerfile; API token; packages-dir as globs
#   (b) release-image.yml       the release form: a copy of action.yml that
#                               says `image: docker://localhost/pypi-publish@sha256:…`,
#                               the image built beforehand with buildah; the
#                               deprecated alias repository_url, other inputs
#                               at their defaults
#   (c) trusted-publishing.yml  no password: a fake GitHub token service and a
#                               fake index that mints tokens (example/sink.py
#                               --oidc), the OIDC variables passed with --env
#   (d) host-mode.yml           act's host mode (-P ubuntu-latest=-self-hosted):
#                               the summary and output files cannot be opened
#                               by the action; a good publish must still
#                               succeed, with warnings (ACT_HOST_MODE)
# In (a) to (c) a later step (.ci/act/check-outputs.sh) fails the workflow
# when files, uploaded-files or trusted-publishing is wrong. For each
# workflow this script asserts: act exited 0, the later step said OK, the
# index received every file (with a token, or with a minted one in (c)),
# and act printed the step summary into its log. Ends with "act: ALL OK".
#
# Tools: ../shared/tools/act-runner (act 0.2.89 + podman; its README) and
# its example/sink.py as the index. Where act-runner is missing, or this is
# not root, the check is skipped with a message; with CI=true that is a
# failure. Needs Go on PATH, python3, and socat for (d) (.ci/install.sh).
#
# Knobs (environment):
#   ACT_RUNNER_DIR=../shared/tools/act-runner   where act-runner is
#   ACT_WORK=/var/tmp/pypi-publish-act          act-runner's work dir (act,
#                        podman store and service, run logs); delete it with
#                        `act-runner wipe`, not rm -rf
#   IMAGE_WORK=/var/tmp/pypi-publish-image      the image check's work dir:
#                        its debootstrap rootfs is reused for the builder
#   ACT_HOST_MODE=1      runs (d) and requires it to pass (0 skips it)
#   ACT_TIMEOUT=900      seconds for the whole check
# Timing (2 cores): see "How CI runs the action under act" in docs/image.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AR_DIR=${ACT_RUNNER_DIR:-$ROOT/../shared/tools/act-runner}
WORK=${ACT_WORK:-/var/tmp/pypi-publish-act}
IMAGE_WORK=${IMAGE_WORK:-/var/tmp/pypi-publish-image}
SUITE=${SUITE:-bookworm}
TIMEOUT=${ACT_TIMEOUT:-900}
HOST_MODE=${ACT_HOST_MODE:-1}
IMG=localhost/pypi-publish
PY=/usr/bin/python3 # Debian's, never a pyenv shim

skip() {
  if [ "${CI:-}" = true ]; then
    printf 'act: FAIL: %s (CI=true: the act check may not be skipped)\n' "$*" >&2
    exit 1
  fi
  printf 'act: SKIP: %s\n' "$*"
  exit 0
}
[ -x "$AR_DIR/act-runner" ] || skip "no act-runner at $AR_DIR (set ACT_RUNNER_DIR)"
[ "$(id -u)" = 0 ] || skip "act-runner needs root (rootful podman, debootstrap)"
command -v go >/dev/null || skip "no go on PATH"
[ -x "$PY" ] || skip "no $PY (the fake index is a Python script)"

CHECK=act
# shellcheck source=.ci/lib.sh
. "$ROOT/.ci/lib.sh"
bound ACT_TIMEOUT "$@" # the whole check is time-bounded

AR="$AR_DIR/act-runner"
SINK="$AR_DIR/example/sink.py"
[ -f "$SINK" ] || die "no $SINK"

# ------------------------------------------------------------------ the later step's checker
# It must be able to fail: try it on the host with right and wrong outputs
# before trusting its OK under act.
log "self-test of .ci/act/check-outputs.sh"
bash "$ROOT/.ci/act/selftest.sh" || die "check-outputs.sh self-test"

# ------------------------------------------------------------------ act-runner setup
# The builder image is debootstrap's minbase rootfs plus this machine's Go,
# the recipe of .ci/image.sh. act-runner keeps its own container store, so
# the image itself cannot be shared, but the rootfs tarball can: link the
# image check's into WORK before setup, which then skips debootstrap.
mkdir -p "$WORK/cache"
ROOTFS="cache/rootfs-${SUITE}-minbase.tar"
if [ ! -s "$WORK/$ROOTFS" ] && [ -s "$IMAGE_WORK/$ROOTFS" ]; then
  ln -f "$IMAGE_WORK/$ROOTFS" "$WORK/$ROOTFS" 2>/dev/null || cp "$IMAGE_WORK/$ROOTFS" "$WORK/$ROOTFS"
  echo "act: builder rootfs from the image check: $IMAGE_WORK/$ROOTFS"
fi
# A podman service left running by an earlier check keeps the working
# directory it started in; when that checkout has been deleted, conmon cannot
# start containers ("Failed to get working directory", "write child: broken
# pipe"). Stop such a service, and start the next one from WORK, which stays.
if [ -s "$WORK/podman.pid" ]; then
  pid=$(cat "$WORK/podman.pid")
  if [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == *"(deleted)" ]]; then
    echo "act: the podman service (pid $pid) runs in a deleted directory; restarting it"
    "$AR" stop "$WORK" >/dev/null 2>&1 || true
  fi
fi
log "act-runner setup $WORK"
t=$(now)
(cd "$WORK" && "$AR" setup "$WORK") >"$WORK/setup.log" 2>&1 || {
  tail -30 "$WORK/setup.log"
  die "act-runner setup (log: $WORK/setup.log)"
}
grep -E '^act-runner: (act installed|debootstrap in|builder image .* in|setup done)' "$WORK/setup.log" || true
T[setup]=$(dt "$t")
# One check at a time per work dir (the sinks' records and the image tag).
exec 9>"$WORK/.act-sh.lock"
flock -w 600 9 || die "another .ci/act.sh holds $WORK/.act-sh.lock"

# podman and buildah on act-runner's private store, its builder's name.
# shellcheck disable=SC1091
. "$WORK/env"
GO_IMAGE=$ACT_RUNNER_GO_IMAGE

# ------------------------------------------------------------------ sources
# One snapshot of the work tree (tracked and untracked, not ignored files),
# as .ci/image.sh takes it: no build caches or corpora go into act's copy.
SRC="$WORK/src"
rm -rf "$SRC" && mkdir -p "$SRC"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf -) | tar -C "$SRC" -xf -
else
  tar -C "$ROOT" --exclude=./.git --exclude=./.cache -cf - . | tar -C "$SRC" -xf -
fi
DISTS=("$SRC"/demo/*.whl "$SRC"/demo/*.tar.gz)
[ -f "${DISTS[0]}" ] || die "no sample distributions in demo/"
ADD_DISTS=()
for f in "${DISTS[@]}"; do ADD_DISTS+=(--add "$f:dists/"); done
ADD_CHECK=(--add "$ROOT/.ci/act/check-outputs.sh:.ci/act/check-outputs.sh")

# ------------------------------------------------------------------ the fake index
RUNS="$WORK/act-sh"
mkdir -p "$RUNS"
SINK_PID='' FWD_PID=''
stop_index() {
  local p
  for p in $FWD_PID $SINK_PID; do
    if kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
    fi
  done
  SINK_PID='' FWD_PID=''
}
trap stop_index EXIT
trap 'exit 143' TERM INT
# start_index DIR [--oidc]: example/sink.py on the first free loopback port
# of 18240-18259, recording uploads in DIR/uploads.jsonl. Sets PORT, TOKEN
# (and OIDC_URL, OIDC_TOKEN with --oidc) and writes DIR/secrets for
# --secret-file (not -s: a command line is visible in ps).
start_index() {
  local d=$1
  shift
  : >"$d/uploads.jsonl"
  "$PY" "$SINK" --record "$d/uploads.jsonl" "$@" >"$d/sink.out" 2>"$d/sink.log" &
  SINK_PID=$!
  for _ in $(seq 50); do
    grep -q '^TOKEN=' "$d/sink.out" 2>/dev/null && break
    kill -0 "$SINK_PID" 2>/dev/null || die "sink.py exited: $(cat "$d/sink.log")"
    sleep 0.2
  done
  PORT=$(sed -n 's/^PORT=//p' "$d/sink.out")
  TOKEN=$(sed -n 's/^TOKEN=//p' "$d/sink.out")
  OIDC_URL=$(sed -n 's/^OIDC_URL=//p' "$d/sink.out")
  OIDC_TOKEN=$(sed -n 's/^OIDC_TOKEN=//p' "$d/sink.out")
  if [ -z "$PORT" ] || [ -z "$TOKEN" ]; then die "sink.py did not start: $(cat "$d/sink.log")"; fi
  (umask 077 && printf 'INDEX_TOKEN=%s\n' "$TOKEN" >"$d/secrets")
}

# act_case NAME WORKFLOW ACTION_DIR [act-runner run options] -- [act args]:
# run one workflow with act-runner; sets LOG and RC.
act_case() {
  local name=$1 wf=$2 action=$3
  shift 3
  local out="$RUNS/$name/run.out"
  RC=0
  "$AR" run "$WORK" "$action" "$ROOT/.ci/act/$wf" --quiet "$@" >"$out" 2>&1 || RC=$?
  LOG=$(sed -n 's/^act-runner: act log: //p' "$out" | tail -1)
  [ -f "$LOG" ] || {
    cat "$out"
    die "$name: no act log (see $out)"
  }
  echo "act log: $LOG (act exit code $RC)"
}
# log_step STEP: the lines a step printed, from act's log.
log_step() {
  sed -n "/⭐ Run Main $1\$/,/Main $1 \[/p" "$LOG" | grep -E '^\[[^]]*\]   (\||🚧|❗|⚙)' | sed 's/^\[[^]]*\]   //' || true
}
# expect_ok NAME STEP AUTH: act exited 0, STEP printed check-outputs' OK, the
# index received each sample with AUTH (token or trusted), act printed the
# step summary into its log, and no error annotation or token is in it.
expect_ok() {
  local name=$1 step=$2 auth=$3 d="$RUNS/$1" f b
  log_step "$step" | sed 's/^/  /'
  if [ "$RC" != 0 ]; then
    grep -E '🚧|❗|❌|Error' "$LOG" | tail -20 | sed 's/^/  /'
    die "$name: act exited $RC, want 0 (log: $LOG)"
  fi
  log_step "$step" | grep -q 'check-outputs: OK' || die "$name: the step '$step' did not print check-outputs: OK (log: $LOG)"
  for f in "${DISTS[@]}"; do
    b=${f##*/}
    grep -F "\"filename\": \"$b\"" "$d/uploads.jsonl" | grep -qF "\"auth\": \"$auth\"" ||
      die "$name: the index did not receive $b with auth $auth (record: $d/uploads.jsonl)"
  done
  grep -q '⚙  Summary - ## pypi-publish: Published to' "$LOG" || die "$name: act printed no step summary (log: $LOG)"
  if grep -q '❗' "$LOG"; then die "$name: a good publish printed an error annotation (log: $LOG)"; fi
  no_secret "$name"
  echo "OK: $name: act exit 0, outputs checked by the later step, the index holds ${#DISTS[@]} files (auth $auth), summary in act's log, no secret in it"
}
# no_secret NAME: the index's token and the OIDC request token appear in
# neither act's log nor act-runner's output (the action masks what it gets,
# act masks its secrets).
no_secret() {
  local s
  for s in "$TOKEN" "$OIDC_TOKEN"; do
    [ -n "$s" ] || continue
    if grep -qF -- "$s" "$LOG" "$RUNS/$1/run.out"; then die "$1: a token appears in act's log or output (log: $LOG)"; fi
  done
}
new_case() { # new_case NAME: a fresh folder for its records
  rm -rf "${RUNS:?}/$1" && mkdir -p "$RUNS/$1"
}

# ------------------------------------------------------------------ (a) uses: ./ (Dockerfile)
log "(a) dockerfile.yml: uses: ./, act builds the Dockerfile (builder $GO_IMAGE)"
new_case a
start_index "$RUNS/a"
t=$(now)
act_case a dockerfile.yml "$SRC" --action-path . "${ADD_CHECK[@]}" -- \
  --var "INDEX_URL=http://127.0.0.1:$PORT/legacy/" --secret-file "$RUNS/a/secrets"
T[a_dockerfile]=$(dt "$t")
stop_index
expect_ok a "Check the outputs" token
grep -q '🐳  docker build ' "$LOG" || die "a: act did not build the Dockerfile (log: $LOG)"

# ------------------------------------------------------------------ (b) image: docker://…
log "(b) release-image.yml: build $IMG:act with buildah, action.yml says image: docker://…@sha256"
new_case b
t=$(now)
# A fixed VERSION: a new commit alone does not make buildah compile again.
buildah bud --layers --isolation chroot --network host --build-arg "GO_IMAGE=$GO_IMAGE" \
  --build-arg VERSION=act --build-arg "TARGETARCH=$(go env GOARCH)" \
  -f "$SRC/Dockerfile" -t "$IMG:act" "$SRC" >"$RUNS/b/build.log" 2>&1 || {
  tail -30 "$RUNS/b/build.log"
  die "buildah bud (log: $RUNS/b/build.log)"
}
T[b_build]=$(dt "$t")
DIGEST=$(podman image inspect -f '{{.Digest}}' "$IMG:act")
case "$DIGEST" in sha256:????????????????????????????????????????????????????????????????) ;; *) die "image digest '$DIGEST'" ;; esac
# The release commit's edit (.github/workflows/release.yml), on a copy.
REL="$RUNS/release-action"
rm -rf "$REL" && mkdir -p "$REL"
cp "$SRC/action.yml" "$REL/action.yml"
n=$(grep -cE '^  image: ["'"'"']?Dockerfile["'"'"']?$' "$REL/action.yml" || true)
[ "$n" = 1 ] || die "action.yml must hold exactly one 'image: Dockerfile' line under runs:, found $n"
sed -i -E "s|^  image: [\"']?Dockerfile[\"']?\$|  image: docker://$IMG@$DIGEST|" "$REL/action.yml"
grep -Fx "  image: docker://$IMG@$DIGEST" "$REL/action.yml"
start_index "$RUNS/b"
t=$(now)
act_case b release-image.yml "$REL" "${ADD_DISTS[@]}" "${ADD_CHECK[@]}" -- \
  --var "INDEX_URL=http://127.0.0.1:$PORT/legacy/" --secret-file "$RUNS/b/secrets"
T[b_release_image]=$(dt "$t")
stop_index
expect_ok b "Check the outputs" token
grep -q 'docker build' "$LOG" && die "b: act built an image, but action.yml names one (log: $LOG)"

# ------------------------------------------------------------------ (c) trusted publishing
log "(c) trusted-publishing.yml: no password, fake token service and mint-token (sink.py --oidc)"
new_case c
start_index "$RUNS/c" --oidc
t=$(now)
act_case c trusted-publishing.yml "$REL" "${ADD_DISTS[@]}" "${ADD_CHECK[@]}" -- \
  --var "INDEX_URL=http://127.0.0.1:$PORT/legacy/" \
  --env "ACTIONS_ID_TOKEN_REQUEST_URL=$OIDC_URL" --env "ACTIONS_ID_TOKEN_REQUEST_TOKEN=$OIDC_TOKEN"
T[c_trusted]=$(dt "$t")
stop_index
expect_ok c "Check the outputs" trusted

# ------------------------------------------------------------------ (d) host mode
if [ "$HOST_MODE" = 1 ]; then
  log "(d) host-mode.yml: -P ubuntu-latest=-self-hosted; the output and summary files are out of the action's reach"
  command -v socat >/dev/null || die "(d) needs socat (apt-get install socat, or ACT_HOST_MODE=0 to skip it)"
  new_case d
  start_index "$RUNS/d"
  # The action's container is on the default bridge here: forward a port of
  # the host's own address to the index on loopback.
  HOST_IP=$(ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
  [ -n "$HOST_IP" ] || HOST_IP=$(hostname -I | awk '{print $1}')
  [ -n "$HOST_IP" ] || die "(d) no address of this host other than loopback"
  FWD_PORT=''
  for p in $(seq 18260 18279); do
    socat "TCP-LISTEN:$p,bind=$HOST_IP,fork,reuseaddr" "TCP:127.0.0.1:$PORT" 2>>"$RUNS/d/socat.log" &
    FWD_PID=$!
    sleep 0.3
    if kill -0 "$FWD_PID" 2>/dev/null; then
      FWD_PORT=$p
      break
    fi
  done
  [ -n "$FWD_PORT" ] || die "(d) socat found no free port in 18260-18279 on $HOST_IP"
  t=$(now)
  act_case d host-mode.yml "$REL" "${ADD_DISTS[@]}" -- -P ubuntu-latest=-self-hosted \
    --var "INDEX_URL=http://$HOST_IP:$FWD_PORT/legacy/" --secret-file "$RUNS/d/secrets"
  T[d_host_mode]=$(dt "$t")
  stop_index
  log_step Publish | grep -E '🚧|❗' | sed 's/^/  /' || true
  log_step "Check the outcome" | sed 's/^/  /'
  for f in "${DISTS[@]}"; do
    grep -qF "\"filename\": \"${f##*/}\"" "$RUNS/d/uploads.jsonl" || die "(d) the index did not receive ${f##*/}"
  done
  [ "$RC" = 0 ] || die "(d) host mode: act exited $RC after the index received every file; an unwritable GITHUB_OUTPUT or GITHUB_STEP_SUMMARY must be a warning (log: $LOG)"
  log_step Publish | grep '🚧' | grep -qE 'SUMMARY|[Ss]ummary' || die "(d) no warning about the step summary file (log: $LOG)"
  log_step Publish | grep '🚧' | grep -qE 'OUTPUT|outputcmd|[Oo]utputs' || die "(d) no warning about the output file (log: $LOG)"
  echo "OK: d: host mode: every file uploaded, exit 0, a warning for each file the action could not open"
else
  echo "act: (d) host mode skipped (ACT_HOST_MODE=$HOST_MODE; ACT_HOST_MODE=1 runs it)"
fi

# ------------------------------------------------------------------ summary
log "summary"
for k in setup a_dockerfile b_build b_release_image c_trusted d_host_mode; do
  if [ -n "${T[$k]:-}" ]; then printf '  %-18s %6ss\n' "$k" "${T[$k]}"; fi
done
printf '  %-18s %6ss\n' total "$(dt "$T0")"
echo "act: ALL OK"
