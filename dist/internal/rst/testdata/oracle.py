"""Differential oracle for the reStructuredText checker.

Reads a JSON object from stdin: {"docs": [{"name": ..., "text": ...}],
"collect": [glob, ...]}. For every glob it also collects the long
descriptions of installed distributions (METADATA / PKG-INFO files) whose
Description-Content-Type is reStructuredText or missing. Every document is
rendered with readme_renderer.rst.render, as `twine check` does; a None
result means FAIL. Writes a JSON list of {"name", "text", "ok", "messages"}.
"""
import email.parser
import email.policy
import glob
import io
import json
import os
import sys
import tarfile
import zipfile

import readme_renderer.rst


def read_member(path):
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
            return z.read(names[0]) if names else b""
    if path.endswith(".tar.gz"):
        with tarfile.open(path) as t:
            names = [n for n in t.getnames() if n.count("/") == 1 and n.endswith("/PKG-INFO")]
            return t.extractfile(names[0]).read() if names else b""
    with open(path, "rb") as f:
        return f.read()


def description(path):
    raw = read_member(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, None
    msg = email.parser.Parser(policy=email.policy.compat32).parsestr(text)
    ct = msg.get("Description-Content-Type")
    body = msg.get_payload()
    if isinstance(body, str) and body.strip():
        return body, ct
    desc = msg.get("Description")
    if not desc:
        return None, ct
    lines = desc.splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        if line.startswith("        "):
            line = line[8:]
        elif line.startswith("       |"):
            line = line[8:]
        out.append(line)
    return "\n".join(out), ct


def main():
    req = json.load(sys.stdin)
    docs = list(req.get("docs", []))
    for pattern in req.get("collect", []):
        for path in sorted(glob.glob(pattern)):
            if os.path.isdir(path):
                for cand in ("METADATA", "PKG-INFO"):
                    if os.path.exists(os.path.join(path, cand)):
                        path = os.path.join(path, cand)
                        break
                else:
                    continue
            text, ct = description(path)
            if not text or text.strip() == "UNKNOWN":
                continue
            if ct and not ct.lower().startswith("text/x-rst"):
                continue
            docs.append({"name": path, "text": text})
    out = []
    for d in docs:
        stream = io.StringIO()
        rendered = readme_renderer.rst.render(d["text"], stream=stream)
        out.append({"name": d["name"], "text": d["text"], "ok": rendered is not None,
                    "messages": stream.getvalue()})
    json.dump(out, sys.stdout)


main()
