"""Writes the tiny distributions used by dist/check_files_test.go.

Run with /usr/bin/python3 gen.py from this directory. Output is
deterministic: fixed timestamps, sorted members, no extra fields.
"""
import gzip
import hashlib
import base64
import io
import tarfile
import zipfile

STAMP = (2024, 1, 1, 0, 0, 0)
MTIME = 1704067200


def metadata(name, version, mv="2.1", extra=(), body="# Demo\n", ct="text/markdown"):
    lines = [f"Metadata-Version: {mv}", f"Name: {name}", f"Version: {version}", "Summary: A demo"]
    lines += list(extra)
    if ct:
        lines.append(f"Description-Content-Type: {ct}")
    return ("\n".join(lines) + "\n\n" + body).encode()


def wheel(filename, meta, record=True, extra_files=()):
    name, version = filename.split("-")[:2]
    di = f"{name}-{version}.dist-info"
    files = {
        f"{name.lower()}/__init__.py": b"",
        f"{di}/METADATA": meta,
        f"{di}/WHEEL": b"Wheel-Version: 1.0\nGenerator: gen.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files.update(dict(extra_files))
    if record:
        rec = []
        for path, data in sorted(files.items()):
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            rec.append(f"{path},sha256={digest},{len(data)}")
        rec.append(f"{di}/RECORD,,")
        files[f"{di}/RECORD"] = ("\n".join(rec) + "\n").encode()
    with zipfile.ZipFile(filename, "w") as z:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[path])


def sdist(filename, meta, extra_files=()):
    top = filename[: -len(".tar.gz")]
    files = {f"{top}/PKG-INFO": meta, f"{top}/pyproject.toml": b"[project]\n"}
    files.update(dict(extra_files))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path in sorted(files):
            info = tarfile.TarInfo(path)
            info.size = len(files[path])
            info.mtime = MTIME
            info.mode = 0o644
            t.addfile(info, io.BytesIO(files[path]))
    with open(filename, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=MTIME, filename="") as g:
            g.write(buf.getvalue())


RST_BAD = "Demo\n====\n\nSee :ref:`install` for details.\n"

# Clean pair for PyPI.
wheel("demo_pkg-1.0-py3-none-any.whl", metadata("demo-pkg", "1.0"))
sdist("demo_pkg-1.0.tar.gz", metadata("demo-pkg", "1.0"))
# VA-06: a plain linux platform tag.
wheel("demo_pkg-1.0-cp312-cp312-linux_x86_64.whl", metadata("demo-pkg", "1.0"))
# VA-05: name part not normalized (case-sensitive).
wheel("Demo_Pkg-1.1-py3-none-any.whl", metadata("Demo_Pkg", "1.1"))
# VA-10: no RECORD; Metadata 2.4 with its License-File in place.
wheel("norecord-1.0-py3-none-any.whl",
      metadata("norecord", "1.0", mv="2.4", extra=["License-Expression: MIT", "License-File: LICENSE"]),
      record=False, extra_files=[("norecord-1.0.dist-info/licenses/LICENSE", b"MIT\n")])
# VA-10: License-File missing from the sdist; README that fails to render.
sdist("licmissing-1.0.tar.gz",
      metadata("licmissing", "1.0", mv="2.4", extra=["License-Expression: MIT", "License-File: COPYING"],
               body=RST_BAD, ct="text/x-rst"))
# VA-07: a local version.
wheel("localver-1.0+abc-py3-none-any.whl", metadata("localver", "1.0+abc"))
