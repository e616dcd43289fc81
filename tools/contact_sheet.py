#!/usr/bin/env python3
"""Render a PDF's pages side by side into one PNG, to look at a whole edition at once.

usage: tools/contact_sheet.py FILE.pdf OUT.png [dpi] [columns]
"""
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image


def main(pdf, out, dpi="40", columns="6"):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", dpi, "-png", pdf, f"{tmp}/p"], check=True)
        pages = [Image.open(p) for p in sorted(Path(tmp).glob("p-*.png"))]
        cols = min(int(columns), len(pages))
        w, h = max(p.width for p in pages), max(p.height for p in pages)
        rows = -(-len(pages) // cols)
        sheet = Image.new("RGB", (cols * (w + 8) + 8, rows * (h + 8) + 8), "#888")
        for i, page in enumerate(pages):
            sheet.paste(page, (8 + (i % cols) * (w + 8), 8 + (i // cols) * (h + 8)))
        sheet.save(out)


if __name__ == "__main__":
    main(*sys.argv[1:])
