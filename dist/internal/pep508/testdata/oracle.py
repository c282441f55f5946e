"""Differential oracle: packaging's verdicts for a batch of inputs.

Reads {"kind": [inputs...]} from stdin for the kinds version, specifier,
specifierset, requirement, marker and name; writes {"kind": [{"ok": bool,
"norm": str}]} in the same order. "norm" is packaging's normalized text
(str() of the parsed object; for requirements a canonical summary).
"""
import json
import sys

from packaging.requirements import Requirement
from packaging.specifiers import Specifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version


def run(kind, s):
    if kind == "version":
        return str(Version(s))
    if kind == "specifier":
        return str(Specifier(s))
    if kind == "specifierset":
        return str(SpecifierSet(s))
    if kind == "requirement":
        r = Requirement(s)
        return json.dumps([r.name, sorted(r.extras), r.url or "", str(r.specifier),
                           r.marker is not None])
    if kind == "marker":
        # packaging 23's Marker() ignores trailing text (later versions and
        # PyPI reject it); inside a requirement the end is enforced.
        Requirement("x; " + s)
        return ""
    if kind == "compare":
        a, b = (Version(x) for x in s.split("|"))
        return str((a > b) - (a < b))
    if kind == "name":
        return canonicalize_name(s)
    raise ValueError(kind)


def main():
    req = json.load(sys.stdin)
    out = {}
    for kind, inputs in req.items():
        res = []
        for s in inputs:
            try:
                res.append({"ok": True, "norm": run(kind, s)})
            except Exception as e:  # any failure counts as invalid
                res.append({"ok": False, "norm": type(e).__name__})
        out[kind] = res
    json.dump(out, sys.stdout)


main()
