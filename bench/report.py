#!/usr/bin/python3
"""Turn one bench/run.sh run into tables and a plot (run with Debian's /usr/bin/python3).

    report.py OUTDIR [--readme bench/README.md]

Reads OUTDIR/raw.tsv, startup.tsv, gobench.txt and env.tsv; writes OUTDIR/RESULTS.md and
OUTDIR/plot.png (python3-matplotlib; skipped with a warning when missing). With --readme, the
text between the "<!-- results:begin -->" and "<!-- results:end -->" markers of that file is
replaced by RESULTS.md (the plot linked from results/plot.png).

Every number is the median over the runs; CPU is user + system time; RSS is GNU time's %M
(peak resident set size of the largest process), in MiB. Wall and CPU come from bench/measure
(ns / µs resolution), which runs the command under GNU time; raw.tsv keeps GNU time's own line.
"""

import argparse
import collections
import csv
import os
import re
import statistics
import sys

MIB = 1 << 20


def load_raw(path):
    rows = collections.defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            rows[(r["scenario"], r["param"], r["tool"])].append(r)
    return rows


class Stat:
    """Medians of one (scenario, param, tool) cell."""

    def __init__(self, rows):
        def med(fn):
            return statistics.median(fn(r) for r in rows)

        self.n = len(rows)
        self.wall = med(lambda r: float(r["wall_s"]))
        self.cpu = med(lambda r: float(r["user_s"]) + float(r["sys_s"]))
        self.rss = med(lambda r: int(r["maxrss_kib"]) / 1024)
        self.rss_max = max(int(r["maxrss_kib"]) / 1024 for r in rows)
        self.span = med(lambda r: float(r["span_s"]))
        self.bytes = med(lambda r: int(r["bytes"]))
        self.uploads = med(lambda r: int(r["uploads"]))
        self.inflight = max(int(r["max_in_flight"]) for r in rows)
        self.failed = sum(1 for r in rows if r["rc"] != "0")

    def throughput(self):
        """MB/s of the upload as the sink saw it: first request in to last answer out."""
        return self.bytes / self.span / 1e6 if self.span > 0 else float("nan")


def fmt_s(x):
    if x < 0.1:
        return f"{x * 1000:.1f} ms"
    return f"{x * 1000:.0f} ms" if x < 10 else f"{x:.1f} s"


def size_label(b):
    b = int(b)
    return f"{b // (1 << 30)} GiB" if b >= 1 << 30 else f"{b // MIB} MiB"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def note_failed(s):
    return f" (exit status not 0 in {s.failed}/{s.n} runs)" if s.failed else ""


def compare_rows(stats, scenario, param, label):
    ours, twine = stats.get((scenario, param, "ours")), stats.get((scenario, param, "twine"))
    rows = []
    for tool, s in (("pypi-publish", ours), ("twine", twine)):
        if s:
            rows.append([f"{label}, {tool}", fmt_s(s.wall) + note_failed(s), fmt_s(s.cpu), f"{s.rss:.1f}"])
    if ours and twine:
        rows.append([f"{label}, **ours/twine**", f"**{ours.wall / twine.wall:.3f}** ({twine.wall / ours.wall:.1f}x faster)",
                     f"{ours.cpu / twine.cpu:.3f}", f"{ours.rss / twine.rss:.2f}"])
    return rows


def parse_startup(path):
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            tool, _, rest = line.strip().partition("\t")
            kv = dict(p.split("=", 1) for p in rest.split() if "=" in p)
            if "median_ms" in kv:
                out[tool] = (float(kv["median_ms"]), float(kv["median_exit_ms"]))
    return out


def parse_gobench(path):
    rows = []
    if not os.path.exists(path):
        return rows
    pat = re.compile(r"^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+([\d.]+) ns/op(?:\s+([\d.]+) MB/s)?(?:\s+(\d+) B/op)?(?:\s+(\d+) allocs/op)?")
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = pat.match(line)
            if m:
                name, _, ns, mbs, bop, allocs = m.groups()
                rows.append((name, float(ns), float(mbs) if mbs else None, int(bop) if bop else None, int(allocs) if allocs else None))
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("outdir")
    p.add_argument("--readme")
    a = p.parse_args()
    out = a.outdir
    raw = load_raw(os.path.join(out, "raw.tsv"))
    stats = {k: Stat(v) for k, v in raw.items()}
    env = {}
    with open(os.path.join(out, "env.tsv"), encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            env[k] = v
    startup = parse_startup(os.path.join(out, "startup.tsv"))
    gobench = parse_gobench(os.path.join(out, "gobench.txt"))

    def get(*k):
        return stats.get(k)

    md = []
    small_runs = 2 * int(env.get("runs", "0") or 0) + 1 if env.get("quick") != "1" else env.get("runs", "?")
    md.append(f"Run of {env.get('date', '?')} at commit `{env.get('commit', '?')}`: medians of {env.get('runs', '?')} runs per cell "
              f"({small_runs} for the small set and the preflight). Machine: {env.get('cpu', '?')}, {env.get('memory', '?')}, Linux {env.get('kernel', '?')}. "
              f"{env.get('go', '')}; binary {env.get('binary', '?')}; {env.get('twine', '')}; {env.get('python', '')}. "
              "CPU = user + sys; RSS = peak resident set (GNU time `%M`), MiB. Files are in the page cache. "
              f"Load average (1/5/15 min) at start {env.get('load average at start', '?')}, at end {env.get('load average at end', '?')}.")
    if env.get("quick") == "1":
        md.append("\n**Quick mode** (tiny sizes, smoke check only): the numbers mean nothing.")

    # ---- targets
    small = (get("small-upload", *[k[1] for k in stats if k[0] == "small-upload"][:1], "ours"),
             get("small-upload", *[k[1] for k in stats if k[0] == "small-upload"][:1], "twine"))
    pre_n = next((k[1] for k in stats if k[0] == "preflight"), None)
    pre = (get("preflight", pre_n, "ours"), get("preflight", pre_n, "twine"))
    big_sizes = sorted({int(k[1]) for k in stats if k[0] == "big"})
    targets = []

    def verdict(ok):
        return "met" if ok else "**missed**"

    if all(small):
        r = small[1].wall / small[0].wall
        targets.append(["small set end to end: twine / ours wall time", f"{r:.1f}x (CPU time {small[1].cpu / small[0].cpu:.1f}x)", ">= 10x", verdict(r >= 10)])
    if big_sizes:
        top = str(big_sizes[-1])
        o = get("big", top, "ours")
        if o:
            targets.append([f"peak RSS, {size_label(top)} wheel", f"{o.rss:.1f} MiB (max {o.rss_max:.1f})", "<= 32 MiB", verdict(o.rss_max <= 32)])
            rss = [get("big", str(s), "ours").rss for s in big_sizes if get("big", str(s), "ours")]
            spread = max(rss) - min(rss)
            targets.append([f"RSS flat in file size ({', '.join(size_label(s) for s in big_sizes)})",
                            " / ".join(f"{x:.1f}" for x in rss) + f" MiB (spread {spread:.1f})", "flat (spread <= 4 MiB)", verdict(spread <= 4)])
            c, cf = get("big", top, "curl"), get("big", top, "curl-form")
            if c:
                ratio = o.throughput() / c.throughput()
                extra = f"; {o.throughput() / cf.throughput() * 100:.0f}% of curl -F's {cf.throughput():.0f}" if cf else ""
                targets.append([f"upload throughput, {size_label(top)} (sink: request in to answer out)",
                                f"{o.throughput():.0f} MB/s = {ratio * 100:.0f}% of curl -T's {c.throughput():.0f} MB/s{extra}", ">= 90% of raw curl", verdict(ratio >= 0.9)])
    if all(pre):
        r = pre[1].wall / pre[0].wall
        targets.append([f"preflight of {pre_n} files: `twine check` / our dry-run", f"{r:.1f}x (CPU time {pre[1].cpu / pre[0].cpu:.1f}x)", ">= 10x", verdict(r >= 10)])
    if "ours" in startup:
        ms = startup["ours"][0]
        targets.append(["binary start to first request", f"{ms:.1f} ms", "<= 20 ms", verdict(ms <= 20)])
    md.append("\n### Targets\n")
    md.append(table(["target", "measured", "goal", "status"], targets))

    # ---- small set
    md.append("\n### Small set: real distributions, loopback index\n")
    rows = []
    for k in sorted({k[1] for k in stats if k[0] == "small-upload"}):
        rows += compare_rows(stats, "small-upload", k, f"{k} files, upload")
        rows += compare_rows(stats, "small-verify", k, f"{k} files, check + upload")
        c4, t = get("small-upload-c4", k, "ours"), get("small-upload", k, "twine")
        if c4 and t:
            rows.append([f"{k} files, upload, pypi-publish `concurrency: 4`", fmt_s(c4.wall) + note_failed(c4), fmt_s(c4.cpu), f"{c4.rss:.1f}"])
            rows.append([f"{k} files, upload, **ours (concurrency 4)/twine**", f"**{c4.wall / t.wall:.3f}** ({t.wall / c4.wall:.1f}x faster)",
                         f"{c4.cpu / t.cpu:.3f}", f"{c4.rss / t.rss:.2f}"])
    md.append(table(["case", "wall", "CPU", "RSS MiB"], rows))
    md.append("\n\"upload\": ours with `verify-metadata: false` vs `twine upload`. \"check + upload\": ours with "
              "`verify-metadata: true` (every preflight rule, README rendering included) vs `twine check` then "
              "`twine upload` in one shell, which is what upstream's action runs.")

    # ---- preflight
    if pre_n:
        md.append(f"\n### Preflight of {pre_n} distributions\n")
        md.append(table(["case", "wall", "CPU", "RSS MiB"], compare_rows(stats, "preflight", pre_n, f"{pre_n} files")))
        md.append("\nOurs: `dry-run: true` (find, read, hash, every check, no request). twine: `twine check` on the same files.")

    # ---- big
    if big_sizes:
        md.append("\n### One big wheel (stored member), by size\n")
        rows = []
        for s in big_sizes:
            for tool, label in (("ours", "pypi-publish"), ("twine", "twine upload"), ("curl", "curl -T (raw POST)"),
                                ("curl-form", "curl -F (same form)"), ("curl-data-binary", "curl --data-binary"),
                                ("sha256sum", "sha256sum")):
                st = get("big", str(s), tool)
                if not st:
                    continue
                tp = f"{st.throughput():.0f}" if tool not in ("sha256sum",) else "-"
                e2e = f"{s / st.wall / 1e6:.0f}"
                rows.append([size_label(s), label + note_failed(st), fmt_s(st.wall), fmt_s(st.cpu), f"{st.rss:.1f}", e2e, tp])
            o, t = get("big", str(s), "ours"), get("big", str(s), "twine")
            if o and t:
                rows.append([size_label(s), "**ours/twine**", f"**{o.wall / t.wall:.2f}**", f"{o.cpu / t.cpu:.2f}", f"{o.rss / t.rss:.2f}", "", ""])
        md.append(table(["size", "tool", "wall", "CPU", "RSS MiB", "MB/s end to end", "MB/s upload (sink)"], rows))
        md.append("\n\"MB/s upload (sink)\" is file bytes divided by the time from the request's arrival at the sink to "
                  "its answer, the same clock for every client, so it leaves out start-up, reading and hashing. "
                  "`curl --data-binary @file` loads the whole file into memory first (and refuses 1 GiB: "
                  "\"out of memory\"), so the raw reference is `curl -X POST -T file`, which streams. `curl -F` sends "
                  "the same multipart form as the clients (through the sink's form parser).")
        md.append("\n![time, memory and throughput against file size](plot.png)")

    # ---- concurrency
    cons = sorted({int(k[1]) for k in stats if k[0] == "concurrency" and k[2] == "ours"})
    if cons:
        md.append(f"\n### Parallel uploads: {get('concurrency', str(cons[0]), 'ours').uploads:.0f} wheels, sink latency {env.get('latency', '?')} per upload\n")
        base = get("concurrency", str(cons[0]), "ours")
        rows = []
        for c in cons:
            s = get("concurrency", str(c), "ours")
            rows.append([f"pypi-publish, concurrency {c}" + note_failed(s), fmt_s(s.wall), f"{base.wall / s.wall:.2f}x", s.inflight, fmt_s(s.cpu), f"{s.rss:.1f}"])
        t = get("concurrency", "1", "twine")
        if t:
            rows.append(["twine upload" + note_failed(t), fmt_s(t.wall), f"{base.wall / t.wall:.2f}x", t.inflight, fmt_s(t.cpu), f"{t.rss:.1f}"])
        md.append(table(["client", "wall", "speed-up vs concurrency 1", "max in flight (sink)", "CPU", "RSS MiB"], rows))

    # ---- startup
    if startup:
        md.append("\n### Start to first request (one small wheel, `verify-metadata: true`)\n")
        rows = [[tool, f"{v[0]:.1f} ms", f"{v[1]:.1f} ms"] for tool, v in startup.items()]
        md.append(table(["client", "exec to first request at the sink (median)", "exec to exit (median)"], rows))

    # ---- go bench
    if gobench:
        md.append("\n### Go micro-benchmarks (`go test -bench . -benchmem ./bench`)\n")
        rows = [[n, f"{ns / 1e6:.3f} ms" if ns >= 1e5 else f"{ns / 1e3:.2f} µs", f"{mbs:.0f}" if mbs else "", b if b is not None else "", al if al is not None else ""]
                for n, ns, mbs, b, al in gobench]
        md.append(table(["benchmark", "time/op", "MB/s", "B/op", "allocs/op"], rows))
        sha = [get("big", str(s), "sha256sum") for s in big_sizes]
        if any(sha):
            s = big_sizes[-1]
            st = get("big", str(s), "sha256sum")
            hf = next((mbs for n, _, mbs, _, _ in gobench if n == "BenchmarkHashFile"), None)
            ours = f"`dist.Hash` (`BenchmarkHashFile`) on the same file: {hf:.0f} MB/s for all three digests (SHA-256, MD5, BLAKE2b-256) in one pass." if hf else ""
            md.append(f"\n`sha256sum` ({env.get('sha256sum', '')}) on the {size_label(s)} wheel: "
                      f"{s / st.wall / 1e6:.0f} MB/s (median wall {fmt_s(st.wall)}) for one digest. " + ours)

    text = "\n".join(md) + "\n"
    with open(os.path.join(out, "RESULTS.md"), "w", encoding="utf-8") as f:
        f.write("# Benchmark results\n\n" + text)

    plot(out, stats, big_sizes)

    if a.readme:
        with open(a.readme, encoding="utf-8") as f:
            readme = f.read()
        begin, end = "<!-- results:begin -->", "<!-- results:end -->"
        if begin not in readme or end not in readme:
            sys.exit(f"report: {a.readme} has no {begin} ... {end} section")
        head, rest = readme.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = text.replace("](plot.png)", "](results/plot.png)")
        with open(a.readme, "w", encoding="utf-8") as f:
            f.write(head + begin + "\n" + text + end + tail)


def plot(out, stats, sizes):
    if not sizes:
        return
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report: warning: python3-matplotlib is missing; no plot", file=sys.stderr)
        return
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), dpi=110)
    xs = [s / MIB for s in sizes]
    series = (("ours", "pypi-publish", "tab:blue", "o"), ("twine", "twine upload", "tab:orange", "s"),
              ("curl", "curl -T (raw)", "tab:gray", "^"), ("curl-form", "curl -F (form)", "tab:green", "v"))
    for tool, label, color, marker in series:
        pts = [(x, stats.get(("big", str(s), tool))) for x, s in zip(xs, sizes)]
        pts = [(x, st) for x, st in pts if st]
        if not pts:
            continue
        px = [x for x, _ in pts]
        if tool in ("ours", "twine"):
            axes[0].plot(px, [st.wall for _, st in pts], marker=marker, color=color, label=label + " wall")
            axes[0].plot(px, [st.cpu for _, st in pts], marker=marker, color=color, linestyle=":", label=label + " CPU")
        if tool != "curl-form":
            axes[1].plot(px, [st.rss for _, st in pts], marker=marker, color=color, label=label)
        axes[2].plot(px, [st.throughput() for _, st in pts], marker=marker, color=color, label=label)
    axes[0].set_title("Wall and CPU time, end to end (median)")
    axes[0].set_ylabel("seconds")
    axes[1].set_title("Peak RSS (median)")
    axes[1].set_ylabel("MiB")
    axes[1].axhline(32, color="tab:red", linestyle="--", linewidth=1, label="32 MiB target")
    axes[1].set_ylim(bottom=0)
    axes[2].set_title("Upload throughput at the sink (median)")
    axes[2].set_ylabel("MB/s")
    axes[2].set_ylim(bottom=0)
    for ax, loc in zip(axes, ("upper left", "center right", "center right")):
        ax.set_xscale("log", base=2)
        ax.set_xticks(xs)
        ax.set_xticklabels([size_label(s) for s in sizes])
        ax.set_xlabel("wheel size")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, loc=loc)
    fig.suptitle("pypi-publish vs twine 4.0.2, one wheel to a loopback index")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "plot.png"))


if __name__ == "__main__":
    main()
