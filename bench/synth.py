"""Synthetic publications for the scale series, made from the real content.

    make(src, dst, sections=..., prose_repeat=..., cities_per_network=..., events=...)

copies the real content/ to dst and multiplies its material, keeping it valid for the loader:

- cities: each network gets `cities_per_network` cities (the real ones first); the new ones have
  unique names, coordinates inside the outline of Poland (content/data/poland.json), away from
  the cities already there, and an MID topic in pl and en (taken from the real cities);
- events: the timeline gets `events` events (the real ones first), new ones dated inside
  February 2022 - March 2023, with the real events' titles, kinds and networks;
- prose: every plain paragraph of every section is repeated `prose_repeat` times (pl and en);
- sections: the publication gets `sections` sections, the real ones in order and then copies of
  them under new file names and new titles (pl and en, with a correct source-hash), each with
  a generous page budget. Fewer sections than the real six keeps the first `sections` of them.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import sys
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from brochure.render.graphics.mapgeometry import load_outline, point_in_polygon  # noqa: E402
from brochure.content.translation import source_hash  # noqa: E402

STEMS = ("Nowa Wola", "Stare Pole", "Dąbrowa", "Zielonka", "Borowo", "Lipiny", "Jasień",
         "Brzozów", "Grabowo", "Olszyna", "Jaworze", "Sosnowa", "Wierzbno", "Kalina", "Modrzew")
FIRST_DAY, LAST_DAY = dt.date(2022, 2, 1), dt.date(2023, 3, 31)
PARTS = {"pl": "część", "en": "part"}


def make(src, dst, sections=6, prose_repeat=1, cities_per_network=0, events=0) -> Path:
    src, dst = Path(src), Path(dst)
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    _cities(dst, cities_per_network)
    _events(dst, events)
    _sections(dst, sections, prose_repeat)
    return dst


# --- YAML ---------------------------------------------------------------------------------

def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000),
                    encoding="utf-8")


# --- cities -------------------------------------------------------------------------------

def _inside_poland(lon, lat, rings) -> bool:
    return any(point_in_polygon(lon, lat, ring) for ring in rings)


def _free_spots(taken, count, rings) -> list:
    """`count` (lat, lon) points inside Poland, spread out (farthest from everything taken)."""
    grid = [(round(49.4 + 0.15 * i, 2), round(14.3 + 0.22 * j, 2))
            for i in range(37) for j in range(45)]
    grid = [(la, lo) for la, lo in grid if _inside_poland(lo, la, rings)
            and 49.2 <= la <= 54.7 and 14.2 <= lo <= 24.0]
    # margin from the border: all four neighbours 0.25 degrees away inside too
    grid = [(la, lo) for la, lo in grid
            if all(_inside_poland(lo + dx, la + dy, rings)
                   for dx, dy in ((0.3, 0), (-0.3, 0), (0, 0.2), (0, -0.2)))]
    points = list(taken)
    chosen = []
    for _ in range(count):
        def distance(p):
            return min((math.hypot((p[0] - q[0]) * 1.6, p[1] - q[1]) for q in points),
                       default=99)
        best = max((p for p in grid if p not in chosen), key=distance)
        chosen.append(best)
        points.append(best)
    return chosen


def _cities(root: Path, per_network: int) -> None:
    if not per_network:
        return
    path = root / "data" / "cities.yaml"
    cities = _load(path) or []
    networks = [n["id"] for n in _load(root / "data" / "networks.yaml")]
    mids = [c["mid"] for c in cities if isinstance(c.get("mid"), dict)] \
        or [{"pl": "Temat MID", "en": "MAP topic"}]          # some topics are unknown
    names = {c["name"] for c in cities}
    rings = load_outline(str(root / "data" / "poland.json"))
    wanted = {n: max(0, per_network - sum(c["network"] == n for c in cities)) for n in networks}
    spots = iter(_free_spots([(c["lat"], c["lon"]) for c in cities if "lat" in c],
                             sum(wanted.values()), rings))
    serial = 0
    for network, missing in wanted.items():
        for _ in range(missing):
            while True:
                serial += 1
                name = f"{STEMS[serial % len(STEMS)]} {serial // len(STEMS) + 1}"
                if name not in names:
                    break
            names.add(name)
            lat, lon = next(spots)
            cities.append({"name": name, "network": network, "lat": lat, "lon": lon,
                           "mid": dict(mids[serial % len(mids)])})
    _dump(path, cities)


# --- events -------------------------------------------------------------------------------

def _events(root: Path, count: int) -> None:
    path = root / "data" / "timeline.yaml"
    events = _load(path) or []
    real = list(events)
    span = (LAST_DAY - FIRST_DAY).days - 3
    extra = max(0, count - len(events))
    for i in range(extra):
        model = real[i % len(real)]
        start = FIRST_DAY + dt.timedelta(days=(i * 37 + 11) % span)
        event = {"start": start, "kind": model["kind"], "network": model["network"],
                 "title": dict(model["title"])}
        if i % 3 == 0:
            event["end"] = start + dt.timedelta(days=2)
        if "place" in model:
            event["place"] = dict(model["place"])
        events.append(event)
    events.sort(key=lambda e: e["start"])
    _dump(path, events)


# --- sections -----------------------------------------------------------------------------

def _split(text: str):
    lines = text.split("\n")
    end = lines[1:].index("---") + 1
    return "\n".join(lines[1:end]), "\n".join(lines[end + 1:])


def _write(path: Path, meta: dict, body: str) -> None:
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(f"---\n{head}---\n{body}", encoding="utf-8")


def _plain(block: str) -> bool:
    """A paragraph of prose (not a component, heading, list, box or its indented text)."""
    first = block.lstrip("\n").split("\n")[0]
    return bool(first.strip()) and not re.match(r"(\[\[|!!!|#|- |\d+\. |\s)", first)


def _longer(body: str, repeat: int) -> str:
    if repeat <= 1:
        return body
    out = []
    for block in body.split("\n\n"):
        out.append(block)
        if _plain(block):
            out += [block.strip("\n")] * (repeat - 1)
    return "\n\n".join(out)


def _sections(root: Path, count: int, repeat: int) -> None:
    pub_path = root / "publication.yaml"
    pub = _load(pub_path)
    real = pub["sections"]
    kept = []
    for i in range(count):
        item = real[i % len(real)]
        copy = i // len(real)
        name = item["file"] if copy == 0 else f"{item['file']}-kopia-{copy}"
        texts = {}
        for lang in ("pl", "en"):
            meta_text, body = _split((root / lang / f"{item['file']}.md").read_text("utf-8"))
            meta = yaml.safe_load(meta_text)
            if copy:
                meta["title"] = f"{meta['title']} ({PARTS[lang]} {copy + 1})"
            texts[lang] = [meta, _longer(body, repeat)]
        en_meta = texts["en"][0]
        en_meta["source-hash"] = source_hash(texts["pl"][0], texts["pl"][1])
        for lang, (meta, body) in texts.items():
            _write(root / lang / f"{name}.md", meta, body)
        kept.append({"file": name, "pages": _pages(item.get("pages", 2), repeat)})
    # files of sections no longer listed would be orphans (an error): remove them
    listed = {f"{s['file']}.md" for s in kept}
    for lang in ("pl", "en"):
        for path in (root / lang).glob("*.md"):
            if path.name not in listed:
                path.unlink()
    pub["sections"] = kept
    _dump(pub_path, pub)


if __name__ == "__main__":      # python bench/synth.py DST SECTIONS REPEAT CITIES EVENTS
    dst, *numbers = sys.argv[1:]
    make(PROJECT / "content", dst, *map(int, numbers))
    print(dst)


def _pages(planned, repeat: int):
    """The plan of a section `repeat` times longer: its pages per page size, or all sizes."""
    if isinstance(planned, dict):
        return {size: max(pages * repeat * 2, 4) for size, pages in planned.items()}
    return max(planned * repeat * 2, 4)
