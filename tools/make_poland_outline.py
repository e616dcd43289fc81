#!/usr/bin/env python3
"""One-off: extract Poland's outline from Natural Earth 1:50m (via world-atlas) into
content/data/poland.json.

    cd /tmp && npm install world-atlas
    .venv/bin/python tools/make_poland_outline.py [/tmp/node_modules/world-atlas/countries-50m.json]

The build never runs this script: it reads only the committed content/data/poland.json.
TopoJSON is decoded here by hand (quantized, delta-encoded arcs; negative arc index = reversed
arc ~i), then each ring is simplified with Douglas-Peucker in a locally equal-scaled plane
(longitude scaled by cos 52 deg) and rounded to 3 decimals (about 100 m).
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

DEFAULT_SRC = "/tmp/node_modules/world-atlas/countries-50m.json"
OUT = Path(__file__).resolve().parent.parent / "content" / "data" / "poland.json"
TOLERANCE_KM = 0.8          # Douglas-Peucker tolerance (0.2 mm at 170 mm width); 316 -> ~213 points
KX = math.cos(math.radians(52.0)) * 111.32   # km per degree of longitude near 52 N
KY = 110.57                                  # km per degree of latitude


def decode_arcs(topo: dict) -> list:
    """Absolute lon/lat arcs: undo the delta encoding, then the quantization transform."""
    t = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for p in arc:
            if t:
                x += p[0]
                y += p[1]
                sx, sy = t["scale"]
                tx, ty = t["translate"]
                pts.append((x * sx + tx, y * sy + ty))
            else:
                pts.append((p[0], p[1]))
        arcs.append(pts)
    return arcs


def ring(arcs: list, indices: list) -> list:
    """Stitch a ring from arc indices; ~i (negative) means arc i reversed. Arcs share end points."""
    pts = []
    for i in indices:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])
    return pts


def _dist_km(p, a, b) -> float:
    px, py = p[0] * KX, p[1] * KY
    ax, ay = a[0] * KX, a[1] * KY
    bx, by = b[0] * KX, b[1] * KY
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def douglas_peucker(pts: list, tol: float) -> list:
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = 0.0, None
        for k in range(i + 1, j):
            d = _dist_km(pts[k], pts[i], pts[j])
            if d > best:
                best, idx = d, k
        if idx is not None and best > tol:
            keep[idx] = True
            stack += [(i, idx), (idx, j)]
    return [p for p, k in zip(pts, keep) if k]


def simplify_ring(pts: list, tol: float) -> list:
    """Closed ring: split at the first point and the point farthest from it, simplify both halves."""
    if pts[0] == pts[-1]:
        pts = pts[:-1]
    far = max(range(len(pts)), key=lambda k: _dist_km(pts[k], pts[0], pts[0]))
    a = douglas_peucker(pts[: far + 1], tol)
    b = douglas_peucker(pts[far:] + [pts[0]], tol)
    out = a + b[1:-1]
    return out + [out[0]]


def main(src: str = DEFAULT_SRC) -> None:
    topo = json.loads(Path(src).read_text())
    arcs = decode_arcs(topo)
    geoms = topo["objects"]["countries"]["geometries"]
    pl = next(g for g in geoms if g.get("id") == "616" or g.get("properties", {}).get("name") == "Poland")
    polys = pl["arcs"] if pl["type"] == "MultiPolygon" else [pl["arcs"]]
    rings_in = [ring(arcs, r) for poly in polys for r in poly]
    if len(rings_in) != 1:
        print(f"note: {len(rings_in)} rings", file=sys.stderr)
    rings = []
    raw = 0
    for r in rings_in:
        raw += len(r)
        s = simplify_ring(r, TOLERANCE_KM)
        if len(s) >= 4:
            rings.append([[round(x, 3), round(y, 3)] for x, y in s])
    data = {
        "type": "Polygon" if len(rings) == 1 else "MultiPolygon",
        "name": "Poland",
        "source": "Natural Earth 1:50m Admin 0 countries v4.1.0 via world-atlas 2.0.2 countries-50m.json; "
                  f"Douglas-Peucker {TOLERANCE_KM} km; see poland.SOURCE.md",
        # how the maps draw it: a Lambert conformal conic for Poland (standard parallels 49.5
        # and 54.5 N, origin 19 E 52 N), the sea's name off the coast between Kołobrzeg and Łeba
        "projection": {"parallels": [49.5, 54.5], "origin": [19.0, 52.0]},
        "sea": [16.2, 54.95],
        "coordinates": rings if len(rings) == 1 else [[r] for r in rings],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # one ring point per line would be long; keep it compact but not a single 6 KB line
    text = text.replace("],[", "],\n[")
    OUT.write_text(text + "\n", encoding="utf-8")
    n = sum(len(r) for r in rings)
    print(f"{raw} points -> {n} points in {len(rings)} ring(s); {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(*sys.argv[1:])
