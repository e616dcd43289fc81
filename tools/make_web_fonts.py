#!/usr/bin/env python3
"""Make the web edition's small fonts, once: styles/fonts/web/Lato-*.woff2.

Each is a subset of styles/fonts/Lato-*.ttf (the same OFL font, see styles/fonts/OFL.txt) to
the characters of UNICODE_RANGE below (Basic Latin, Latin-1, Latin Extended-A: Polish and most
European languages; general punctuation; the euro sign), compressed as WOFF2: about 50 KB
instead of 660 KB. styles/web.css declares each weight twice: the whole TTF, then this subset
with the same unicode-range, so a browser loads the TTF only for a character outside the range.
Too slow to run in every build (about a second per font), hence made once and committed:

    .venv/bin/python tools/make_web_fonts.py
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "brochure/themes/default/styles/fonts"
WEIGHTS = ("Regular", "Bold", "Black")           # the weights styles/web.css uses
UNICODE_RANGE = ((0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x20AC, 0x20AC))


def css_range() -> str:
    """UNICODE_RANGE as written in the @font-face rules of styles/web.css."""
    return ", ".join(f"U+{a:04X}" if a == b else f"U+{a:04X}-{b:04X}" for a, b in UNICODE_RANGE)


def make(name: str) -> Path:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]          # kerning and ligatures as in the TTF
    options.name_IDs = ["*"]                 # the copyright and licence notices stay
    options.notdef_outline = True
    font = TTFont(FONTS / f"Lato-{name}.ttf")
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for a, b in UNICODE_RANGE for c in range(a, b + 1)])
    subsetter.subset(font)
    target = FONTS / "web" / f"Lato-{name}.woff2"
    target.parent.mkdir(exist_ok=True)
    font.flavor = "woff2"
    font.save(target)
    return target


if __name__ == "__main__":
    for weight in WEIGHTS:
        made = make(weight)
        print(f"{made.relative_to(FONTS.parent.parent)}: {made.stat().st_size // 1024} KB")
    print(f"unicode-range: {css_range()}")
    sys.exit(0)
