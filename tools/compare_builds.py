#!/usr/bin/env python3
"""Compare two builds: python tools/compare_builds.py OLD_OUTPUT NEW_OUTPUT [--dpi 50]

For every PDF (by its path inside the output folder): the page count (pypdf), the extracted
text (pdftotext), the texts only assistive technology reads (/Alt, /ActualText, /T, /Title:
pikepdf) and every page rendered at --dpi (pdftoppm), compared pixel by pixel with Pillow.
The other files of the web edition (web/: HTML, CSS, fonts) are compared byte for byte,
with the first differing lines of a text file. Prints one line per difference and a summary;
exit code 0 when the builds are the same, 1 when they differ, 2 on bad arguments.
"""
from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
import tempfile
from pathlib import Path

import pikepdf
from PIL import Image, ImageChops
from pypdf import PdfReader

TEXT_SUFFIXES = (".html", ".css", ".svg", ".txt", ".json", ".js")
HIDDEN_TEXT_KEYS = ("/Alt", "/ActualText", "/T", "/Title")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--dpi", type=int, default=50)
    args = parser.parse_args(argv)
    for folder in (args.old, args.new):
        if not folder.is_dir():
            print(f"{folder}: not a folder", file=sys.stderr)
            return 2
    differences = compare_pdfs(args.old, args.new, args.dpi) + compare_web(args.old, args.new)
    for line in differences:
        print(line)
    print(f"compare: {len(differences)} differences")
    return 1 if differences else 0


def files(root: Path, pattern: str, under: str = "") -> set:
    base = root / under if under else root
    return {p.relative_to(root).as_posix() for p in base.rglob(pattern)
            if p.is_file() and ".cache" not in p.parts}


def only_in(old: set, new: set) -> list:
    return ([f"{name}: only in the old build" for name in sorted(old - new)]
            + [f"{name}: only in the new build" for name in sorted(new - old)])


# --- PDFs -------------------------------------------------------------------------------

def compare_pdfs(old: Path, new: Path, dpi: int) -> list:
    old_pdfs, new_pdfs = files(old, "*.pdf"), files(new, "*.pdf")
    found = only_in(old_pdfs, new_pdfs)
    for name in sorted(old_pdfs & new_pdfs):
        found += compare_pdf(name, old / name, new / name, dpi)
        print(f"  compared {name}", file=sys.stderr)
    return found


def compare_pdf(name: str, old: Path, new: Path, dpi: int) -> list:
    pages = (len(PdfReader(old).pages), len(PdfReader(new).pages))
    if pages[0] != pages[1]:
        return [f"{name}: {pages[0]} pages before, {pages[1]} after"]
    found = []
    text = [pdftotext(old), pdftotext(new)]
    if text[0] != text[1]:
        found.append(f"{name}: the text differs: {first_difference(*text)}")
    hidden = [hidden_texts(old), hidden_texts(new)]
    if hidden[0] != hidden[1]:
        found.append(f"{name}: the alternative texts differ: {first_difference(*hidden)}")
    with tempfile.TemporaryDirectory() as tmp:
        for number, (a, b) in enumerate(zip(render(old, Path(tmp) / "old", dpi),
                                            render(new, Path(tmp) / "new", dpi)), start=1):
            box = pixel_difference(a, b)
            if box:
                found.append(f"{name}: page {number} differs at {dpi} dpi in the box {box}")
    return found


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def hidden_texts(pdf: Path) -> str:
    """The /Alt, /ActualText, /T and /Title strings of every object, one a line, in order."""
    lines = []
    with pikepdf.open(pdf) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary):
                lines += [f"{key} {obj[key]}" for key in HIDDEN_TEXT_KEYS
                          if key in obj and isinstance(obj[key], pikepdf.String)]
    return "\n".join(lines)


def render(pdf: Path, prefix: Path, dpi: int) -> list:
    prefix.mkdir()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix / "p")],
                   check=True)
    return sorted(prefix.glob("*.png"))


def pixel_difference(a: Path, b: Path):
    with Image.open(a) as first, Image.open(b) as second:
        if first.size != second.size:
            return f"(sizes {first.size} and {second.size})"
        return ImageChops.difference(first.convert("RGB"), second.convert("RGB")).getbbox()


def first_difference(old: str, new: str) -> str:
    diff = [line for line in difflib.unified_diff(old.splitlines(), new.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    return " | ".join(repr(line) for line in diff[:4]) + (" ..." if len(diff) > 4 else "")


# --- the web edition --------------------------------------------------------------------

def compare_web(old: Path, new: Path) -> list:
    old_files = {n for n in files(old, "*", "web") if not n.endswith(".pdf")}
    new_files = {n for n in files(new, "*", "web") if not n.endswith(".pdf")}
    found = only_in(old_files, new_files)
    for name in sorted(old_files & new_files):
        a, b = (old / name).read_bytes(), (new / name).read_bytes()
        if a == b:
            continue
        if name.endswith(TEXT_SUFFIXES):
            found.append(f"{name}: differs: "
                         f"{first_difference(a.decode('utf-8'), b.decode('utf-8'))}")
        else:
            found.append(f"{name}: differs ({len(a)} and {len(b)} bytes)")
    return found


if __name__ == "__main__":
    sys.exit(main())
