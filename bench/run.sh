#!/usr/bin/env bash
# bench/run.sh - compare pypi-publish with Debian's twine against one loopback index.
#
# Usage:  bench/run.sh [--quick] [--runs N] [--out DIR]
#
#   (full)    30 small real distributions, 100-file preflight, big wheels of 64 MiB, 256 MiB
#             and 1 GiB, 50 wheels at concurrency 1/4/8 with 300 ms latency per upload,
#             start-to-first-request, Go micro-benchmarks; 5 runs each. Writes
#             bench/results/{raw.tsv,RESULTS.md,plot.png,...} and the results section of
#             bench/README.md. Takes about 10 minutes on 2 cores.
#   --quick   the same harness with tiny sizes and 1 run (< 2 minutes), writing into the work
#             directory only: a smoke check for CI that every step still works.
#
# Environment:
#   PYPI_PUBLISH=path   binary to measure (default: built from this checkout with the
#                       Dockerfile's flags: CGO_ENABLED=0 -trimpath -ldflags "-s -w")
#   WORK=dir            work directory (default: a new /tmp/pypi-publish-bench.XXXXXX); the
#                       generated distributions (up to 1.3 GiB) live here and are removed at
#                       the end unless KEEP_WORK=1
#   LATENCY=300ms       per-upload latency of the sink in the concurrency scenario
#   NICE=-10            scheduling priority of the whole run (full run as root; 0 = unchanged)
#
# Needs: go, /usr/bin/time (apt time), /usr/bin/twine (apt twine), curl, /usr/bin/python3 with
# python3-matplotlib for the plot, and what .ci/build-corpus.sh installs.
set -Eeuo pipefail

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd -- "$HERE/.." && pwd)
PY=/usr/bin/python3
TWINE=${TWINE:-/usr/bin/twine}
CORPUS_TOOL=${CORPUS_TOOL:-$ROOT/.ci/build-corpus.sh}
[[ -x $CORPUS_TOOL ]] || CORPUS_TOOL=$ROOT/../shared/tools/build-corpus.sh

ORIG_ARGS=("$@")
QUICK=0
RUNS=
OUT=
while (( $# )); do
  case $1 in
    --quick) QUICK=1 ;;
    --runs) RUNS=$2; shift ;;
    --out) OUT=$2; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) printf 'usage: %s [--quick] [--runs N] [--out DIR]\n' "$0" >&2; exit 2 ;;
  esac
  shift
done

# On a shared machine, other work competes for the CPUs; both clients, the sink and the
# probes run at the same raised priority (NICE=-10 by default for a full run, as root), so
# the comparison stays fair and the numbers less noisy. NICE=0 turns this off.
if [[ -z ${BENCH_NICED:-} ]]; then
  want=${NICE:-$(( QUICK ? 0 : -10 ))}
  if [[ $want != 0 && $(nice -n "$want" nice 2>/dev/null) == "$(( $(nice) + want ))" ]]; then
    BENCH_NICED=$want exec nice -n "$want" "$0" "${ORIG_ARGS[@]}"
  fi
fi

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
trap 'die "command failed at line $LINENO: $BASH_COMMAND"' ERR

if (( QUICK )); then
  RUNS=${RUNS:-1}
  N_SMALL=6 N_PRE=10 N_CONC=8
  BIG_SIZES=(1048576 4194304)
  CONCS=(1 4)
  LATENCY=${LATENCY:-50ms}
  STARTUP_RUNS=3
  BENCHTIME=1x
else
  RUNS=${RUNS:-5}
  N_SMALL=30 N_PRE=100 N_CONC=50
  BIG_SIZES=(67108864 268435456 1073741824)
  CONCS=(1 4 8)
  LATENCY=${LATENCY:-300ms}
  STARTUP_RUNS=21
  BENCHTIME=1s
fi

for t in /usr/bin/time "$TWINE" curl go "$PY"; do
  [[ -x $(command -v "$t") ]] || die "$t is missing (apt-get install time twine curl; Go toolchain)"
done

WORK=${WORK:-$(mktemp -d /tmp/pypi-publish-bench.XXXXXX)}
mkdir -p "$WORK"
WORK=$(cd -- "$WORK" && pwd)
if (( QUICK )); then OUT=${OUT:-$WORK/results}; else OUT=${OUT:-$HERE/results}; fi
mkdir -p "$OUT"
OUT=$(cd -- "$OUT" && pwd)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ ${KEEP_WORK:-0} == 1 ]]; then log "work directory kept: $WORK"; else rm -rf -- "$WORK"; fi
}
trap cleanup EXIT
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "work directory $WORK, results in $OUT, $RUNS run(s) per measurement"

# ------------------------------------------------------------------ build
mkdir -p "$WORK/bin"
if [[ -n ${PYPI_PUBLISH:-} ]]; then
  BIN=$PYPI_PUBLISH
else
  log "building pypi-publish"
  (cd "$ROOT" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$WORK/bin/pypi-publish" .)
  BIN=$WORK/bin/pypi-publish
fi
(cd "$ROOT" && go build -o "$WORK/bin/sink" ./bench/sink && go build -o "$WORK/bin/startup" ./bench/startup &&
  go build -o "$WORK/bin/measure" ./bench/measure)

# ------------------------------------------------------------------ distributions
log "building the corpus of real distributions"
"$CORPUS_TOOL" "$WORK/corpus" >"$WORK/corpus.log" 2>&1 || { tail -n 20 "$WORK/corpus.log" >&2; die "build-corpus.sh failed"; }
MANIFEST=$WORK/corpus/manifest.json
"$PY" "$HERE/mkdists.py" set "$MANIFEST" "$WORK/small" "$N_SMALL" >/dev/null
"$PY" "$HERE/mkdists.py" set "$MANIFEST" "$WORK/pre" "$N_PRE" >/dev/null
"$PY" "$HERE/mkdists.py" set "$MANIFEST" "$WORK/conc" "$N_CONC" --wheels-only >/dev/null
mkdir -p "$WORK/one"
cp "$(ls "$WORK/small"/*.whl | head -n 1)" "$WORK/one/"
for s in "${BIG_SIZES[@]}"; do
  "$PY" "$HERE/mkdists.py" bigwheel "$WORK/big-$s" "$s" "$((s / 1048576)).0" >/dev/null
  printf '%s\n' "$WORK/big-$s"/*.whl >"$WORK/big-$s.path"
done
log "sets: small $(ls "$WORK/small" | wc -l), preflight $(ls "$WORK/pre" | wc -l), concurrency $(ls "$WORK/conc" | wc -l) wheels, big ${BIG_SIZES[*]} bytes"

# ------------------------------------------------------------------ sinks
start_sink() {  # start_sink NAME ARGS... ; sets PORT_<NAME>
  local name=$1; shift
  "$WORK/bin/sink" -port-file "$WORK/$name.port" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  local i
  for i in $(seq 100); do [[ -s $WORK/$name.port ]] && break; sleep 0.05; done
  [[ -s $WORK/$name.port ]] || die "sink $name did not start: $(cat "$WORK/$name.log")"
  printf -v "PORT_$name" '%s' "$(cat "$WORK/$name.port")"
}
start_sink fast
start_sink slow -latency "$LATENCY"
start_sink check -verify
URL_FAST=http://127.0.0.1:$PORT_fast
URL_SLOW=http://127.0.0.1:$PORT_slow
URL_CHECK=http://127.0.0.1:$PORT_check

mkdir -p "$WORK/home" "$WORK/gh"
# ours URL DIR VERIFY [NAME=VALUE...]: sets CMD to our binary with the inputs the action gets
ours() {
  local url=$1 dir=$2 verify=$3; shift 3
  : >"$WORK/gh/output"; : >"$WORK/gh/summary"
  CMD=(env -i PATH=/usr/bin:/bin HOME="$WORK/home" GITHUB_ACTIONS=true
    GITHUB_OUTPUT="$WORK/gh/output" GITHUB_STEP_SUMMARY="$WORK/gh/summary"
    "INPUT_REPOSITORY-URL=$url/legacy/" INPUT_USER=__token__ INPUT_PASSWORD=pypi-bench-token
    "INPUT_PACKAGES-DIR=$dir" INPUT_ATTESTATIONS=false "INPUT_VERIFY-METADATA=$verify"
    "$@" "$BIN")
}
# twine with the same clean environment
TWINE_ENV=(env -i PATH=/usr/bin:/bin HOME="$WORK/home")
TWINE_UPLOAD=("$TWINE" upload --non-interactive --disable-progress-bar -u __token__ -p pypi-bench-token)

sink_reset() { curl -fsS -X POST "$1/_sink/reset" >/dev/null; }
# sink_fields URL -> "uploads rejected content_bytes span_seconds max_in_flight"
sink_fields() {
  curl -fsS "$1/_sink/stats" | "$PY" -c '
import json, sys
s = json.load(sys.stdin)
span = (s["last_response_unix_ns"] - s["first_request_unix_ns"]) / 1e9 if s["first_request_unix_ns"] else 0
print(s["uploads"] + s["raw"], s["rejected"], s["content_bytes"] + s["body_bytes"] * (s["uploads"] == 0), f"{span:.6f}", s["max_in_flight"])'
}

RAW=$OUT/raw.tsv
rm -f "$OUT"/failed-*.log
printf 'scenario\tparam\ttool\trun\twall_s\tuser_s\tsys_s\tmaxrss_kib\trc\tgnu_time\tuploads\trejected\tbytes\tspan_s\tmax_in_flight\n' >"$RAW"
# measure SCENARIO PARAM TOOL RUN SINK_URL CMD... : one run under GNU time (through
# bench/measure, which adds ns wall and µs CPU resolution), one row of raw.tsv
measure() {
  local scenario=$1 param=$2 tool=$3 run=$4 url=$5; shift 5
  local tf=$WORK/time.out rc
  sink_reset "$url"
  "$WORK/bin/measure" -o "$tf" -- "$@" >"$WORK/last.log" 2>&1 || die "measure failed: $(tail -n 3 "$WORK/last.log")"
  local t s
  t=$(cat "$tf")
  rc=$(cut -f5 "$tf")
  s=$(sink_fields "$url")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$param" "$tool" "$run" "$t" "${s// /$'\t'}" >>"$RAW"
  if (( rc != 0 )) && [[ ! -e $OUT/failed-$scenario-$tool-$param.log ]]; then
    cp "$WORK/last.log" "$OUT/failed-$scenario-$tool-$param.log"
    log "warning: $tool ($scenario $param) exited $rc; log kept in $OUT/failed-$scenario-$tool-$param.log"
  fi
}

# ------------------------------------------------------------------ sanity: both clients upload every file, digests verified
log "sanity: every file of the small set reaches the verifying sink from both clients"
for tool in ours twine; do
  sink_reset "$URL_CHECK"
  if [[ $tool == ours ]]; then
    ours "$URL_CHECK" "$WORK/small" false
    "${CMD[@]}" >"$WORK/sanity-$tool.log" 2>&1 || true
  else
    "${TWINE_ENV[@]}" "${TWINE_UPLOAD[@]}" --repository-url "$URL_CHECK/legacy/" "$WORK/small"/* >"$WORK/sanity-$tool.log" 2>&1 || true
  fi
  read -r up rej _ <<<"$(sink_fields "$URL_CHECK")"
  if (( up != N_SMALL || rej != 0 )); then
    tail -n 30 "$WORK/sanity-$tool.log" >&2
    die "sanity: $tool delivered $up of $N_SMALL files ($rej rejected by the sink)"
  fi
done

# ------------------------------------------------------------------ 1. small set, upload and verify+upload
# the small and preflight cells take well under a second each: more runs make their medians
# steadier on a shared machine at little cost
SMALL_RUNS=$(( QUICK ? RUNS : 2 * RUNS + 1 ))
log "small set: $N_SMALL files, $SMALL_RUNS runs"
for run in $(seq "$SMALL_RUNS"); do
  ours "$URL_FAST" "$WORK/small" false
  measure small-upload "$N_SMALL" ours "$run" "$URL_FAST" "${CMD[@]}"
  measure small-upload "$N_SMALL" twine "$run" "$URL_FAST" \
    "${TWINE_ENV[@]}" "${TWINE_UPLOAD[@]}" --repository-url "$URL_FAST/legacy/" "$WORK/small"/*
  ours "$URL_FAST" "$WORK/small" true
  measure small-verify "$N_SMALL" ours "$run" "$URL_FAST" "${CMD[@]}"
  ours "$URL_FAST" "$WORK/small" false INPUT_CONCURRENCY=4
  measure small-upload-c4 "$N_SMALL" ours "$run" "$URL_FAST" "${CMD[@]}"
  # upstream's verify-metadata: `twine check` then `twine upload` (here the upload runs even
  # when check fails on the hatch_meta12 wheel, so both do the same work)
  measure small-verify "$N_SMALL" twine "$run" "$URL_FAST" "${TWINE_ENV[@]}" URL="$URL_FAST/legacy/" /bin/sh -c \
    '"$0" check "$@" >/dev/null; "$0" upload --non-interactive --disable-progress-bar -u __token__ -p pypi-bench-token --repository-url "$URL" "$@"' \
    "$TWINE" "$WORK/small"/*
done

# ------------------------------------------------------------------ 2. preflight
log "preflight: $N_PRE files, $SMALL_RUNS runs"
for run in $(seq "$SMALL_RUNS"); do
  ours "$URL_FAST" "$WORK/pre" true INPUT_DRY-RUN=true
  measure preflight "$N_PRE" ours "$run" "$URL_FAST" "${CMD[@]}"
  measure preflight "$N_PRE" twine "$run" "$URL_FAST" "${TWINE_ENV[@]}" "$TWINE" check "$WORK/pre"/*
done

# ------------------------------------------------------------------ 3. big wheels
log "big wheels: ${BIG_SIZES[*]} bytes"
for run in $(seq "$RUNS"); do
  for s in "${BIG_SIZES[@]}"; do
    f=$(cat "$WORK/big-$s.path")
    ours "$URL_FAST" "$WORK/big-$s" true
    measure big "$s" ours "$run" "$URL_FAST" "${CMD[@]}"
    measure big "$s" twine "$run" "$URL_FAST" "${TWINE_ENV[@]}" "${TWINE_UPLOAD[@]}" --repository-url "$URL_FAST/legacy/" "$f"
    # raw loopback throughput of the sink: `curl --data-binary @file` holds the whole file in
    # memory and refuses files this big ("out of memory"), so stream it with -T
    measure big "$s" curl "$run" "$URL_FAST" curl -fsS -o /dev/null -X POST \
      -H 'Content-Type: application/octet-stream' -T "$f" "$URL_FAST/legacy/"
    # the same multipart form through the sink's parser, from a client with no start-up cost
    measure big "$s" curl-form "$run" "$URL_FAST" curl -fsS -o /dev/null -u __token__:pypi-bench-token \
      -F name=big-wheel -F version=1.0 -F filetype=bdist_wheel -F sha256_digest=unchecked \
      -F :action=file_upload -F protocol_version=1 \
      -F "content=@$f;filename=${f##*/};type=application/octet-stream" "$URL_FAST/legacy/"
    measure big "$s" sha256sum "$run" "$URL_FAST" sha256sum "$f"
  done
done
# the small-file form as the brief asks: curl --data-binary on the 64 MiB-or-smaller file
f=$(cat "$WORK/big-${BIG_SIZES[0]}.path")
for run in $(seq "$RUNS"); do
  measure big "${BIG_SIZES[0]}" curl-data-binary "$run" "$URL_FAST" curl -fsS -o /dev/null \
    -H 'Content-Type: application/octet-stream' --data-binary "@$f" "$URL_FAST/legacy/"
done

# ------------------------------------------------------------------ 4. concurrency
log "concurrency: $N_CONC wheels, sink latency $LATENCY per upload"
for run in $(seq "$RUNS"); do
  for c in "${CONCS[@]}"; do
    ours "$URL_SLOW" "$WORK/conc" false "INPUT_CONCURRENCY=$c"
    measure concurrency "$c" ours "$run" "$URL_SLOW" "${CMD[@]}"
  done
  measure concurrency 1 twine "$run" "$URL_SLOW" "${TWINE_ENV[@]}" "${TWINE_UPLOAD[@]}" --repository-url "$URL_SLOW/legacy/" "$WORK/conc"/*
done

# ------------------------------------------------------------------ 5. start to first request
log "start to first request"
ours "$URL_FAST" "$WORK/one" true
{
  printf 'ours\t'
  "$WORK/bin/startup" -sink "$URL_FAST" -n "$STARTUP_RUNS" -- "${CMD[@]}" | tail -n 1
  printf 'twine\t'
  "$WORK/bin/startup" -sink "$URL_FAST" -n "$(( STARTUP_RUNS < 5 ? STARTUP_RUNS : 5 ))" -- \
    "${TWINE_ENV[@]}" "${TWINE_UPLOAD[@]}" --repository-url "$URL_FAST/legacy/" "$WORK/one"/*.whl | tail -n 1
} >"$OUT/startup.tsv"

# ------------------------------------------------------------------ 6. Go micro-benchmarks
log "go test -bench (benchtime $BENCHTIME)"
# BenchmarkHashFile reads the biggest wheel, the file sha256sum was timed on above
(cd "$ROOT" && go test -run '^$' -bench . -benchmem -benchtime "$BENCHTIME" ./bench \
  -args -hashfile="$(cat "$WORK/big-${BIG_SIZES[-1]}.path")") >"$OUT/gobench.txt"

# ------------------------------------------------------------------ environment and report
{
  printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'commit\t%s\n' "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  printf 'cpu\t%s x %s\n' "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  printf 'memory\t%s MiB\n' "$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)"
  printf 'kernel\t%s\n' "$(uname -r)"
  printf 'go\t%s\n' "$(go version | cut -d' ' -f3-)"
  printf 'binary\t%s bytes\n' "$(stat -c %s "$BIN")"
  printf 'twine\t%s\n' "$("$TWINE" --version 2>/dev/null | tr '\n' ' ' | sed 's/  */ /g')"
  printf 'python\t%s\n' "$("$PY" --version)"
  printf 'curl\t%s\n' "$(curl --version | sed -n 1p)"
  printf 'sha256sum\t%s\n' "$(sha256sum --version | sed -n 1p)"
  printf 'runs\t%s\n' "$RUNS"
  printf 'latency\t%s\n' "$LATENCY"
  printf 'quick\t%s\n' "$QUICK"
  printf 'nice\t%s\n' "$(nice)"
  printf 'load average at start\t%s\n' "$LOAD_START"
  printf 'load average at end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/env.tsv"

README_ARGS=()
(( QUICK )) || README_ARGS=(--readme "$HERE/README.md")
"$PY" "$HERE/report.py" "$OUT" "${README_ARGS[@]}"
(( QUICK )) && cat "$OUT/RESULTS.md"
# our binary must succeed in every run (twine check's exit 1 on the hatch_meta12 wheels is expected)
bad=$(awk -F'\t' 'NR > 1 && $3 == "ours" && $9 != 0 { print $1 " " $2 " run " $4 ": exit " $9 }' "$RAW")
[[ -z $bad ]] || die "pypi-publish failed: $bad (logs in $OUT/failed-*.log)"
log "done: $OUT/RESULTS.md"
