"""Label placement on the maps: a name beside every city marker, none colliding with another,
a marker, a leader line or an obstacle; then the sea's name in the open water that is left.

    place_labels(points, bounds, obstacles=(), soft_lines=()) -> [Label]
    place_sea(text, target, bounds, taken, leaders, rings) -> dict | None

Greedy, densest neighbourhood first: each label takes the cheapest free position among the
candidates round its marker (right, left, above, below, the corners, then further out on a
leader line). A label that finds no room goes first on the next attempt.
All sizes in mm at print size.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from .mapgeometry import (MARKER_STROKE, Box, box_hits_polygon, box_hits_polyline, box_within,
                          boxes_overlap, inflate, segment_hits_box, segments_cross)
from .svgtext import cap_height, pt, text_extents, text_width

LABEL_SIZE = pt(7.5)
HALO = 0.6                  # halo stroke width (0.3 on each side of the glyphs)
LABEL_GAP = 0.6             # marker edge to label
CLEARANCE = 0.25            # extra space kept between a label and anything else
LABEL_SEPARATION = 1.8      # between two labels: closer, two names read as one ("Krzywiń Uniejów")
OTHER_MARKER_GAP = 1.6      # a label keeps this from every marker but its own (at LABEL_GAP),
                            # so that it is plainly nearer its own city
BORDER_COST = 12            # a label across the border costs more than a short move round it
DIAGONAL_PULL = 0.7         # a corner position is pulled in towards the marker's corner

# further out: on a leader line, at these distances from the marker, in 16 directions
LEADER_DISTANCES = (5.0, 7.5, 10.0, 13.0, 17.0, 22.0)
LEADER_DIRECTIONS = 16
LEADER_COST = 10            # above every position beside the marker ...
LEADER_STEP_COST = 3        # ... more for each step out ...
LEADER_TURN_COST = 0.05     # ... and a little for each direction away from "right"
SIDEWAYS = 0.38             # |cos| of a leader's direction above which the text sits beside its end
LEADER_TEXT_GAP = 0.4       # leader end to the text
LEADER_START_GAP = 0.3      # marker edge to the leader's start
LEADER_CLEARANCE = 0.1      # a leader keeps this from markers and labels

NEIGHBOURHOOD = 30          # mm: cities nearer than this make a label's neighbourhood crowded
NEIGHBOUR_SLOT = 8          # mm each side of an unlabelled marker kept for its own label ...
NEIGHBOUR_COST = 0.6        # ... at this cost for a label that takes it

SEA_SIZE = pt(7.5)
SEA_SPACING = 0.25          # letter spacing of the sea's name
SEA_STEP = 0.5              # the search grid round the target
SEA_REACH = (20, 30)        # grid steps west/east and south of the target
SEA_PAD = 0.3               # ink to the box the sea's name keeps clear
SEA_CLEARANCE = 1.0         # from markers, labels, the legend
SEA_LEADER_CLEARANCE = 0.5
SEA_COAST_CLEARANCE = 1.2
SEA_EDGE = 0.5              # from the edge of the bounds


@dataclass
class Label:
    name: str
    x: float                    # text start (text-anchor start)
    baseline: float
    width: float
    box: Box                    # ink box grown by the halo: nothing else may enter it
    anchor: tuple               # (x, y) of the marker it names
    leader: tuple | None = None  # ((x1, y1), (x2, y2)) when the label sits away from its marker
    position: str = ""          # "right", "left", ..., "leader"


class Candidate(NamedTuple):
    position: str
    cost: float
    x: float                    # text start
    baseline: float
    leader: tuple | None


class Ink(NamedTuple):
    """A label's text measures: advance width, ink above and below the baseline, cap height."""
    width: float
    ascent: float
    descent: float
    cap: float


# --------------------------------------------------------------------------- candidates


def candidates(px: float, py: float, mbox: Box, ink: Ink):
    """Label positions round the marker at (px, py) with box mbox (its ring included): beside
    the marker in rising base cost, then on leader lines, each distance dearer than the last
    (within one distance the cost rises and falls again with the direction)."""
    yield from _beside_marker(px, py, mbox, ink)
    yield from _on_leaders(px, py, mbox, ink)


def _beside_marker(px, py, mbox, ink):
    g, d, w = LABEL_GAP, DIAGONAL_PULL, ink.width
    x0, y0, x1, y1 = mbox
    mid = py + ink.cap / 2                   # baseline that centres capitals on the marker
    above, below = y0 - g - ink.descent, y1 + g + ink.ascent
    corner_above, corner_below = y0 + g * (1 - d) - ink.descent, y1 - g * (1 - d) + ink.ascent
    yield Candidate("right", 0, x1 + g, mid, None)
    yield Candidate("left", 1, x0 - g - w, mid, None)
    yield Candidate("above", 2, px - w / 2, above, None)
    yield Candidate("below", 3, px - w / 2, below, None)
    yield Candidate("above-right", 4, x1 + g * d, corner_above, None)
    yield Candidate("above-left", 5, x0 - g * d - w, corner_above, None)
    yield Candidate("below-right", 6, x1 + g * d, corner_below, None)
    yield Candidate("below-left", 7, x0 - g * d - w, corner_below, None)


def _on_leaders(px, py, mbox, ink):
    start_r = max(mbox[2] - px, mbox[3] - py) + LEADER_START_GAP
    for step, dist in enumerate(LEADER_DISTANCES):
        for k in range(LEADER_DIRECTIONS):
            a = k * 2 * math.pi / LEADER_DIRECTIONS
            ca, sa = math.cos(a), -math.sin(a)        # y down: k = 4 is straight up
            ex, ey = px + ca * dist, py + sa * dist
            tx, tb = _text_at_leader_end(ex, ey, ca, sa, ink)
            leader = ((px + ca * start_r, py + sa * start_r), (ex, ey))
            cost = (LEADER_COST + LEADER_STEP_COST * step
                    + LEADER_TURN_COST * min(k, LEADER_DIRECTIONS - k))
            yield Candidate("leader", cost, tx, tb, leader)


def _text_at_leader_end(ex, ey, ca, sa, ink):
    """Text start and baseline of a label at the end (ex, ey) of a leader going (ca, sa)."""
    if ca > SIDEWAYS:
        return ex + LEADER_TEXT_GAP, ey + ink.cap / 2
    if ca < -SIDEWAYS:
        return ex - LEADER_TEXT_GAP - ink.width, ey + ink.cap / 2
    if sa < 0:
        return ex - ink.width / 2, ey - LEADER_TEXT_GAP - ink.descent
    return ex - ink.width / 2, ey + LEADER_TEXT_GAP + ink.ascent


def label_box(candidate: Candidate, ink: Ink) -> Box:
    """The ink box of a label at `candidate`, grown by the halo."""
    half_halo = HALO / 2
    tx, tb = candidate.x, candidate.baseline
    return (tx - half_halo, tb - ink.ascent - half_halo, tx + ink.width + half_halo,
            tb + ink.descent + half_halo)


# --------------------------------------------------------------------------- placement


@dataclass
class Scene:
    """What a new label must keep clear of; grows as labels are placed."""
    points: list
    inner: Box                          # the bounds less the clearance
    obstacles: tuple
    soft_lines: tuple
    cap: float
    marker_boxes: list                  # with their white ring
    placed: dict = field(default_factory=dict)     # point index -> Label
    leaders: list = field(default_factory=list)

    def box_is_free(self, i: int, box: Box) -> bool:
        """Box inside the bounds, clear of every marker, label, obstacle and leader line."""
        if not box_within(box, self.inner):
            return False
        if any(boxes_overlap(box, mb, CLEARANCE if j == i else OTHER_MARKER_GAP)
               for j, mb in enumerate(self.marker_boxes)):
            return False
        if any(boxes_overlap(box, lb.box, LABEL_SEPARATION) for lb in self.placed.values()):
            return False
        if any(boxes_overlap(box, ob, CLEARANCE) for ob in self.obstacles):
            return False
        return not any(segment_hits_box(a, b, inflate(box, CLEARANCE)) for a, b in self.leaders)

    def leader_is_free(self, i: int, leader) -> bool:
        """Leader clear of the other markers, the labels, the obstacles and the other leaders."""
        a, b = leader
        if any(segment_hits_box(a, b, inflate(mb, LEADER_CLEARANCE))
               for j, mb in enumerate(self.marker_boxes) if j != i):
            return False
        if any(segment_hits_box(a, b, inflate(lb.box, LEADER_CLEARANCE)) for lb in self.placed.values()):
            return False
        if any(segment_hits_box(a, b, ob) for ob in self.obstacles):
            return False
        return not any(segments_cross(a, b, c, d) for c, d in self.leaders)

    def cost(self, i: int, box: Box, base: float, order) -> float:
        """Base cost, plus crossing the border, plus each unlabelled neighbour's slot taken
        (their right and left positions are precious)."""
        total = base
        if self.soft_lines and box_hits_polyline(box, self.soft_lines):
            total += BORDER_COST
        for j in order:
            if j != i and j not in self.placed:
                _, qx, qy, qb = self.points[j]
                slot = (qb[0] - NEIGHBOUR_SLOT, qy - self.cap, qb[2] + NEIGHBOUR_SLOT, qy + self.cap)
                if boxes_overlap(box, slot):
                    total += NEIGHBOUR_COST
        return total

    def add(self, i: int, label: Label) -> None:
        self.placed[i] = label
        if label.leader:
            self.leaders.append(label.leader)


def place_labels(points, bounds: Box, obstacles=(), soft_lines=(), size: float = LABEL_SIZE,
                 style: str = "Regular") -> list:
    """Place one label per point without collisions; greedy, densest first.

    points: [(name, x, y, marker_box)], marker_box absolute (x0, y0, x1, y1).
    bounds: the box every label must stay in. obstacles: boxes no label or leader may enter
    (legend, ...). soft_lines: segments a label should rather not cross (the country border).
    Returns Labels in the order of `points`. Raises ValueError if a label cannot be placed.
    """
    labels, unplaced = place_labels_or_leave_out(points, bounds, obstacles, soft_lines, size,
                                                 style)
    if unplaced:
        raise ValueError(f"cannot place the map label for {unplaced[0]!r}")
    return labels


def place_labels_or_leave_out(points, bounds: Box, obstacles=(), soft_lines=(),
                              size: float = LABEL_SIZE, style: str = "Regular") -> tuple:
    """(labels, names left unlabelled): as place_labels, but a label that cannot be placed
    among its neighbours is left out (its marker stays), the crowdedest first, and the others
    are placed."""
    if not points:
        return [], []
    order = densest_first(points)
    left_out: list = []
    while True:
        for _attempt in range(len(order) + 1):
            result, failed = _place_in_order(points, order, bounds, obstacles, soft_lines, size,
                                             style)
            if failed is None:
                return result, [points[i][0] for i in left_out]
            order.remove(failed)
            order.insert(0, failed)
        order.remove(failed)
        left_out.append(failed)


def densest_first(points) -> list:
    """Indexes of points, the most crowded neighbourhood first (then by name)."""
    density = [_crowding(points, i) for i in range(len(points))]
    return sorted(range(len(points)), key=lambda i: (-density[i], points[i][0]))


def _crowding(points, i: int) -> float:
    _, x, y, _ = points[i]
    s = 0.0
    for j, (_, x2, y2, _) in enumerate(points):
        if i != j:
            dist = math.hypot(x - x2, y - y2)
            if dist < NEIGHBOURHOOD:
                s += 1 / max(dist, 1.0)
    return s


def _place_in_order(points, order, bounds, obstacles, soft_lines, size, style):
    """(labels in the order of points, None), or (None, index of the first that found no room)."""
    cap = cap_height(size, style)
    scene = Scene(points, inflate(bounds, -CLEARANCE), tuple(obstacles), tuple(soft_lines), cap,
                   [inflate(p[3], MARKER_STROKE / 2) for p in points])
    for i in order:
        label = _best_label(scene, i, order, size, style)
        if label is None:
            return None, i
        scene.add(i, label)
    return [scene.placed[i] for i in sorted(order)], None


def _best_label(scene: Scene, i: int, order, size, style) -> Label | None:
    """The cheapest free position for point i's label, None if there is none."""
    name, px, py, mbox = scene.points[i]
    w, asc, desc = text_extents(name, size, style)
    ink = Ink(w, max(asc, scene.cap), max(desc, 0.0), scene.cap)
    best, best_cost = None, None
    for candidate in candidates(px, py, inflate(mbox, MARKER_STROKE / 2), ink):
        if best_cost is not None and candidate.cost >= best_cost:
            # Costs rise from one group of candidates to the next, not always within a leader
            # distance: this stop is a shortcut the maps are tuned to (searching on changes the A5 map).
            break
        box = label_box(candidate, ink)
        if not scene.box_is_free(i, box):
            continue
        if candidate.leader is not None and not scene.leader_is_free(i, candidate.leader):
            continue
        total = scene.cost(i, box, candidate.cost, order)
        if best_cost is None or total < best_cost:
            best_cost = total
            best = Label(name, candidate.x, candidate.baseline, w, box, (px, py),
                         candidate.leader, candidate.position)
    return best


# --------------------------------------------------------------------------- the sea


@lru_cache(maxsize=1)
def _sea_offsets() -> tuple:
    """Grid steps (dx, dy) round the target, nearest first, southwards only."""
    west_east, south = SEA_REACH
    steps = ((dx, dy) for dy in range(0, south + 1) for dx in range(-west_east, west_east + 1))
    return tuple(sorted(steps, key=lambda o: (abs(o[0]) + o[1], o[1], o[0])))


def place_sea(text: str, target: tuple, bounds: Box, taken, leaders, rings) -> dict | None:
    """The sea's name at the free spot nearest `target` (mm): inside `bounds` but for the
    bottom, clear of the `taken` boxes (markers, labels, legend), of the leader lines and of
    the land. None when there is no such spot."""
    w = text_width(text, SEA_SIZE, "Italic", SEA_SPACING)
    _, asc, desc = text_extents(text, SEA_SIZE, "Italic")
    tx, ty = target
    for dx, dy in _sea_offsets():
        x, b = tx - w / 2 + dx * SEA_STEP, ty + dy * SEA_STEP
        box = (x - SEA_PAD, b - asc - SEA_PAD, x + w + SEA_PAD, b + desc + SEA_PAD)
        if _sea_spot_is_free(box, bounds, taken, leaders, rings):
            return {"text": text, "x": x, "baseline": b, "box": box, "spacing": SEA_SPACING}
    return None


def _sea_spot_is_free(box: Box, bounds: Box, taken, leaders, rings) -> bool:
    if not (bounds[0] + SEA_EDGE <= box[0] and bounds[1] + SEA_EDGE <= box[1]
            and box[2] <= bounds[2] - SEA_EDGE):
        return False
    if any(boxes_overlap(box, other, SEA_CLEARANCE) for other in taken):
        return False
    if any(segment_hits_box(p, q, inflate(box, SEA_LEADER_CLEARANCE)) for p, q in leaders):
        return False
    return not any(box_hits_polygon(inflate(box, SEA_COAST_CLEARANCE), r) for r in rings)
