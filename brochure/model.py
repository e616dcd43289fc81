"""Typed content: what content.py loads and every later stage reads."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic
from .resources import Theme, default_theme

# A human-readable text in several languages: {"pl": "...", "en": "..."}.
Text = dict[str, str]


@dataclass(frozen=True)
class Source:
    """Where a value came from, for error messages: file and 1-based line."""
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Network:
    id: str
    name: Text
    short: Text
    colour: str            # "#rrggbb"
    cmyk: tuple[float, float, float, float]   # (c, m, y, k) in percent
    shape: str             # circle | square | triangle | diamond
    cities_expected: int
    source: Source | None = None


@dataclass
class Evidence:
    """Where a city's membership of its network is stated: `source:` in cities.yaml."""
    confidence: str            # confirmed | inferred
    id: str | None = None      # the short id of the source in the facts file, e.g. PIESZ
    url: str | None = None
    note: str | None = None    # for editors; never printed

    def __str__(self) -> str:
        return f"{self.confidence}: {self.id or self.url}"


@dataclass
class City:
    name: str
    network: str
    mid: Text | None = None    # None: the MID topic is not known (printed as such)
    lat: float | None = None
    lon: float | None = None
    source: Source | None = None   # file and line, for messages
    status: str = "member"     # member | candidate (inferred only: never printed)
    evidence: Evidence | None = None

    def lonlat(self) -> tuple[float, float]:
        """(lon, lat) of a city on the map (maplayout.shown_cities keeps only those)."""
        if self.lon is None or self.lat is None:
            raise ValueError(f'city "{self.name}" has no coordinates: it is not on the map')
        return self.lon, self.lat


UNKNOWN = "unknown"
PRINT_DEFAULTS: dict[str, Any] = {"bleed_mm": 3, "crop_marks": False,
                                  "icc": "styles/icc/coated-fogra39-argyll.icc"}


@dataclass
class Event:
    start: dt.date
    end: dt.date | str | None   # None: one day; "unknown": lost in the source
    kind: str                   # online | in-person | study-visit | conference
    network: str                # network id, "all" or "unknown"
    title: Text
    place: Text | None = None
    number: int | None = None
    note: str | None = None
    source: Source | None = None


@dataclass
class Figure:
    value: int
    label: Text
    note: Text | None = None
    group: str = "main"        # which [[key-figures GROUP]] shows it
    source: Source | None = None


@dataclass(frozen=True)
class Outline:
    """The land the maps draw (publication.yaml's `map:`, a GeoJSON file in the publication)
    and how they draw it: the projection, where the sea's name goes."""
    rings: tuple                       # outer rings of (lon, lat)
    file: str                          # as messages name it: content/data/poland.json
    parallels: tuple[float, float]     # the Lambert conformal conic's standard parallels
    origin: tuple[float, float]        # (lon, lat) of the projection's origin
    sea: tuple[float, float] | None = None   # (lon, lat) near which the sea's name is set

    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees."""
        lons = [lon for ring in self.rings for lon, _ in ring]
        lats = [lat for ring in self.rings for _, lat in ring]
        return min(lons), min(lats), max(lons), max(lats)


@dataclass
class Section:
    file: str                  # e.g. "03-siec-cyfrowa"
    pages: dict[str, int]      # page size -> the pages the designer plans (a plan, not a limit)
    bodies: dict[str, str]     # lang -> Markdown text (without front matter)
    meta: dict[str, dict[str, Any]]   # lang -> front matter dict
    body_lines: dict[str, int]   # lang -> line number of the first body line in its file
    source: Source | None = None
    start: str | None = None   # left | right | any: the side it opens on in print (None: by plan)

    def title(self, lang: str) -> str:
        return self.meta[lang]["title"]

    def planned_pages(self, size: str) -> int | None:
        return self.pages.get(size)

    def opens_on(self, size: str) -> str | None:
        """The side it opens on in print, "left" or "right", or None (any): `start:` in
        publication.yaml, else left when it is planned on two pages: a spread, its pages
        facing each other."""
        if self.start:
            return None if self.start == "any" else self.start
        return "left" if self.planned_pages(size) == 2 else None

    def running_head(self, lang: str) -> str | None:
        """A shorter title for the running head, where the title does not fit on its line."""
        return self.meta[lang].get("running-head")

    @property
    def layout(self) -> str:
        return next(iter(self.meta.values()))["layout"]

    @property
    def network(self) -> str | None:
        return next(iter(self.meta.values())).get("network")


@dataclass
class Publication:
    title: Text
    subtitle: Text
    publisher: Text
    partner: Text
    keywords: Text
    date: dt.date
    languages: list[str]
    sections: list[Section]
    networks: list[Network]
    cities: list[City]
    events: list[Event]
    figures: list[Figure]
    data: dict[str, Any] = field(default_factory=dict)   # data/NAME.yaml of the theme's components
    print_options: dict[str, Any] = field(default_factory=lambda: dict(PRINT_DEFAULTS))
    imprint: dict[str, Any] = field(default_factory=dict)   # web, isbn, copyright {lang}, disclaimer {lang}
    logos: list[dict[str, Any]] = field(default_factory=list)   # [{"src": file URL, "alt": {lang: text}}]
    root: str = "content"
    warnings: list[Diagnostic] = field(default_factory=list)
    candidates: list[City] = field(default_factory=list)   # cities with status candidate
    labels: dict = field(default_factory=dict)       # lang -> labels.Labels (labels.yaml)
    name: str = "publication"                       # the stem of the output file names
    editions: tuple = ()                            # editions.Edition, in build order
    outline: Outline | None = None                  # the maps' land; None: no map
    theme: Theme = field(default_factory=default_theme)   # templates, styles, tokens, fonts

    def network(self, network_id: str) -> Network:
        return next(n for n in self.networks if n.id == network_id)

    def cities_of(self, network_id: str) -> list[City]:
        return [c for c in self.cities if c.network == network_id]

    def text_file(self, section: Section, lang: str) -> str:
        """The section's Markdown file in one language, as messages name it."""
        return text_file(self.root, lang, section.file)


def text_file(root: str | Path, lang: str, name: str) -> str:
    """`<content folder>/<lang>/<name>.md`: the one home of that path, for messages."""
    return f"{Path(root).name}/{lang}/{name}.md"
