#!/usr/bin/env python3
"""Read a JSON list of file names on stdin; print, as JSON, how packaging's
parse_wheel_filename and parse_sdist_filename see each one. Used by
find_test.go to check ParseWheelFilename and ParseSdistFilename against
Debian's python3-packaging."""

import json
import sys

from packaging.utils import parse_sdist_filename, parse_wheel_filename
from packaging.version import InvalidVersion

out = []
for name in json.load(sys.stdin):
    r = {"wheel_ok": False, "wheel_err": "", "sdist_ok": False, "sdist_err": ""}
    try:
        n, v, build, tags = parse_wheel_filename(name)
        r["wheel_ok"] = True
        r["name"] = n
        r["build"] = "".join(str(p) for p in build)
        r["tags"] = sorted(str(t) for t in tags)
    except InvalidVersion as e:
        r["wheel_err"] = "invalid version: %s" % e
    except Exception as e:
        r["wheel_err"] = str(e)
    try:
        n, v = parse_sdist_filename(name)
        r["sdist_ok"] = True
        r["sdist_name"] = n
    except InvalidVersion as e:
        r["sdist_err"] = "invalid version: %s" % e
    except Exception as e:
        r["sdist_err"] = str(e)
    out.append(r)
json.dump(out, sys.stdout)
