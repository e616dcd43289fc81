#!/usr/bin/env python3
"""Draw the park plan of the example report: examples/report/img/plan-parku.png.

    .venv/bin/python tools/make_report_picture.py

A made-up site (the Młynówka river, a pond, paths, a playground, trees) with the places the
fictional residents spoke about most: yellow (lighting), green (benches and shade), orange
(the playground). No text in the picture: its description and caption are in the Markdown.
Drawn here, so it is ours to publish (CC0); the build never runs this script. The PNG carries
an sRGB profile, so the print editions (PDF/X-4) get an ICC-based picture, not device RGB.
"""
from __future__ import annotations

import io
import math
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parent.parent / "examples" / "report" / "img" / "plan-parku.png"
W, H = 1600, 1000
GRASS, LAWN, PATH, WATER, TREE, TREE_DARK = "#d9e8cf", "#c8dcb8", "#f4efe4", "#8fc1d9", "#6f9f62", "#4f7f48"
LIGHT, SHADE, PLAY, EDGE = "#e8b417", "#2f7d4f", "#d9692b", "#7d8a76"


def river(t: float) -> tuple:
    """A point of the river's centre line, t from 0 (west) to 1 (east)."""
    x = -60 + t * (W + 120)
    return x, 560 + 150 * math.sin(t * math.pi * 1.6 - 0.4)


def main() -> None:
    image = Image.new("RGB", (W, H), GRASS)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((40, 40, W - 40, H - 40), 60, fill=LAWN, outline=EDGE, width=6)
    for x, y in (river(i / 1600) for i in range(1601)):                # the river: round ends
        draw.ellipse((x - 35, y - 35, x + 35, y + 35), fill=WATER)
    draw.ellipse((1130, 180, 1420, 380), fill=WATER)                   # the pond
    for x, y in (river(i / 1600) for i in range(1601)):                # the riverside path
        draw.ellipse((x - 11, y - 86, x + 11, y - 64), fill=PATH)
    draw.line([(90, 250), (560, 300), (1000, 250), (1130, 280)], fill=PATH, width=22, joint="curve")
    draw.line([(800, 90), (760, 430), (700, 900)], fill=PATH, width=22, joint="curve")
    draw.rounded_rectangle((240, 110, 520, 260), 24, fill="#efe0c2", outline=PLAY, width=10)
    for i in range(46):                                                # trees
        x = 80 + (i * 317) % (W - 160)
        y = 90 + (i * 211) % (H - 180)
        if abs(y - river((x + 60) / (W + 120))[1]) > 120 and not (230 < x < 530 and 100 < y < 270):
            r = 26 + (i * 7) % 18
            draw.ellipse((x - r, y - r, x + r, y + r), fill=TREE if i % 3 else TREE_DARK)
    for x, y in [(300, 420), (560, 300), (930, 380)]:                 # dark stretches
        draw.ellipse((x - 46, y - 46, x + 46, y + 46), outline=LIGHT, width=14)
    for x, y in [(1100, 430), (1450, 300), (1000, 700), (200, 720)]:  # benches and shade
        draw.rounded_rectangle((x - 34, y - 20, x + 34, y + 20), 8, fill=SHADE)
    image = image.filter(ImageFilter.SMOOTH)
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True, icc_profile=profile)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(out.getvalue())
    print(f"{OUT} ({len(out.getvalue()) // 1024} KB)")


if __name__ == "__main__":
    main()
