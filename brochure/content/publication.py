"""Load and validate a publication's folder into a Publication. Every error names file, line
and the fix."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import quote

from .. import resources
from ..errors import ContentError
from ..languages import define as define_language
from ..model import (PRINT_DEFAULTS, UNKNOWN, City, Event, Evidence, Figure, Network, Outline,
                     Publication, Section, Source, text_file)
from . import componentdata, editions, labels
from .gaps import missing_data
from .schema import Record, positive_count, records, shown
from .source import Map, Refused, Seq, check_glyphs, check_nesting, display_path, inside, \
    load_optional_yaml, load_yaml, read_text, split_front_matter

KINDS = ("online", "in-person", "study-visit", "conference")
SHAPES = ("circle", "square", "triangle", "diamond", "frame", "bar")   # up to six networks
LAYOUTS = ("text", "summary", "cities", "network", "timeline")
COMPUTED_FIGURES = ("cities", "networks", "events")
CITY_STATUSES = ("member", "candidate")
CONFIDENCES = ("confirmed", "inferred")
SECTION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
# the data files the engine reads itself; every other data/NAME.yaml is the data of the
# theme's component [[NAME]] (a macro of its components.html)
ENGINE_DATA = ("networks.yaml", "cities.yaml", "timeline.yaml", "figures.yaml")
TOKEN_NAME = re.compile(r"[a-z][a-z0-9-]*")
TOKEN_VALUE = re.compile(r"[^;{}<>\\\n]+")      # a value cannot leave its declaration
NEAR_OUTLINE = 0.25        # degrees: a city may lie this far outside the outline's extent

# Limits of the data, each a size the layouts can still print legibly
MAX_PAGES = 100              # a section's page budget
MAX_CITIES = 1_000           # cities a network expects
MAX_MEETING = 9_999          # a meeting's number
MAX_FIGURE = 999_999_999     # a key figure's value: nine digits fit its card
MAX_NAME = 60                # characters of a city's name (a label on the maps)
MAX_TIMELINE_MONTHS = 60     # months the meetings span: the month strip's columns
MAX_OUTLINE_POINTS = 200_000   # of the map's outline (the shipped one has about 700)


# --- the content files --------------------------------------------------------------------

def load(root="content") -> Publication:
    root = Path(root)
    data, file = load_yaml(root, "publication.yaml", glyphs=False)
    pub_rec = Record(data, file, "the publication", [])
    languages = _languages(pub_rec)
    pub_rec.languages = languages
    pub_rec.only("title", "subtitle", "publisher", "partner", "keywords", "date", "languages",
                 "sections", "print", "imprint", "logos", "name", "editions", "theme", "tokens",
                 "map")
    theme = _theme(root, pub_rec)
    with resources.using(theme):      # the glyph check knows the theme's fonts
        check_glyphs(read_text(root / "publication.yaml", file, root), file, yaml_file=True)
        return _publication(root, pub_rec, theme)


def theme_of(root) -> resources.Theme:
    """The theme of the publication in folder `root` (publication.yaml's theme: and tokens:),
    without loading the rest."""
    root = Path(root)
    data, file = load_yaml(root, "publication.yaml", glyphs=False)
    return _theme(root, Record(data, file, "the publication", []))


def _publication(root, pub_rec, theme) -> Publication:
    languages = pub_rec.languages
    name = pub_rec.get("name", str, False, "publication")
    if not editions.ID.match(name):
        pub_rec.fail("name", f'name "{name}" (the stem of the file names) must be lower-case '
                             f"letters, digits and hyphens")
    networks = _networks(root, languages)
    ids = [n.id for n in networks]
    outline = _outline(root, pub_rec)
    cities, candidates = _cities(root, languages, ids, outline)
    pub = Publication(
        title=pub_rec.text("title"), subtitle=pub_rec.text("subtitle"),
        publisher=pub_rec.text("publisher"), partner=pub_rec.text("partner"),
        keywords=pub_rec.text("keywords"), date=pub_rec.date("date"), languages=languages,
        sections=_sections(root, pub_rec, languages),
        networks=networks, cities=cities, candidates=candidates,
        events=_events(root, languages, ids), figures=[],
        data=_component_data(root, languages, theme),
        print_options=_print_options(root, pub_rec, theme), root=str(root),
        imprint=_imprint(pub_rec), logos=_logos(root, pub_rec),
        labels=labels.load(root, languages), name=name,
        editions=editions.from_data(pub_rec, name, languages), outline=outline, theme=theme)
    _check_section_networks(root, pub.sections, ids)
    pub.figures = _figures(root, languages, pub)
    pub.warnings = missing_data(pub)
    return pub


def _theme(root, pub_rec) -> resources.Theme:
    """The publication's theme (resources.for_publication) with publication.yaml's tokens:."""
    named = pub_rec.get("theme", str, False)
    try:
        theme = resources.for_publication(root, named)
    except resources.ThemeError as err:
        pub_rec.fail("theme", err.message)
    return dataclasses.replace(theme, tokens=_tokens(pub_rec, theme))


def _tokens(pub_rec, theme) -> tuple:
    """(name, value) of each design token publication.yaml sets: `tokens: {navy: "#0b3d2e",
    size-body: 10pt}` (names as in tokens.css, without "--")."""
    value = pub_rec.get("tokens", dict, False)
    if value is None:
        return ()
    rec = Record(value, pub_rec.file, "tokens", [])
    known = theme.design_tokens()
    found = []
    for name, given in value.items():
        if not isinstance(name, str) or name not in known:
            close = sorted(t for t in known if str(name).split("-")[0] in t)[:6]
            rec.fail(name, f'"{name}" is not a design token of the theme (styles/tokens.css, '
                           f'without "--"){"; did you mean: " + ", ".join(close) if close else ""}')
        text = str(given).strip() if isinstance(given, (str, int, float)) and \
            not isinstance(given, bool) else ""
        if not TOKEN_VALUE.fullmatch(text) or "/*" in text:
            rec.fail(name, f'token "{name}" must be one CSS value such as "#0b3d2e", 10pt or '
                           f'"Lato" (without ; {{ }} < >), like the theme\'s: {known[name]}')
        found.append((name, text))
    return tuple(found)


def _print_options(root, pub_rec, theme) -> dict:
    """The press settings: bleed, crop marks and the CMYK output profile."""
    options = dict(PRINT_DEFAULTS)
    if pub_rec.data.get("print") is None:
        return options
    rec = Record(pub_rec.data["print"], pub_rec.file, "print", [])
    rec.only(*PRINT_DEFAULTS)
    options["bleed_mm"] = rec.get("bleed_mm", float, False, options["bleed_mm"])
    options["crop_marks"] = rec.get("crop_marks", bool, False, options["crop_marks"])
    options["icc"] = rec.get("icc", str, False, options["icc"])
    if not 0 <= options["bleed_mm"] <= 10:
        rec.fail("bleed_mm", "bleed_mm must be between 0 and 10 (millimetres; 3 is usual)")
    try:
        if not options["icc"].startswith("styles/") or ".." in options["icc"].split("/"):
            raise resources.ThemeError(options["icc"], "not under styles/")
        profile = theme.file(options["icc"])
    except resources.ThemeError:
        rec.fail("icc", f'icc profile "{options["icc"]}" not found; give a path under styles/ '
                        f'of the theme ({theme.describe()}), e.g. '
                        f'styles/icc/coated-fogra39-argyll.icc')
    if not _is_cmyk_profile(profile):
        rec.fail("icc", f'"{options["icc"]}" is not a CMYK ICC profile (the print PDF needs '
                        f'one for its output intent), e.g. styles/icc/coated-fogra39-argyll.icc')
    return options


def _imprint(pub_rec) -> dict:
    """The imprint's facts: web address, ISBN, copyright and disclaimer (each optional)."""
    if pub_rec.data.get("imprint") is None:
        return {}
    rec = Record(pub_rec.data["imprint"], pub_rec.file, "imprint", pub_rec.languages)
    rec.only("web", "isbn", "copyright", "disclaimer")
    return {"web": rec.get("web", str, False), "isbn": rec.get("isbn", str, False),
            "copyright": rec.text("copyright", required=False),
            "disclaimer": rec.text("disclaimer", required=False)}


def _logos(root, pub_rec) -> list:
    """Logo files of the publisher and the partner, inside the content folder, with alt texts."""
    items = pub_rec.data.get("logos")
    if items is None:
        return []
    logos = []
    for rec in records(items, pub_rec.file, "logo", pub_rec.languages):
        rec.only("file", "alt")
        name = rec.get("file", str)
        try:
            path = inside(root, root / name, f"{root.name}/{name}")
        except Refused as refused:
            hint = ("; give a path relative to the content folder, e.g. img/logo-mfipr.svg"
                    if refused.reason in ("missing", "outside") else "")
            rec.fail("file", f'logo "{name}": {refused.message}{hint}')
        if path.suffix.lower() not in (".svg", ".png", ".jpg", ".jpeg"):
            rec.fail("file", f'logo "{name}" must be an SVG, PNG or JPEG file')
        from . import images           # Pillow and defusedxml: loaded only when logos are given
        unusable = images.problem(path)
        if unusable:
            rec.fail("file", f'logo "{name}" cannot be used: {unusable}')
        logos.append({"src": "content/" + quote(path.relative_to(root.resolve()).as_posix()),
                      "alt": rec.text("alt"), "source": f"{pub_rec.file}:{rec.line('file')}"})
    return logos


def _is_cmyk_profile(path: Path) -> bool:
    """An ICC profile's header: the signature 'acsp' at byte 36, its colour space at 16."""
    try:
        with path.open("rb") as handle:
            header = handle.read(128)
    except OSError:
        return False
    return len(header) == 128 and header[36:40] == b"acsp" and header[16:20] == b"CMYK"


def _languages(rec: Record) -> list:
    """The codes of the publication's languages (languages.py knows each from then on); the
    first is the source language, the others are translated from it."""
    specs = rec.get("languages", list)
    if not specs:
        rec.fail("languages", "list the languages of the publication, the source first, "
                              "e.g. [pl, en]")
    codes = []
    for spec in specs:
        try:
            codes.append(define_language(spec).code)
        except ValueError as err:
            rec.fail("languages", str(err))
    if len(set(codes)) != len(codes):
        rec.fail("languages", f"a language is listed twice ({', '.join(codes)}); list each once")
    return codes


def _networks(root, languages) -> list:
    """The networks (groups of cities), if the publication has data/networks.yaml."""
    data, file = load_optional_yaml(root, "data/networks.yaml")
    if data is None:
        return []
    networks: list[Network] = []
    seen: set[str] = set()
    for rec in records(data, file, "network", languages):
        rec.only("id", "name", "short", "colour", "cmyk", "shape", "cities_expected")
        colour = rec.get("colour", str)
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            rec.fail("colour", f'colour "{colour}" must be written #rrggbb, e.g. #2e7d32')
        cmyk = rec.get("cmyk", list)
        if len(cmyk) != 4 or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                     and 0 <= v <= 100 for v in cmyk):
            rec.fail("cmyk", "cmyk must be four percentages [c, m, y, k], each 0–100")
        network = Network(
            id=rec.get("id", str), name=rec.text("name"), short=rec.text("short"),
            colour=colour.lower(), cmyk=tuple(cmyk), shape=rec.choice("shape", SHAPES),
            cities_expected=positive_count(rec, "cities_expected", most=MAX_CITIES),
            source=Source(file, rec.line()))
        if network.id in seen:
            rec.fail("id", f'network "{network.id}" is defined twice')
        seen.add(network.id)
        if not re.fullmatch(r"[a-z][a-z0-9-]*", network.id) or network.id in ("all", UNKNOWN):
            rec.fail("id", f'network id "{network.id}" must be lower-case letters, digits and '
                           '"-", and not "all" or "unknown"')
        networks.append(network)
    return networks


def _network_ref(rec, key, ids, extra=()):
    value = rec.get(key, str)
    if value not in ids and value not in extra:
        rec.fail(key, f'{rec.what} has network "{value}"; expected one of: '
                      f'{", ".join(list(ids) + list(extra))}')
    return value


def _cities(root, languages, ids, outline) -> tuple:
    """(members, candidates): candidates are inferred only and never printed."""
    data, file = load_optional_yaml(root, "data/cities.yaml")
    if data == Seq() or data is None:
        return [], []
    cities: list[City] = []
    seen: set[str] = set()
    for rec in records(data, file, "city", languages):
        rec.only("name", "network", "mid", "lat", "lon", "status", "source")
        city = City(name=rec.get("name", str).strip(), network=_network_ref(rec, "network", ids),
                    mid=_mid(rec),
                    lat=rec.get("lat", float, False), lon=rec.get("lon", float, False),
                    source=Source(file, rec.line()),
                    status=rec.choice("status", CITY_STATUSES, False, "member"))
        rec.what = f'city "{city.name}"'
        if len(city.name) > MAX_NAME or not city.name:
            rec.fail("name", f"{rec.what} has a name of {len(city.name)} characters; a city's "
                             f"name (a label on the maps) has 1 to {MAX_NAME}")
        city.evidence = _evidence(rec)
        if city.name in seen:
            rec.fail("name", f'city "{city.name}" is listed twice; keep one entry')
        seen.add(city.name)
        if (city.lat is None) != (city.lon is None):
            rec.fail("lat", f"{rec.what} needs both lat and lon, or neither")
        if city.lat is not None and city.lon is not None:
            _check_on_map(rec, city, outline)
        _check_status(rec, city)
        cities.append(city)
    return ([c for c in cities if c.status == "member"],
            [c for c in cities if c.status == "candidate"])


def _check_on_map(rec, city, outline):
    """A city lies within the extent of the map's land (publication.yaml's `map:`), or at
    least on the globe when the publication has no map."""
    if outline is None:
        if not (-90 <= city.lat <= 90 and -180 <= city.lon <= 180):
            rec.fail("lat", f"{rec.what} has lat {city.lat}, lon {city.lon}; lat is -90–90 and "
                            f"lon -180–180 (decimal degrees)")
        return
    west, south, east, north = outline.bounds()
    if not (south - NEAR_OUTLINE <= city.lat <= north + NEAR_OUTLINE
            and west - NEAR_OUTLINE <= city.lon <= east + NEAR_OUTLINE):
        rec.fail("lat", f"{rec.what} lies outside the map ({city.lat}, {city.lon}): "
                        f"{outline.file} reaches lat {south:.1f}–{north:.1f} and lon "
                        f"{west:.1f}–{east:.1f}; check lat and lon")


def _outline(root, pub_rec) -> Outline | None:
    """The land the maps draw: publication.yaml's `map:`, a GeoJSON Polygon or MultiPolygon
    in the publication (its outer rings, lon/lat), with the projection (`"projection":
    {"parallels": [49.5, 54.5], "origin": [19, 52]}`: a Lambert conformal conic; without it,
    one fitted to the outline) and where the sea's name goes (`"sea": [lon, lat]`)."""
    name = pub_rec.get("map", str, False)
    if name is None:
        return None
    if not name.strip() or name.strip().endswith("/"):
        pub_rec.fail("map", "map: names the outline's file in the publication's folder, "
                            "e.g. map: data/outline.json")
    path = root / name
    display = display_path(root, path)
    text = read_text(path, display, root)
    try:
        data = json.loads(text)
    except ValueError as err:
        raise ContentError(display, getattr(err, "lineno", 1), f"the outline is not valid JSON ({err}); "
                                                              f"the map needs a GeoJSON outline") from None
    except RecursionError:
        raise ContentError(display, 1, "the outline nests too deeply to be GeoJSON") from None
    rings = _rings(data, display)
    if sum(len(ring) for ring in rings) > MAX_OUTLINE_POINTS:
        raise ContentError(display, 1, f"the outline has more than {MAX_OUTLINE_POINTS:,} points; "
                                       f"simplify it")
    west = min(lon for ring in rings for lon, _ in ring)
    east = max(lon for ring in rings for lon, _ in ring)
    south = min(lat for ring in rings for _, lat in ring)
    north = max(lat for ring in rings for _, lat in ring)
    projection = data.get("projection") or {}
    parallels = _pair(projection.get("parallels", (south + (north - south) / 6,
                                                   north - (north - south) / 6)), display,
                      "projection parallels")
    origin = _pair(projection.get("origin", ((west + east) / 2, (south + north) / 2)), display,
                   "projection origin")
    sea = _pair(data["sea"], display, "sea") if data.get("sea") is not None else None
    return Outline(rings, display, parallels, origin, sea)


def _rings(data, display) -> tuple:
    kind = data.get("type") if isinstance(data, dict) else None
    coords = data.get("coordinates") if isinstance(data, dict) else None
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else None
    polygons = polygons if isinstance(polygons, list) else []
    try:
        rings = tuple(tuple((float(lon), float(lat)) for lon, lat in polygon[0])
                      for polygon in polygons or ())
    except (TypeError, ValueError, IndexError):
        rings = ()
    if not rings or any(len(r) < 4 or not all(-180 <= lon <= 180 and -90 <= lat <= 90
                                               for lon, lat in r) for r in rings):
        raise ContentError(display, 1, 'the outline must be a GeoJSON object: '
                                       '{"type": "Polygon", "coordinates": [[[lon, lat], ...]]} '
                                       '(or a MultiPolygon), in degrees, each ring at least three '
                                       'points and closed')
    return rings


def _pair(value, display, what) -> tuple:
    if not (isinstance(value, (list, tuple)) and len(value) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        raise ContentError(display, 1, f'"{what}" must be two numbers in degrees, e.g. [19, 52]')
    return float(value[0]), float(value[1])


def _mid(rec):
    """The MID topic, or None where it is not known (`mid: unknown` or no `mid`)."""
    value = rec.data.get("mid")
    if value == UNKNOWN:
        return None
    if isinstance(value, str):
        rec.fail("mid", f'"mid" of {rec.what} must be {{pl: "…", en: "…"}}, or unknown when '
                        f'the source does not give the topic; not {shown(value)}')
    return rec.text("mid", required=False)


def _evidence(rec):
    """The city's `source:` {id, url, confidence, note}, or None."""
    if rec.data.get("source") is None:
        return None
    if not isinstance(rec.data["source"], Map):
        rec.fail("source", f"the source of {rec.what} must be a mapping such as "
                           f"{{id: PIESZ, url: \"https://…\", confidence: confirmed}}")
    src = Record(rec.data["source"], rec.file, f"the source of {rec.what}", [])
    src.only("id", "url", "confidence", "note")
    evidence = Evidence(confidence=src.choice("confidence", CONFIDENCES),
                        id=src.get("id", str, False), url=src.get("url", str, False),
                        note=src.get("note", str, False))
    if evidence.id is None and evidence.url is None:
        src.fail(None, f"the source of {rec.what} needs an id (e.g. PIESZ) or a url")
    return evidence


def _check_status(rec, city):
    """Only confirmed cities are printed: an inferred one must be a candidate, and back."""
    confidence = city.evidence.confidence if city.evidence else None
    if city.status == "candidate" and confidence != "inferred":
        rec.fail("status", f"{rec.what} is a candidate: give it a source with confidence "
                           f"inferred, or remove 'status: candidate' to print it")
    if city.status == "member" and confidence == "inferred":
        rec.fail("source", f"{rec.what} is only inferred: add 'status: candidate' (not "
                           f"printed) until a source confirms it")


def _events(root, languages, ids) -> list:
    data, file = load_optional_yaml(root, "data/timeline.yaml")
    if data is None:
        return []
    events = []
    for rec in records(data, file, "event", languages):
        rec.only("start", "end", "kind", "network", "number", "title", "place", "note")
        start = rec.date("start")
        end = rec.data.get("end")
        if end != UNKNOWN:
            end = rec.date("end", required=False)
            if end is not None and end < start:
                rec.fail("end", f"the event ends ({end:%d.%m.%Y}) before it starts "
                                f"({start:%d.%m.%Y}); check both dates")
        events.append(Event(
            start=start, end=end, kind=rec.choice("kind", KINDS),
            network=_network_ref(rec, "network", ids, ("all", UNKNOWN)),
            title=rec.text("title"), place=rec.text("place", required=False),
            number=positive_count(rec, "number", False, MAX_MEETING),
            note=rec.get("note", str, False), source=Source(file, rec.line())))
    _check_span(events, file)
    return sorted(events, key=lambda e: e.start)


def _check_span(events, file) -> None:
    """The meetings fit the month strip: an event far from the others (a mistyped year) is an
    error at its line."""
    if not events:
        return
    def month(day):
        return day.year * 12 + day.month - 1
    starts = sorted(month(e.start) for e in events)
    middle = starts[(len(starts) - 1) // 2]
    first = min(events, key=lambda e: month(e.start))
    last = max(events, key=lambda e: month(e.end if isinstance(e.end, dt.date) else e.start))
    end = last.end if isinstance(last.end, dt.date) else last.start
    span = month(end) - month(first.start) + 1
    if span <= MAX_TIMELINE_MONTHS:
        return
    odd = last if month(end) - middle > middle - month(first.start) else first
    raise ContentError(file, odd.source.line,
                       f"the meetings span {span:,} months ({first.start:%m.%Y} to "
                       f"{end:%m.%Y}); the timeline shows at most {MAX_TIMELINE_MONTHS}: check the "
                       f"dates of this event")


def _figures(root, languages, pub) -> list:
    data, file = load_optional_yaml(root, "data/figures.yaml")
    if data is None:
        return []
    figures = []
    for rec in records(data, file, "key figure", languages):
        rec.only("value", "computed", "label", "note", "group")
        if "computed" in rec.data:
            value = _computed(rec, pub)
        else:
            value = positive_count(rec, "value", most=MAX_FIGURE)
        figures.append(Figure(value=value, label=rec.text("label"),
                              note=rec.text("note", required=False),
                              group=rec.get("group", str, False, "main"),
                              source=Source(file, rec.line())))
    return figures


def _computed(rec, pub) -> int:
    what = rec.choice("computed", COMPUTED_FIGURES)
    if what == "networks":
        return len(pub.networks)
    if what == "events":
        return len(pub.events)
    # The number of cities the programme had, even where the data does not list them all.
    return sum(max(n.cities_expected, len(pub.cities_of(n.id))) for n in pub.networks)


def _component_data(root, languages, theme) -> dict:
    """NAME -> the data of data/NAME.yaml, for each data file the engine does not read itself:
    the data of the theme's component [[NAME]], checked against the shape the theme declares
    for it (componentdata)."""
    folder = root / "data"
    shapes, _ = componentdata.declared_shapes(theme)
    found = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        if path.name not in ENGINE_DATA:
            data, file = load_yaml(root, f"data/{path.name}")
            if path.stem in shapes:
                found[path.stem] = componentdata.checked(data, shapes[path.stem], file, languages,
                                                         f"the data of [[{path.stem}]]")
            else:
                found[path.stem] = componentdata.texts_checked(data, file, languages)
    return found


# --- sections -----------------------------------------------------------------------------

def _sections(root, pub_rec, languages) -> list:
    sections: list[Section] = []
    seen: set[str] = set()
    for i, item in enumerate(pub_rec.get("sections", list)):
        rec = Record(item, pub_rec.file, f"section {i + 1}", languages)
        rec.data.line = getattr(item, "line", pub_rec.line("sections"))
        rec.only("file", "pages", "start")
        name = rec.get("file", str)
        if not SECTION_NAME.fullmatch(name) or ".." in name:
            rec.fail("file", f'section file "{name}" must be a plain name of letters, digits, '
                             f'"-" and "_" (the Markdown files are <language>/<name>.md), '
                             f'without "/", ".." or an absolute path')
        if name in seen:
            rec.fail("file", f'section "{name}" is listed twice; list each section once')
        seen.add(name)
        section = Section(file=name, pages=_planned_pages(rec),
                          start=rec.choice("start", ("left", "right", "any"), False), bodies={}, meta={},
                          body_lines={}, source=Source(pub_rec.file, rec.line()))
        for lang in languages:
            _read_section(root, section, lang, rec)
        _check_section_meta(root, section)
        sections.append(section)
    return sections


def _planned_pages(rec) -> dict:
    """The pages the designer plans for a section, per page size: `pages: 2` (A4) or
    `pages: {A4: 2, A5: 3}`; a plan, not a limit (the content may take more)."""
    value = rec.data.get("pages")
    if value is None:
        return {}
    if not isinstance(value, dict):
        return {"A4": positive_count(rec, "pages", most=MAX_PAGES)}
    sizes = Record(value, rec.file, f"the pages of {rec.what}", [])
    sizes.only(*editions.SIZES)
    return {size: positive_count(sizes, size, most=MAX_PAGES) for size in editions.SIZES
            if size in value}


def _read_section(root, section, lang, rec):
    path = root / lang / f"{section.file}.md"
    display = display_path(root, path)
    if not path.exists() and not path.is_symlink():
        rec.fail("file", f'section "{section.file}" has no {lang} text: {display} does not '
                         f'exist; create it or fix the name (translation missing)')
    text = read_text(path, display, root)
    check_glyphs(text, display)
    meta, body, body_line = split_front_matter(text, display)
    check_nesting(body, display, body_line)
    section.meta[lang], section.bodies[lang], section.body_lines[lang] = meta, body, body_line
    meta_rec = Record(meta, display, "the front matter", [lang])
    meta_rec.only("title", "running-head", "layout", "network", "source-hash")
    meta_rec.get("title", str)
    meta_rec.get("running-head", str, required=False)
    meta_rec.choice("layout", LAYOUTS, required=False)
    meta.setdefault("layout", "text")


def _check_section_meta(root, section):
    first = section.meta[next(iter(section.meta))]
    for lang, meta in section.meta.items():
        for key in ("layout", "network"):
            if meta.get(key) != first.get(key):
                raise ContentError(text_file(root, lang, section.file),
                                   meta.key_lines.get(key, 1),
                                   f'{key} "{meta.get(key)}" differs from the Polish file '
                                   f'{root.name}/{next(iter(section.meta))}/{section.file}.md '
                                   f'("{first.get(key)}"); the language versions must match')


def _check_section_networks(root, sections, ids):
    for section in sections:
        for lang, meta in section.meta.items():
            network, line = meta.get("network"), meta.key_lines.get("network", 1)
            file = text_file(root, lang, section.file)
            if network is not None and network not in ids:
                raise ContentError(file, line, f'network "{network}" is not in '
                                               f'{root.name}/data/networks.yaml; expected one '
                                               f'of: {", ".join(ids)}')
            if meta["layout"] == "network" and network is None:
                raise ContentError(file, meta.key_lines.get("layout", 1),
                                   "layout network needs a network: line in the front matter "
                                   f'(one of: {", ".join(ids)})')
