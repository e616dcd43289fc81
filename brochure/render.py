"""Publication + edition -> HTML: Jinja2 layouts, Markdown prose, data components, typography."""
from __future__ import annotations

import contextvars
import copy
import functools
import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from . import colour, prose, typography
from .content import ContentError
from .graphics import map as map_graphic, monthstrip, shapes, timeline
from .model import UNKNOWN

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "templates"
STYLES = PROJECT / "styles"
CSS_URL = re.compile(r"url\((?!data:)['\"]?([^'\")]+)['\"]?\)")
# The language of the section being rendered: the text a section's layout writes is set in
# its typography (see `environment`); outside a section, `|typo(lang)` says so.
SECTION_LANG: contextvars.ContextVar[str | None] = contextvars.ContextVar("lang", default=None)

LABELS = {
    "pl": {"contents": "W tej publikacji", "city": "Miasto", "mid": "Temat MID", "date": "Data",
           "meeting": "Spotkanie", "place": "Miejsce", "network": "Sieć",
           "all": "wszystkie sieci", "unknown": "nieznana", "events": "Wykaz spotkań",
           "stages": "Etapy przygotowania projektów PPP", "language": "Polski",
           "notes": "Notatki", "thematic": "Sieć tematyczna", "imprint": "Stopka redakcyjna",
           "publisher": "Wydawca", "partner": "Partner strategiczny",
           "mid_pending": "temat MID do uzupełnienia",
           "cities_pending": "pozostałe miasta (%d)",
           "source_silent": "do uzupełnienia: materiał źródłowy nie podaje ich nazw ani tematów MID",
           "other_part": "English version",
           "numbering": "Numery spotkań (#) są liczone w obrębie każdej sieci."},
    "en": {"contents": "In this publication", "city": "City", "mid": "MAP topic", "date": "Date",
           "meeting": "Meeting", "place": "Place", "network": "Network",
           "all": "all networks", "unknown": "unknown", "events": "List of meetings",
           "stages": "Stages of preparing PPP projects", "language": "English",
           "notes": "Notes", "thematic": "Thematic network", "imprint": "Imprint",
           "publisher": "Publisher", "partner": "Strategic partner",
           "mid_pending": "MAP topic to be completed",
           "cities_pending": "other cities (%d)",
           "source_silent": "to be completed: the source gives neither their names nor their MAP topics",
           "other_part": "Wersja polska",
           "numbering": "Meeting numbers (#) count the meetings of each network."},
}
MONTHS = {"pl": ("styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień",
                 "wrzesień", "październik", "listopad", "grudzień"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December")}
HTML_LANG = {"pl": "pl", "en": "en-GB"}    # lang attributes: hyphenation rules and tagging


def environment() -> jinja2.Environment:
    """Every `{{ text }}` of a section's layout and of the components is set in the section's
    typography as it is written (the Markdown body is set by prose.py): the HTML is never
    parsed again."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, finalize=_section_typography)
    env.filters["dates"] = timeline.format_dates
    env.filters["cities"] = cities_count
    env.filters["typo"] = lambda value, lang: escape(_smarten(str(value), lang))
    env.globals.update(shape=shapes.network_marker, shape_all=shapes.all_marker,
                       shape_unknown=shapes.unknown_marker, identity=identity)
    return env


def identity(pub, lang, others=()) -> Markup:
    """The publisher's and the partner's logos (files named in publication.yaml), or, without
    them, their names as a clean text block (in a volume, the further languages' names under
    the first's)."""
    if pub.logos:
        return Markup('<div class="identity">' + "".join(
            f'<img src="{escape(logo["src"])}" alt="{escape(logo["alt"][lang])}">'
            for logo in pub.logos) + "</div>")
    return Markup('<div class="identity">' + "".join(
        f'<p class="org">{escape(name[lang])}' + "".join(
            f'<span class="translation" lang="{HTML_LANG[other]}">{escape(name[other])}</span>'
            for other in others)
        + "</p>" for name in (pub.publisher, pub.partner)) + "</div>")


def _section_typography(value):
    lang = SECTION_LANG.get()
    if lang is None or not isinstance(value, str) or isinstance(value, Markup):
        return value
    return _smarten(str(value), lang)


@functools.lru_cache(maxsize=4096)
def _smarten(text: str, lang: str) -> str:
    """The labels and data of the layouts recur in every edition: set each once."""
    return typography.smarten(text, lang)


def render(pub, edition, env=None) -> str:
    """The whole HTML document of one edition (one or more languages, in order)."""
    env = env or environment()
    parts = [render_part(pub, lang, env, edition) for lang in edition.languages]
    cover_map = _svg({"pub": pub, "edition": edition},
                     map_graphic.render_cover_map(pub, edition.languages[0], width_mm=150))
    return env.get_template("document.html").render(
        pub=pub, edition=edition, parts=parts, labels=LABELS, style=stylesheet(pub, edition),
        cover_map=cover_map)


def render_notes(pub, edition, count, env=None) -> str:
    """A document of `count` blank "Notatki" / "Notes" pages styled like the edition."""
    env = env or environment()
    parts = [{"lang": lang, "hyphen_lang": HTML_LANG[lang]} for lang in edition.languages]
    return env.get_template("notes.html").render(
        pub=pub, edition=edition, parts=parts, labels=LABELS, count=count,
        style=stylesheet(pub, edition))


def render_part(pub, lang, env, edition) -> dict:
    """One language: its sections, each rendered to HTML with typography applied."""
    contents = [{"id": f"{lang}-{s.file}", "title": s.title(lang), "lang": lang, "other": False}
                for s in pub.sections]
    contents += [{"id": f"divider-{other}", "title": LABELS[lang]["other_part"], "lang": lang,
                  "other": True} for other in edition.languages[1:] if lang == edition.languages[0]]
    sections = []
    token = SECTION_LANG.set(lang)
    try:
        for section in pub.sections:
            sections.append(_section(pub, section, lang, env, edition, contents))
    finally:
        SECTION_LANG.reset(token)
    return {"lang": lang, "sections": sections, "labels": LABELS[lang],
            "hyphen_lang": HTML_LANG[lang]}


def _section(pub, section, lang, env, edition, contents) -> dict:
    context = {"pub": pub, "section": section, "lang": lang, "labels": LABELS[lang], "env": env,
               "edition": edition}
    body = prose.to_html(section.bodies[lang], f"{Path(pub.root).name}/{lang}/{section.file}.md",
                         section.body_lines[lang], lang, pub.root, _Components(context))
    html = env.get_template(f"sections/{section.layout}.html").render(
        pub=pub, section=section, lang=lang, body=Markup(body), labels=LABELS[lang],
        network=pub.network(section.network) if section.network else None,
        id=f"{lang}-{section.file}", contents=contents)
    return {"id": f"{lang}-{section.file}", "title": section.title(lang), "html": Markup(html),
            "section": section}


class _Components:
    """The components a section's [[name]] lines place (prose.Components)."""

    def __init__(self, context):
        self.context = context

    def problem(self, name, argument) -> str | None:
        return _component_problem(self.context["pub"], self.context["section"], name, argument)

    def html(self, name, argument) -> str:
        return COMPONENTS[name](self.context, argument)


def _component_problem(pub, section, name, argument) -> str | None:
    if name not in COMPONENTS:
        return (f'unknown component [[{name}]]; expected one of: '
                f'{", ".join(f"[[{c}]]" for c in COMPONENTS)}')
    if name in ("mid-table", "network-map") and section.network is None:
        return (f"[[{name}]] shows the cities of the section's network: add 'network:' to "
                "the front matter, or remove the line")
    if name == "key-figures":
        groups = sorted({f.group for f in pub.figures})
        if (argument or "main") not in groups:
            return (f'no key figures in group "{argument or "main"}"; content/data/figures.yaml '
                    f'has the groups: {", ".join(groups)}')
    elif argument:
        return f"[[{name}]] takes no word after its name; write [[{name}]]"
    return None


def _macro(context, name, **kwargs) -> str:
    module = context["env"].get_template("components.html").module
    return str(getattr(module, name)(pub=context["pub"], lang=context["lang"],
                                     labels=context["labels"], **kwargs))


def _mid_table(context, _=None):
    network = context["pub"].network(context["section"].network)
    return _macro(context, "mid_table", network=network,
                  cities=context["pub"].cities_of(network.id))


SVG_TITLE = re.compile(r"<title([^>]*)>(.*?)</title>", re.S)
SVG_DESC = re.compile(r"<desc[^>]*>(.*?)</desc>", re.S)


def _svg(context, svg: str) -> Markup:
    svg = _alt_with_description(svg)
    if context["edition"].cmyk:
        svg = colour.to_device_cmyk(svg, known_colours(context["pub"]))
    return Markup(svg)


def _alt_with_description(svg: str) -> str:
    """WeasyPrint 70.0 takes a figure's /Alt from the SVG <title> only; the title is given the
    description too (the cities by network, the span of the meetings), so that a screen reader
    gets the text equivalent, not just a caption."""
    desc = SVG_DESC.search(svg)
    if not desc:
        return svg
    return SVG_TITLE.sub(lambda m: f"<title{m.group(1)}>{m.group(2).rstrip('.')}. "
                                   f"{desc.group(1)}</title>", svg, count=1)


def _map(pub, lang, edition, network=None) -> str:
    """The map of all cities, or (network given) of one network's cities only."""
    width = MAP_MM[edition.size]
    if network is not None:
        pub = copy.copy(pub)
        pub.networks, pub.cities = [pub.network(network)], pub.cities_of(network)
        width = NETWORK_MAP_MM[edition.size]
    try:
        return map_graphic.render_map(pub, lang, width_mm=width)
    except ValueError as err:     # too many cities to label without overlaps
        raise ContentError(f"{Path(pub.root).name}/data/cities.yaml", 1,
                           f"the map cannot show every city legibly ({err}); leave the "
                           f"coordinates of some cities out or show the list only") from None


def known_colours(pub) -> dict:
    return {n.colour: n.cmyk for n in pub.networks}


COMPONENTS = {
    "key-figures": lambda c, group: _macro(
        c, "key_figures", group=group or "main",
        figures=[f for f in c["pub"].figures if f.group == (group or "main")]),
    "map": lambda c, _: _macro(c, "figure", kind="map", svg=_svg(c, _map(c["pub"], c["lang"], c["edition"]))),
    "network-map": lambda c, _: _macro(c, "figure", kind="network-map", svg=_svg(
        c, _map(c["pub"], c["lang"], c["edition"], c["section"].network))),
    "city-list": lambda c, _: _macro(c, "city_list"),
    "mid-table": _mid_table,
    "ppp-stages": lambda c, _: _macro(c, "ppp_stages", stages=c["pub"].ppp_stages),
    "nbs-benefits": lambda c, _: _macro(c, "nbs_benefits", benefits=c["pub"].nbs_benefits),
    "timeline": lambda c, _: _macro(
        c, "timeline", months=_months(c["pub"], c["lang"]), unknown=UNKNOWN,
        svg=_svg(c, monthstrip.render_strip(c["pub"], c["lang"], width_mm=STRIP_MM[c["edition"].size]))),
}


def _months(pub, lang) -> list:
    """(month name and year, events starting in it) for every month that has an event."""
    groups = {}
    for event in sorted(pub.events, key=lambda e: e.start):
        groups.setdefault((event.start.year, event.start.month), []).append(event)
    return [(f"{MONTHS[lang][month - 1]} {year}", events)
            for (year, month), events in groups.items()]


def cities_count(n: int, lang: str) -> str:
    """10 miast, 2 miasta, 1 miasto / 10 cities, 1 city."""
    if lang == "en":
        return f"{n} city" if n == 1 else f"{n} cities"
    if n == 1:
        return "1 miasto"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} miasta"
    return f"{n} miast"


MAP_MM = {"A4": 132, "A5": 118}   # the map's width on the page
STRIP_MM = {"A4": 174, "A5": 122}  # the month strip: the text width
NETWORK_MAP_MM = {"A4": 105, "A5": 100}   # a network's own map: the main column
TAB_MM = 5          # width of the network colour tab at the outer page edge
MARGIN_MM = {"A4": 18, "A5": 13}   # the side margins of styles/brochure.css and A5_PAGE


def stylesheet(pub, edition) -> Markup:
    """The document's own stylesheet: the files of styles/ and the colours of the data.

    It is inlined, not linked, because WeasyPrint 70.0 honours @color-profile only in the
    document's own styles; for print every colour is then written in device-cmyk.
    """
    names = ["tokens.css", "brochure.css"] + (["print.css"] if edition.print else [])
    css = "\n".join(_css_file(name) for name in names) + "\n" + _network_css(pub, edition)
    if edition.size == "A5":
        css += A5_PAGE
    if edition.cmyk:
        profile = pub.print_options["icc"]
        bleed = pub.print_options["bleed_mm"]
        css = (f"@color-profile device-cmyk {{ components: cyan, magenta, yellow, black; "
               f"src: url({profile}) }}\n@page {{ bleed: {bleed}mm }}\n"
               + colour.to_device_cmyk(css, known_colours(pub)) + "\n"
               # the colour bands at the cover edges run on into the bleed
               f".cover-bands {{ margin: -{bleed}mm -{bleed}mm 0; }}\n"
               f".back-cover .cover-bands.bottom {{ left: -{bleed}mm; right: -{bleed}mm; "
               f"bottom: -{bleed}mm; margin: 0; height: {7 + bleed}mm; }}\n")
    return Markup(css)


# The A5 edition: its own page size and margins (custom properties do not reach @page).
A5_PAGE = """
@page { size: A5; margin: 16mm 13mm 16mm 13mm; }
@page :left { margin: 16mm 13mm 16mm 13mm; }
:root { --size-body: 9pt; --leading: 12.6pt; --size-xl: 22pt; --size-l: 14pt; --size-m: 11pt; }
.cover-block { left: 13mm; right: 13mm; top: 22mm; }
.cover-map { left: 20mm; top: 66mm; width: 112mm; }
.cover-map svg { width: 112mm; }
.cover-networks { left: 13mm; top: 154mm; }
.cover-foot { left: 13mm; right: 13mm; bottom: 10mm; }
.cover, .back-cover, .divider { height: 210mm; }
.back-block { left: 13mm; right: 13mm; bottom: 22mm; }
"""


def _css_file(name) -> str:
    text = (STYLES / name).read_text(encoding="utf-8")
    text = re.sub(r"^@import .*$", "", text, flags=re.M)
    return CSS_URL.sub(lambda m: f"url(styles/{m.group(1)})", text)


def _network_css(pub, edition) -> str:
    """Per-network colours (screen: sRGB; print: device-cmyk) and thumb-index tabs, from data.

    Each network's pages carry a colour tab on the outer edge, at a height of its own (top,
    middle, bottom), so the sections can be found on the closed brochure and in grayscale.
    The tab is a page-margin box reaching into the bleed: WeasyPrint 70.0 cannot paint a
    gradient background in device-cmyk.
    """
    bleed = pub.print_options["bleed_mm"] if edition.print else 0
    inset = MARGIN_MM[edition.size] - TAB_MM
    rules = []
    for i, n in enumerate(pub.networks):
        colour = n.colour
        if edition.cmyk:
            colour = "device-cmyk({})".format(" ".join(f"{v / 100:g}" for v in n.cmyk))
        rules.append(f".net-{n.id} {{ --net: {colour}; }}\n"
                     f".section.net-{n.id} {{ page: net-{n.id}; }}")
        for side, margin in (("right", f"0 -{bleed}mm 0 {inset}mm"),
                             ("left", f"0 {inset}mm 0 -{bleed}mm")):
            boxes = " ".join(
                f"@{side}-{where} {{ content: ''; "
                + (f"background-color: {colour}; margin: {margin}; " if j == i % 3 else "")
                + "}" for j, where in enumerate(("top", "middle", "bottom")))
            rules.append(f"@page net-{n.id}:{side} {{ {boxes} }}")
    return "\n".join(rules)
