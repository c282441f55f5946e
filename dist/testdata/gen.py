#!/usr/bin/env python3
"""Regenerate the fixtures in this directory (see README.md).

Run from anywhere with Debian's interpreter:  /usr/bin/python3 dist/testdata/gen.py
Only the standard library is used (zipfile, tarfile, gzip). Every timestamp is
fixed, so the outputs are byte-for-byte reproducible on one Python version.
"""

import gzip
import io
import os
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DISTS = os.path.join(HERE, "dists")
META = os.path.join(HERE, "metadata")
DATE = (2024, 1, 1, 0, 0, 0)
MTIME = 1704067200

README = "# Demo\n\nA tiny package used as a test fixture.\n"


def metadata(name, version, mv="2.4", extra=""):
    return (
        f"Metadata-Version: {mv}\n"
        f"Name: {name}\n"
        f"Version: {version}\n"
        "Summary: A tiny fixture\n"
        "Requires-Python: >=3.9\n"
        "Requires-Dist: requests>=2; extra == 'http'\n"
        "Provides-Extra: http\n"
        "Description-Content-Type: text/markdown\n"
        f"{extra}"
        "\n"
        f"{README}"
    )


def write_zip(filename, members, compression=zipfile.ZIP_DEFLATED):
    """members: list of (name, bytes-or-str)."""
    path = os.path.join(DISTS, filename)
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = compression
            info.external_attr = (0o644 << 16) if not name.endswith("/") else ((0o40755 << 16) | 0x10)
            if isinstance(data, str):
                data = data.encode("utf-8")
            zf.writestr(info, data)
    return path


def wheel(filename, name, version, meta, distinfo=None, more=()):
    distinfo = distinfo or f"{name}-{version}.dist-info"
    members = [
        (f"{name}/__init__.py", "__version__ = '%s'\n" % version),
        (f"{distinfo}/METADATA", meta),
        (f"{distinfo}/WHEEL", "Wheel-Version: 1.0\nGenerator: gen.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n"),
        *more,
        (f"{distinfo}/RECORD", ""),
    ]
    return write_zip(filename, members)


def write_targz(filename, members):
    """members: list of tarfile.TarInfo-building tuples (name, data|None, type, linkname)."""
    path = os.path.join(DISTS, filename)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, data, typ, link in members:
            ti = tarfile.TarInfo(name)
            ti.mtime = MTIME
            ti.type = typ
            ti.uname = ti.gname = "root"
            if typ == tarfile.DIRTYPE:
                ti.mode = 0o755
                tf.addfile(ti)
            elif typ == tarfile.SYMTYPE:
                ti.linkname = link
                ti.mode = 0o777
                tf.addfile(ti)
            else:
                if isinstance(data, str):
                    data = data.encode("utf-8")
                ti.size = len(data)
                ti.mode = 0o644
                tf.addfile(ti, io.BytesIO(data))
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as gz:
            gz.write(raw.getvalue())
    return path


def sdist_members(top, meta):
    return [
        (top, None, tarfile.DIRTYPE, None),
        (f"{top}/PKG-INFO", meta, tarfile.REGTYPE, None),
        (f"{top}/pyproject.toml", '[project]\nname = "demo-pkg"\n', tarfile.REGTYPE, None),
        (f"{top}/demo_pkg", None, tarfile.DIRTYPE, None),
        (f"{top}/demo_pkg/__init__.py", "", tarfile.REGTYPE, None),
    ]


def main():
    os.makedirs(DISTS, exist_ok=True)
    os.makedirs(META, exist_ok=True)

    # Good distributions.
    good_wheel = wheel("demo_pkg-1.0.0-py3-none-any.whl", "demo_pkg", "1.0.0", metadata("demo-pkg", "1.0.0"))
    write_targz("demo_pkg-1.0.0.tar.gz", sdist_members("demo_pkg-1.0.0", metadata("demo-pkg", "1.0.0")))
    write_zip("demo_pkg-1.0.0.zip", [
        ("demo_pkg-1.0.0/", b""),
        ("demo_pkg-1.0.0/PKG-INFO", metadata("demo-pkg", "1.0.0")),
        ("demo_pkg-1.0.0/pyproject.toml", '[project]\nname = "demo-pkg"\n'),
    ])
    # Metadata-Version 2.5 with Import-Name, stored (not deflated).
    write_zip("future_pkg-2.0-py3-none-any.whl", [
        ("future_pkg/__init__.py", ""),
        ("future_pkg-2.0.dist-info/METADATA", metadata("future-pkg", "2.0", mv="2.5", extra="Import-Name: future_pkg\n")),
        ("future_pkg-2.0.dist-info/WHEEL", "Wheel-Version: 1.0\n"),
        ("future_pkg-2.0.dist-info/RECORD", ""),
    ], compression=zipfile.ZIP_STORED)
    # File name spelled differently from the .dist-info folder (old setuptools).
    wheel("Demo.Pkg-1.0.0-py3-none-any.whl", "demo_pkg", "1.0.0", metadata("Demo.Pkg", "1.0.0"),
          distinfo="demo_pkg-1.0.0.dist-info")
    # Members with "../" and absolute names: harmless, nothing is extracted.
    wheel("slip-1.0-py3-none-any.whl", "slip", "1.0", metadata("slip", "1.0"),
          more=[("../../evil.sh", "echo evil\n"), ("/etc/evil", "x\n")])

    # Broken distributions.
    wheel("nometa-1.0-py3-none-any.whl", "nometa", "1.0", "", distinfo="nometa-1.0.dist-info")
    # ...and one whose METADATA member is really missing:
    write_zip("nometa2-1.0-py3-none-any.whl", [
        ("nometa2/__init__.py", ""),
        ("nometa2-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n"),
        ("nometa2-1.0.dist-info/RECORD", ""),
    ])
    wheel("latin1-1.0-py3-none-any.whl", "latin1", "1.0",
          metadata("latin1", "1.0").encode("utf-8") + b"Author: Ren\xe9\n")
    # METADATA that inflates to 20 MiB (a small zip bomb; the limit is 16 MiB).
    wheel("bomb-1.0-py3-none-any.whl", "bomb", "1.0",
          metadata("bomb", "1.0").encode() + b"\0" * (20 << 20))
    with open(good_wheel, "rb") as f:
        data = f.read()
    with open(os.path.join(DISTS, "truncated-1.0-py3-none-any.whl"), "wb") as f:
        f.write(data[: len(data) // 2])
    with open(os.path.join(DISTS, "demo_pkg-1.0.0.tar.gz"), "rb") as f:
        data = f.read()
    with open(os.path.join(DISTS, "truncated-1.0.tar.gz"), "wb") as f:
        f.write(data[: len(data) - 20])
    with open(os.path.join(DISTS, "notgzip-1.0.tar.gz"), "wb") as f:
        f.write(b"this is not a gzip file\n")
    write_targz("linkinfo-1.0.tar.gz", [
        ("linkinfo-1.0", None, tarfile.DIRTYPE, None),
        ("linkinfo-1.0/real-info", metadata("linkinfo", "1.0"), tarfile.REGTYPE, None),
        ("linkinfo-1.0/PKG-INFO", None, tarfile.SYMTYPE, "real-info"),
    ])
    write_targz("noinfo-1.0.tar.gz", [
        ("noinfo-1.0", None, tarfile.DIRTYPE, None),
        ("noinfo-1.0/setup.py", "", tarfile.REGTYPE, None),
        ("noinfo-1.0/sub/PKG-INFO", metadata("noinfo", "1.0"), tarfile.REGTYPE, None),
    ])
    # "./" prefixed member names, as some tar writers make.
    write_targz("dotslash-1.0.tar.gz", [
        ("./dotslash-1.0", None, tarfile.DIRTYPE, None),
        ("./dotslash-1.0/PKG-INFO", metadata("dotslash", "1.0"), tarfile.REGTYPE, None),
    ])

    # A gzip bomb: PKG-INFO, then a member of 300 MiB of zeros (about 300 KiB
    # compressed, so over the 256 MiB / 100x expansion bound).
    class Zeros:
        def __init__(self, n):
            self.n = n

        def read(self, k=-1):
            k = self.n if k < 0 else min(k, self.n)
            self.n -= k
            return b"\0" * k

    with open(os.path.join(DISTS, "tarbomb-1.0.tar.gz"), "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
            with tarfile.open(fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT) as tf:
                info = metadata("tarbomb", "1.0").encode()
                ti = tarfile.TarInfo("tarbomb-1.0/PKG-INFO")
                ti.size, ti.mtime = len(info), MTIME
                tf.addfile(ti, io.BytesIO(info))
                ti = tarfile.TarInfo("tarbomb-1.0/zeros")
                ti.size, ti.mtime = 300 << 20, MTIME
                tf.addfile(ti, Zeros(300 << 20))

    # PKG-INFO at the top level, with no <name>-<version>/ folder.
    write_targz("rootinfo-1.0.tar.gz", [
        ("PKG-INFO", metadata("rootinfo", "1.0"), tarfile.REGTYPE, None),
        ("setup.py", "", tarfile.REGTYPE, None),
    ])
    # What "tar -czf x.tar.gz ." makes: a "./" member first.
    write_targz("dotroot-1.0.tar.gz", [
        ("./", None, tarfile.DIRTYPE, None),
        ("./dotroot-1.0", None, tarfile.DIRTYPE, None),
        ("./dotroot-1.0/PKG-INFO", metadata("dotroot", "1.0"), tarfile.REGTYPE, None),
    ])

    # Metadata texts for ParseMetadata, one per Metadata-Version.
    for mv in ["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.0"]:
        with open(os.path.join(META, f"metadata-{mv}.txt"), "w", encoding="utf-8", newline="") as f:
            f.write(metadata("demo-pkg", "1.0.0", mv=mv))
    # distutils style: Description header folded with 8 spaces, and the
    # 7 spaces + "|" style of the core metadata spec; CRLF line ends.
    with open(os.path.join(META, "folded.txt"), "w", encoding="utf-8", newline="") as f:
        f.write(
            "Metadata-Version: 1.0\r\n"
            "Name: folded\r\n"
            "Version: 0.1\r\n"
            "License: Permission is hereby granted\r\n"
            "        to anyone.\r\n"
            "\t\r\n"
            "        Second paragraph.\r\n"
            "Description: Folded\r\n"
            "        ======\r\n"
            "       |\r\n"
            "       |Indented text.\r\n"
            "Platform: UNKNOWN\r\n"
        )


if __name__ == "__main__":
    main()
