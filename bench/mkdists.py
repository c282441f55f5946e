#!/usr/bin/python3
"""Make the distribution sets the benchmarks upload (run with Debian's /usr/bin/python3).

    mkdists.py set MANIFEST OUTDIR N [--wheels-only] [--max-metadata 2.2]
        Copy the corpus files listed in MANIFEST (build-corpus.sh's manifest.json) whose
        Metadata-Version is at most --max-metadata (twine 4.0.2 reads no newer one) into
        OUTDIR, then add copies of them with a new version ("9.<k>.0": a fresh release of the
        same project, archive members and metadata rewritten to match) until OUTDIR holds N
        files. --wheels-only takes wheels only.

    mkdists.py bigwheel OUTDIR SIZE VERSION
        Write big_wheel-VERSION-py3-none-any.whl: a valid wheel (METADATA 2.1, WHEEL, RECORD
        with the real sha256 of every member) whose payload big_wheel/blob.bin is SIZE bytes,
        stored (not compressed), written in 1 MiB chunks so memory stays flat.

Both print the paths they wrote, one per line.
"""

import argparse
import base64
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tarfile
import zipfile


def record_hash(data):
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def set_version(meta, new):
    """Replace the first Version header of a METADATA/PKG-INFO text."""
    out, n = re.subn(rb"(?m)^Version:[^\r\n]*", b"Version: " + new.encode(), meta, count=1)
    if n != 1:
        raise SystemExit("mkdists: no Version header to rewrite")
    return out


def bump_wheel(src, outdir, new):
    name = os.path.basename(src)
    parts = name[: -len(".whl")].split("-")
    dist, old = parts[0], parts[1]
    dst = os.path.join(outdir, "-".join([dist, new] + parts[2:]) + ".whl")
    with zipfile.ZipFile(src) as zin:
        infos = zin.infolist()
        info_dir = next(i.filename.split("/")[0] for i in infos if re.fullmatch(r"[^/]+\.dist-info/METADATA", i.filename))
        data_dir = info_dir[: -len(".dist-info")] + ".data"
        new_info = info_dir.replace("-" + old + ".", "-" + new + ".", 1)
        new_data = new_info[: -len(".dist-info")] + ".data"
        members, record_name = [], new_info + "/RECORD"
        for i in infos:
            fn = i.filename
            top, _, rest = fn.partition("/")
            if top == info_dir:
                fn = new_info + "/" + rest
            elif top == data_dir:
                fn = new_data + "/" + rest
            if fn == record_name:
                continue
            data = zin.read(i)
            if fn == new_info + "/METADATA":
                data = set_version(data, new)
            members.append((i, fn, data))
    rows = io.StringIO()
    with zipfile.ZipFile(dst, "w") as zout:
        for i, fn, data in members:
            zi = zipfile.ZipInfo(fn, date_time=i.date_time)
            zi.compress_type, zi.external_attr = i.compress_type, i.external_attr
            zout.writestr(zi, data)
            if not fn.endswith("/"):
                rows.write(f"{fn},{record_hash(data)},{len(data)}\n")
        rows.write(f"{record_name},,\n")
        zi = zipfile.ZipInfo(record_name, date_time=members[0][0].date_time)
        zi.compress_type = zipfile.ZIP_DEFLATED
        zout.writestr(zi, rows.getvalue())
    return dst


def bump_sdist(src, outdir, new):
    name = os.path.basename(src)
    if not name.endswith(".tar.gz"):
        raise SystemExit(f"mkdists: only .tar.gz sdists are supported: {name}")
    stem = name[: -len(".tar.gz")]
    dist, old = stem.rsplit("-", 1)
    dst = os.path.join(outdir, f"{dist}-{new}.tar.gz")
    old_top, new_top = f"{dist}-{old}", f"{dist}-{new}"
    with tarfile.open(src, "r:gz") as tin, tarfile.open(dst, "w:gz", format=tarfile.PAX_FORMAT) as tout:
        for m in tin.getmembers():
            data = tin.extractfile(m).read() if m.isfile() else None
            top, sep, rest = m.name.partition("/")
            if top == old_top:
                m.name = new_top + sep + rest
            if data is not None and (m.name == new_top + "/PKG-INFO" or m.name.endswith(".egg-info/PKG-INFO")):
                data = set_version(data, new)
                m.size = len(data)
            tout.addfile(m, io.BytesIO(data) if data is not None else None)
    return dst


def cmd_set(a):
    with open(a.manifest, encoding="utf-8") as f:
        files = json.load(f)["files"]
    limit = tuple(int(x) for x in a.max_metadata.split("."))
    src_dir = os.path.join(os.path.dirname(os.path.abspath(a.manifest)), "dists")
    chosen = [
        e for e in files
        if tuple(int(x) for x in e["metadata_version"].split(".")[:2]) <= limit
        and (e["kind"] == "wheel" or not a.wheels_only)
        and (e["kind"] == "wheel" or e["filename"].endswith(".tar.gz"))
    ]
    if not chosen:
        raise SystemExit("mkdists: no corpus file fits")
    os.makedirs(a.outdir, exist_ok=True)
    out = []
    for e in chosen[: a.n]:
        dst = os.path.join(a.outdir, e["filename"])
        shutil.copyfile(os.path.join(src_dir, e["filename"]), dst)
        out.append(dst)
    k = 0
    while len(out) < a.n:
        k += 1
        for e in chosen:
            if len(out) >= a.n:
                break
            src = os.path.join(src_dir, e["filename"])
            new = f"9.{k}.0"
            out.append(bump_wheel(src, a.outdir, new) if e["kind"] == "wheel" else bump_sdist(src, a.outdir, new))
    print("\n".join(out))


def cmd_bigwheel(a):
    os.makedirs(a.outdir, exist_ok=True)
    name, ver = "big_wheel", a.version
    info = f"{name}-{ver}.dist-info"
    dst = os.path.join(a.outdir, f"{name}-{ver}-py3-none-any.whl")
    meta = (
        "Metadata-Version: 2.1\n"
        f"Name: big-wheel\nVersion: {ver}\n"
        "Summary: A wheel with one large stored member, for upload benchmarks\n"
        "License: MIT\nRequires-Python: >=3.8\n"
        "Description-Content-Type: text/markdown\n\n"
        "# big-wheel\n\nGenerated by bench/mkdists.py. The payload is pseudo-random bytes.\n"
    ).encode()
    wheel = b"Wheel-Version: 1.0\nGenerator: bench-mkdists (0)\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    init = b'"""Large payload for upload benchmarks."""\n'
    rows = []
    chunk = os.urandom(1 << 20)
    with zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:
        for fn, data in ((f"{name}/__init__.py", init),):
            z.writestr(zipfile.ZipInfo(fn, date_time=(2024, 1, 1, 0, 0, 0)), data)
            rows.append(f"{fn},{record_hash(data)},{len(data)}")
        h = hashlib.sha256()
        zi = zipfile.ZipInfo(f"{name}/blob.bin", date_time=(2024, 1, 1, 0, 0, 0))
        zi.compress_type = zipfile.ZIP_STORED
        left = a.size
        with z.open(zi, "w", force_zip64=True) as w:
            i = 0
            while left > 0:
                # vary each chunk a little so no two MiB are identical
                block = i.to_bytes(8, "little") + chunk[8:]
                block = block[: min(left, len(block))]
                w.write(block)
                h.update(block)
                left -= len(block)
                i += 1
        rows.append(f"{name}/blob.bin,sha256={base64.urlsafe_b64encode(h.digest()).rstrip(b'=').decode()},{a.size}")
        for fn, data in ((f"{info}/METADATA", meta), (f"{info}/WHEEL", wheel)):
            z.writestr(zipfile.ZipInfo(fn, date_time=(2024, 1, 1, 0, 0, 0)), data)
            rows.append(f"{fn},{record_hash(data)},{len(data)}")
        rows.append(f"{info}/RECORD,,")
        z.writestr(zipfile.ZipInfo(f"{info}/RECORD", date_time=(2024, 1, 1, 0, 0, 0)), "\n".join(rows) + "\n")
    print(dst)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("set")
    s.add_argument("manifest")
    s.add_argument("outdir")
    s.add_argument("n", type=int)
    s.add_argument("--wheels-only", action="store_true")
    s.add_argument("--max-metadata", default="2.2")
    b = sub.add_parser("bigwheel")
    b.add_argument("outdir")
    b.add_argument("size", type=int)
    b.add_argument("version")
    a = p.parse_args()
    {"set": cmd_set, "bigwheel": cmd_bigwheel}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
