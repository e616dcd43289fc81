"""The network markers as small inline SVGs, for text (kickers, legends, chips) and graphics.

Every colour cue in the brochure carries a shape too, so that it still reads in grayscale print and
for colour-blind readers: each network has its own shape (content/data/networks.yaml); programme-wide
events are a ring, events whose network the source does not give a dashed ring.
"""
from __future__ import annotations

from markupsafe import Markup

from .map import marker_svg

SIZE = 10                    # viewBox units of a text marker
RING = "#5a6472"             # programme-wide ("all networks")
PENDING = "#6b7480"          # the network is not known


def _svg(body: str) -> Markup:
    return Markup(f'<span class="shape" aria-hidden="true"><svg xmlns="http://www.w3.org/2000/svg" '
                  f'viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" height="{SIZE}">{body}</svg></span>')


def network_marker(network, stroke: str | None = None) -> Markup:
    """The network's shape in its colour, centred in a square, the same area as a circle of r 4."""
    extra = f' stroke="{stroke}" stroke-width="0.9"' if stroke else ""
    return _svg(marker_svg(network.shape, SIZE / 2, SIZE / 2, network.colour, r=4 if stroke else 4.3,
                           extra=extra))


def all_marker() -> Markup:
    return _svg(f'<circle cx="5" cy="5" r="3.6" fill="none" stroke="{RING}" stroke-width="1.6"/>')


def unknown_marker() -> Markup:
    return _svg(f'<circle cx="5" cy="5" r="3.6" fill="none" stroke="{PENDING}" stroke-width="1.1" '
                f'stroke-dasharray="1.6 1.2"/>')
