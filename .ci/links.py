#!/usr/bin/env python3
# Used by `make lint`: every relative link and #anchor in the tracked Markdown must resolve.
"""Check relative links and #anchors in the repo's Markdown files (GitHub rules)."""
import os, re, sys, subprocess
root = sys.argv[1] if len(sys.argv) > 1 else "."
os.chdir(root)
files = [f for f in subprocess.run(["git", "ls-files", "*.md"], capture_output=True, text=True).stdout.split() if "node_modules" not in f]

def slug(h):
    h = re.sub(r"<[^>]+>", "", h).strip().lower()
    h = re.sub(r"[`*_~]", lambda m: "" if m.group(0) != "_" else "_", h)
    h = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", h)
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")

anchors = {}
def get_anchors(path):
    if path in anchors: return anchors[path]
    a, seen = set(), {}
    infence = False
    for line in open(path, encoding="utf-8"):
        if re.match(r"^\s*(```|~~~)", line): infence = not infence; continue
        if infence: continue
        for m in re.finditer(r'<a\s+(?:id|name)="([^"]+)"', line): a.add(m.group(1))
        m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m:
            s = slug(m.group(2))
            n = seen.get(s, 0); seen[s] = n + 1
            a.add(s if n == 0 else f"{s}-{n}")
    anchors[path] = a
    return a

bad = 0
for f in files:
    infence = False
    for i, line in enumerate(open(f, encoding="utf-8"), 1):
        if re.match(r"^\s*(```|~~~)", line): infence = not infence; continue
        if infence: continue
        line = re.sub(r"`[^`]*`", "", line)
        for m in re.finditer(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|\bhref=\"([^\"]+)\"", line):
            t = m.group(1) or m.group(2)
            if re.match(r"^[a-z]+:", t): continue
            path, _, frag = t.partition("#")
            tgt = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
            if path and not os.path.exists(tgt):
                print(f"{f}:{i}: missing file {t}"); bad += 1; continue
            if frag:
                if os.path.isdir(tgt) or not tgt.endswith(".md"):
                    print(f"{f}:{i}: anchor on non-markdown {t}"); bad += 1; continue
                if frag not in get_anchors(tgt):
                    print(f"{f}:{i}: missing anchor {t}"); bad += 1
print(f"checked {len(files)} files, {bad} bad links")
sys.exit(1 if bad else 0)
