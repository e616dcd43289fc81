"""Reproducible builds: the same content gives the same bytes, whatever the clock says."""
import hashlib
import os
import re
import subprocess
import sys

import pytest
from pypdf import PdfReader

from conftest import PROJECT

# What a Polish-only build writes; the session build (all languages) writes the same files.
POLISH_FILES = ("pim-pl.pdf", "html/pim-pl.html", "print/pim-pl-print.pdf",
                "print/pim-pl-booklet-a3.pdf", "a5/pim-pl-a5.pdf", "print/pim-pl-booklet-a4.pdf")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """A second build, Polish only (to keep it short), at another "time": SOURCE_DATE_EPOCH
    and the time zone differ from the session build's environment."""
    out = tmp_path_factory.mktemp("rebuilt")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", TZ="Pacific/Auckland")
    run = subprocess.run([sys.executable, "build.py", "--lang", "pl", "--output", str(out)],
                         cwd=PROJECT, capture_output=True, text=True, timeout=600, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    return out


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@pytest.mark.parametrize("name", POLISH_FILES)
def test_rebuild_is_byte_identical(built, rebuilt, name):
    first, second = built["dir"] / name, rebuilt / name
    assert first.is_file() and second.is_file(), name
    if first.read_bytes() != second.read_bytes():
        detail = ""
        if name.endswith(".pdf"):
            detail = "; differing: " + ", ".join(differences(first, second))
        pytest.fail(f"{name}: {digest(first)} != {digest(second)}{detail}")


def differences(first, second) -> list:
    """What differs between two PDFs, for the failure message."""
    a, b = PdfReader(first), PdfReader(second)
    found = []
    if a.trailer.get("/ID") != b.trailer.get("/ID"):
        found.append("/ID")
    if dict(a.metadata or {}) != dict(b.metadata or {}):
        found.append("Info")
    xmp_a, xmp_b = xmp(a), xmp(b)
    if xmp_a != xmp_b:
        changed = sorted({m for m in re.findall(r"<([\w:]+)>[^<]*</\1>", xmp_a)
                          if re.search(rf"<{m}>[^<]*</{m}>", xmp_a).group(0)
                          not in xmp_b})
        found.append(f"XMP {changed}")
    if len(a.pages) != len(b.pages):
        found.append("page count")
    else:
        for n, (pa, pb) in enumerate(zip(a.pages, b.pages), start=1):
            if pa.get_contents().get_data() != pb.get_contents().get_data():
                found.append(f"content of page {n}")
                break
    return found or ["object layout only"]


def xmp(reader) -> str:
    metadata = reader.trailer["/Root"].get("/Metadata")
    return metadata.get_object().get_data().decode("utf-8") if metadata is not None else ""


@pytest.mark.parametrize("name", [n for n in POLISH_FILES if n.endswith(".pdf")])
def test_file_identifier_does_not_depend_on_the_clock(built, rebuilt, name):
    """WeasyPrint's files carry an /ID (derived from the HTML and the file's bytes) that must
    come out the same; pypdf's booklets carry none (or, if one is added, the same one)."""
    first, second = PdfReader(built["dir"] / name), PdfReader(rebuilt / name)
    if "booklet" not in name:
        assert "/ID" in first.trailer
    assert first.trailer.get("/ID") == second.trailer.get("/ID")


@pytest.mark.parametrize("name", ["pim-pl.pdf", "pim-en.pdf", "pim-pl-en.pdf",
                                  "print/pim-pl-print.pdf", "print/pim-en-print.pdf"])
def test_dates_are_the_publication_date(pub, built, name):
    reader = PdfReader(built["dir"] / name)
    day = pub.date.strftime("%Y%m%d")
    assert day == "20230802"                            # content/publication.yaml
    info = reader.metadata
    assert info["/CreationDate"].startswith(f"D:{day}"), info["/CreationDate"]
    assert info["/ModDate"].startswith(f"D:{day}"), info["/ModDate"]
    dates = re.findall(r"<xmp:(\w+Date)>([^<]+)<", xmp(reader))
    dates += re.findall(r'xmp:(\w+Date)="([^"]+)"', xmp(reader))
    assert dates
    wrong = [(k, v) for k, v in dates if not v.startswith(pub.date.isoformat())]
    assert not wrong, wrong
