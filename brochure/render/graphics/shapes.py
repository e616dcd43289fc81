"""The network markers in text (kickers, legends, chips), drawn by CSS: an empty span whose
class names the shape, coloured by the network colour of its surroundings (--net).

Every colour cue in the brochure carries a shape too, so that it still reads in grayscale print and
for colour-blind readers: each network has its own shape (content/data/networks.yaml); programme-wide
events are a ring, events whose network the source does not give a small grey dot (a draft: a
dashed ring). CSS, not inline SVG: a decoration then stays out of the tagged structure (no figure
without alternative text) and its colour goes through the print editions' CMYK conversion with
the rest of the stylesheet.
"""
from __future__ import annotations

from markupsafe import Markup


def _span(kind: str) -> Markup:
    return Markup(f'<span class="shape shape-{kind}" aria-hidden="true"></span>')


def network_marker(network) -> Markup:
    return _span(network.shape)


def all_marker() -> Markup:
    return _span("all")


def unknown_marker() -> Markup:
    return _span("unknown")


def one_network_marker() -> Markup:
    """A meeting of a single network the source does not name: the month strip's small
    neutral dot (a reader's edition)."""
    return _span("one")
