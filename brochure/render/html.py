"""Publication + edition -> HTML: Jinja2 layouts, Markdown prose, data components, typography."""
from __future__ import annotations

import contextvars
import copy
import functools
import re
from pathlib import Path
from typing import TypedDict

import jinja2
from markupsafe import Markup, escape

from . import dates, prose, typography
from .. import resources
from ..diagnostics import WARNING, Diagnostic
from ..languages import get as get_language
from ..model import UNKNOWN, Event, LogoSlot
from .graphics import map as map_graphic, monthstrip, shapes, tokens

CSS_URL = re.compile(r"url\((?!data:)['\"]?([^'\")]+)['\"]?\)")
# The language of the section being rendered: the text a section's layout writes is set in
# its typography (see `environment`); outside a section, `|typo(lang)` says so.
SECTION_LANG: contextvars.ContextVar[str | None] = contextvars.ContextVar("lang", default=None)


def html_lang(lang: str) -> str:
    """The lang attribute of a language's text: it picks the hyphenation and the tagging."""
    return get_language(lang).html_lang


def environment() -> jinja2.Environment:
    """Every `{{ text }}` of a section's layout and of the components is set in the section's
    typography as it is written (the Markdown body is set by prose.py): the HTML is never
    parsed again."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(resources.templates_folder()), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, finalize=_section_typography)
    env.filters["dates"] = dates.format_dates
    env.filters["typo"] = lambda value, lang: escape(_smarten(str(value), lang))
    env.globals.update(shape=shapes.network_marker, shape_all=shapes.all_marker,
                       shape_unknown=shapes.unknown_marker, identity=identity,
                       funding=funding, names_list=names_list)
    return env


def identity(pub, lang, others=(), draft=False) -> Markup:
    """The publisher's and the partner's logo slots (publication.yaml `logos:`): a logo whose
    file is still missing is its organisation's name, at the logo's size (a draft marks it);
    without slots, the two names as a clean text block (in a volume, the further languages'
    names under the first's)."""
    slots = pub.logos or [LogoSlot(name, "", None, name) for name in (pub.publisher, pub.partner)]
    return Markup('<div class="identity">' + _slots(slots, lang, others, draft, bool(pub.logos))
                  + "</div>")


def funding(pub, lang, others=(), draft=False) -> Markup:
    """The funding strip (publication.yaml `funding:`): its logos and its line, only when
    given; a draft marks a funding line still unknown."""
    facts = pub.funding
    if facts is None:
        return Markup("")
    out = _slots(facts.get("logos", []), lang, others, draft, True)
    text = facts.get("text")
    if text:
        out += f'<p class="funding-line">{escape(_smarten(text[lang], lang))}</p>'
    elif facts.unknown("text") and draft:
        labels = pub.labels[lang]
        out += f'<p class="funding-line"><mark class="gap">{escape(labels["credits"]["funding"])}: ' \
               f'{escape(labels["gap"])}</mark></p>'
    return Markup(f'<div class="funding">{out}</div>') if out else Markup("")


def _slots(slots, lang, others, draft, sized) -> str:
    """Each logo slot: its picture, or its organisation's name (sized: in a box of the logo's
    size, a draft marking it as a gap)."""
    out = []
    for slot in slots:
        if slot.src:
            out.append(f'<img src="{escape(slot.src)}" alt="{escape(slot.alt[lang])}">')
            continue
        name = f'{escape(_smarten(slot.name[lang], lang))}' + "".join(
            f'<span class="translation" lang="{html_lang(other)}">'
            f'{escape(_smarten(slot.name[other], other))}</span>' for other in others)
        if sized:
            name = f'<span class="logo-name">{name}</span>'
        classes = "org" + (" logo-slot" if sized else "") + (" gap" if sized and draft else "")
        out.append(f'<p class="{classes}">{name}</p>')
    return "".join(out)


def names_list(names, lang) -> str:
    """"Pieszyce, Poznań i Wrocław": a list of names in the language's words (CLDR)."""
    from babel.lists import format_list

    return format_list(list(names), locale=get_language(lang).tag.replace("-", "_"))


def _section_typography(value):
    lang = SECTION_LANG.get()
    if lang is None or not isinstance(value, str) or isinstance(value, Markup) \
            or IDENTIFIER.fullmatch(value):
        return value
    return _smarten(str(value), lang)


# Ids, classes and keys the layout writes ("divider-en", "pl-05-siec-zielona", "network-map
# side"): never text for typography (a Polish compound's word joiner would change them).
IDENTIFIER = re.compile(r"(?=[^ ]*-)[a-z0-9]+(?:-[a-z0-9]+)*(?: [a-z0-9]+(?:-[a-z0-9]+)*)*")


def _smarten(text: str, lang: str) -> str:
    """The labels and data of the layouts recur in every edition: set each once (per
    definition of the language: `watch` follows a changed one)."""
    return _smarten_in(text, get_language(lang))


@functools.lru_cache(maxsize=4096)
def _smarten_in(text: str, language) -> str:
    return typography.smarten(text, language.code)


def render(pub, edition, env=None, notes=None) -> str:
    """The whole HTML document of one edition (one or more languages, in order). notes: a list
    that receives the Diagnostics of what the components could not do (a map label)."""
    env = env or environment()
    notes = [] if notes is None else notes
    parts = [render_part(pub, lang, env, edition, notes) for lang in edition.languages]
    cover_map = _svg({"pub": pub, "edition": edition},
                     map_graphic.render_cover_map(pub, edition.languages[0], width_mm=150))
    return env.get_template("document.html").render(
        pub=pub, edition=edition, parts=parts, labels=pub.labels, style=stylesheet(pub, edition),
        cover_map=cover_map)


def render_notes(pub, edition, count, env=None) -> str:
    """A document of `count` blank "Notatki" / "Notes" pages styled like the edition."""
    env = env or environment()
    parts = [{"lang": lang, "hyphen_lang": html_lang(lang)} for lang in edition.languages]
    return env.get_template("notes.html").render(
        pub=pub, edition=edition, parts=parts, labels=pub.labels, count=count,
        style=stylesheet(pub, edition))


def render_part(pub, lang, env, edition, notes=None) -> dict:
    """One language: its sections, each rendered to HTML with typography applied."""
    contents = [{"id": f"{lang}-{s.file}", "title": s.title(lang), "lang": lang, "other": False}
                for s in pub.sections]
    contents += [{"id": f"divider-{other}", "title": pub.labels[lang]["other_part"], "lang": lang,
                  "other": True} for other in edition.languages[1:] if lang == edition.languages[0]]
    sections = []
    token = SECTION_LANG.set(lang)
    try:
        for section in pub.sections:
            sections.append(_section(pub, section, lang, env, edition, contents,
                                     [] if notes is None else notes))
    finally:
        SECTION_LANG.reset(token)
    return {"lang": lang, "sections": sections, "labels": pub.labels[lang],
            "hyphen_lang": html_lang(lang)}


def _section(pub, section, lang, env, edition, contents, notes) -> dict:
    context = {"pub": pub, "section": section, "lang": lang, "labels": pub.labels[lang], "env": env,
               "notes": notes, "edition": edition, "draft": edition.draft}
    body = prose.to_html(section.bodies[lang], pub.text_file(section, lang),
                         section.body_lines[lang], lang, pub.root, _Components(context),
                         blocks=True)
    html = env.get_template(f"sections/{section.layout}.html").render(
        pub=pub, section=section, lang=lang, body=Markup(body), labels=pub.labels[lang],
        network=pub.network(section.network) if section.network else None,
        id=f"{lang}-{section.file}", contents=contents,
        # the shorter running-head where given (a title in capitals would also turn the
        # abbreviation "r." into "R.")
        running_head=section.running_head(lang),
        opens_on=section.opens_on(edition.size))
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
            return (f'no key figures in group "{argument or "main"}"; '
                    f'{Path(pub.root).name}/data/figures.yaml has the groups: '
                    f'{", ".join(groups)}')
    elif name == "network-map" and argument not in (None, "side"):
        return "[[network-map]] takes only the word side (the small map of the side column)"
    elif argument and name != "network-map":
        return f"[[{name}]] takes no word after its name; write [[{name}]]"
    needs = {"timeline": (pub.events, "data/timeline.yaml", "meetings"),
             "ppp-stages": (pub.ppp_stages, "data/ppp-stages.yaml", "stages"),
             "nbs-benefits": (pub.nbs_benefits, "data/nbs-benefits.yaml", "benefits")}
    if name in needs and not needs[name][0]:
        _, file, what = needs[name]
        return (f"[[{name}]] shows the {what} of {Path(pub.root).name}/{file}, which has none "
                f"(or is missing): add them, or remove the line")
    return None


def _macro(context, name, **kwargs) -> str:
    module = context["env"].get_template("components.html").module
    return str(getattr(module, name)(pub=context["pub"], lang=context["lang"],
                                     labels=context["labels"], **kwargs))


def _mid_table(context, _=None):
    network = context["pub"].network(context["section"].network)
    side_map = _network_map(context, "side") if _beside_mid_table(context) else ""
    return side_map + _macro(context, "mid_table", network=network,
                             cities=context["pub"].cities_of(network.id), draft=context["draft"])


def _network_map(context, where) -> str:
    """The map of the section's network; none where the content lists fewer than half its
    cities (a draft shows it, marked as a gap)."""
    side = where == "side"
    pub, network = context["pub"], context["pub"].network(context["section"].network)
    gap = network.mostly_unknown(len(pub.cities_of(network.id)))
    if gap and not context["draft"]:
        return ""
    return _macro(context, "figure", kind="network-map" + (" side" if side else "")
                  + (" gap" if gap else ""), svg=_svg(context, _map(context, network.id, side)))


def _beside_mid_table(context) -> bool:
    """On A5 the side map of a section with a MID table moves from beside the lead (a column of
    25 characters there) to beside the table, whose cells are short."""
    body = context["section"].bodies[context["lang"]]
    return (context["edition"].size == "A5" and SIDE_MAP_LINE.search(body) is not None
            and MID_TABLE_LINE.search(body) is not None)


SIDE_MAP_LINE = re.compile(r"^\[\[network-map side\]\][ \t]*$", re.M)
MID_TABLE_LINE = re.compile(r"^\[\[mid-table\]\][ \t]*$", re.M)


SVG_TITLE = re.compile(r"<title([^>]*)>(.*?)</title>", re.S)
SVG_DESC = re.compile(r"<desc[^>]*>(.*?)</desc>", re.S)


def _svg(context, svg: str) -> Markup:
    return Markup(_alt_with_description(svg))


def _alt_with_description(svg: str) -> str:
    """WeasyPrint 70.0 takes a figure's /Alt from the SVG <title> only; the title is given the
    description too (the cities by network, the span of the meetings), so that a screen reader
    gets the text equivalent, not just a caption."""
    desc = SVG_DESC.search(svg)
    if not desc:
        return svg
    return SVG_TITLE.sub(lambda m: f"<title{m.group(1)}>{m.group(2).rstrip('.')}. "
                                   f"{desc.group(1)}</title>", svg, count=1)


def _map(context, network=None, side=False) -> str:
    """The map of all cities, or (network given) of one network's cities only, drawn at the
    width it is printed (its labels keep their size): side, the small one of the side column.
    A city whose name finds no room keeps its marker without a label, and the build says so
    (context["notes"])."""
    pub, lang, edition = context["pub"], context["lang"], context["edition"]
    width = MAP_MM[edition.size]
    if network is not None:
        pub = copy.copy(pub)
        pub.networks, pub.cities = [pub.network(network)], pub.cities_of(network)
        width = (SIDE_MAP_MM if side else NETWORK_MAP_MM)[edition.size]
    svg, unlabelled = map_graphic.render_map_and_gaps(pub, lang, width_mm=width,
                                                      draft=edition.draft)
    for name in unlabelled:
        city = next(c for c in pub.cities if c.name == name)
        context["notes"].append(Diagnostic(
            city.source.file if city.source else None, city.source.line if city.source else None,
            WARNING, f'the {width} mm map of {edition.id} ({lang}) has no room for the name of '
                     f'"{name}" among its neighbours: its marker stands without a label'))
    return svg


def tolerances() -> tuple:
    """What the page plan may try on a section that runs over its pages, in order: the words of
    the design token --fit-order (each a value of the section's data-fit, which the theme's CSS
    gives its meaning)."""
    return tuple(tokens.design_tokens().get("fit-order", "").split())


def known_colours(pub) -> dict:
    """Screen colour -> the designed CMYK of the print editions (percentages): per network (the
    data), and for the text colours of the design tokens that give one (`--ink-print`)."""
    found = {}
    for name, value in tokens.design_tokens().items():
        if name.endswith("-print"):
            colour = tokens.colours(name.removesuffix("-print"))[name.removesuffix("-print")]
            found[colour.lower()] = tuple(float(v) for v in value.split())
    return found | {n.colour.lower(): n.cmyk for n in pub.networks}


COMPONENTS = {
    "key-figures": lambda c, group: _macro(
        c, "key_figures", group=group or "main",
        figures=[f for f in c["pub"].figures if f.group == (group or "main")]),
    "map": lambda c, _: _macro(c, "figure", kind="map", svg=_svg(c, _map(c))),
    "network-map": lambda c, where: "" if where == "side" and _beside_mid_table(c) else _network_map(c, where),
    "city-list": lambda c, _: _macro(c, "city_list", draft=c["draft"]),
    "mid-table": _mid_table,
    "ppp-stages": lambda c, _: _macro(c, "ppp_stages", stages=c["pub"].ppp_stages),
    "nbs-benefits": lambda c, _: _macro(c, "nbs_benefits", benefits=c["pub"].nbs_benefits),
    "timeline": lambda c, _: _macro(
        c, "timeline", months=_months(c["pub"], c["lang"]), unknown=UNKNOWN, draft=c["draft"],
        svg=_svg(c, monthstrip.render_strip(c["pub"], c["lang"], width_mm=STRIP_MM[c["edition"].size],
                                             draft=c["draft"], **STRIP_LOOK[c["edition"].size]))),
}


def _months(pub, lang) -> list:
    """(month name and year, events starting in it) for every month that has an event."""
    groups: dict[tuple[int, int], list[Event]] = {}     # (year, month) -> its events
    for event in sorted(pub.events, key=lambda e: e.start):
        groups.setdefault((event.start.year, event.start.month), []).append(event)
    return [(f"{pub.labels[lang].month(month)} {year}", events)
            for (year, month), events in groups.items()]


MAP_MM = {"A4": 132, "A5": 82}   # the map's width on the page
STRIP_MM: dict[str, float] = {"A4": 174, "A5": 108}  # the month strip: the text width


class StripLook(TypedDict):
    scale: float            # the markers and their pitch
    label_pt: float         # the month names


STRIP_LOOK: dict[str, StripLook] = {"A4": {"scale": 1.5, "label_pt": 8.5}, "A5": {"scale": 1.2, "label_pt": 7.5}}
NETWORK_MAP_MM = {"A4": 105, "A5": 64}   # a network's own map: the main column (A5: 64 mm)
SIDE_MAP_MM = {"A4": 62, "A5": 48}       # [[network-map side]]: the side column (A5: beside the
                                         # MID table; narrower, Green's ten labels no longer fit)
TAB_MM = 5          # width of the network colour tab at the outer page edge
MARGIN_MM = {"A4": 18, "A5": 20}   # the side margins of styles/brochure.css and A5_PAGE
TAB_AREA_MM = {"A4": 297 - 20 - 19, "A5": 210 - 16 - 16}   # page height less its top and bottom
                                                           # margins (styles/brochure.css, A5_PAGE)


def stylesheet(pub, edition) -> Markup:
    """The document's own stylesheet: the files of styles/ and the colours of the data.

    It is inlined, not linked, because WeasyPrint 70.0 honours @color-profile only in the
    document's own styles. Screen and print editions share it, and their layout: every page
    has the bleed of print (the screen PDFs are cut to the trim), and the colours are sRGB
    (the print PDFs are painted in device CMYK, see adapters.device_cmyk_colours).
    """
    names = ["tokens.css", "brochure.css", "pictures.css"]
    bleed = pub.print_options["bleed_mm"]
    css = (f"@color-profile device-cmyk {{ components: cyan, magenta, yellow, black; "
           f"src: url({pub.print_options['icc']}) }}\n@page {{ bleed: {bleed}mm }}\n"
           + "\n".join(_css_file(name) for name in names) + "\n" + _network_css(pub, edition)
           # the colour bands at the cover edges run on into the bleed
           + f"\n.cover-bands {{ left: -{bleed}mm; right: -{bleed}mm; top: -{bleed}mm; "
           f"height: {7 + bleed}mm; }}\n"
           f".back-cover .cover-bands.bottom {{ top: auto; bottom: -{bleed}mm; }}\n")
    if edition.size == "A5":
        css += A5_PAGE
    if edition.draft:
        mark = " · ".join(pub.labels[lang]["draft"] for lang in edition.languages)
        css += _css_file("draft.css") + (".cover::before, .back-cover::before, .divider::before "
                                         f"{{ content: {_css_string(mark)}; }}\n")
    return Markup(css)


def _css_string(text: str) -> str:
    """A CSS string literal of any text."""
    return '"' + "".join(ch if ch.isalnum() or ch in " ·-_.,:" else f"\\{ord(ch):x} "
                         for ch in text) + '"'


# The A5 edition: its own page size and margins (custom properties do not reach @page).
A5_PAGE = """
@page { size: A5; margin: 16mm 20mm 16mm 20mm; }
@page :left { margin: 16mm 20mm 16mm 20mm; }
/* a 108 mm column: 62-72 characters a line at 9.5 pt */
:root { --size-body: 9.5pt; --leading: 13.2pt; --size-xl: 22pt; --size-l: 14pt; --size-m: 11.5pt; }
.cover-block { left: 13mm; right: 13mm; top: 22mm; }
.cover-map { left: 20mm; top: 66mm; width: 112mm; }
.cover-map svg { width: 112mm; }
.cover-networks { left: 13mm; top: 154mm; }
.cover-foot { left: 13mm; right: 13mm; bottom: 10mm; }
.cover, .back-cover, .divider { height: 210mm; }
.back-block { left: 13mm; right: 13mm; bottom: 22mm; }
/* the notes pages: the ruled lines fill A5's text block */
@page notes { background: url(styles/notes-lines-a5.svg) no-repeat 0 12mm / 108mm 166mm;
              @top-left { width: 108mm; margin-top: 7mm; } }
@page :blank { background: url(styles/notes-lines-a5.svg) no-repeat 0 12mm / 108mm 166mm;
               @top-left { width: 108mm; margin-top: 7mm; } }
/* a white frame round the navy covers: the office booklet is printed on bleedless A4 sheets,
   where a full-bleed cover gets an uneven white rim */
@page cover { margin: 5mm; background: #fff; }
@page back { margin: 5mm; background: #fff; }
.cover, .back-cover { height: 200mm; background: var(--navy); }
/* inside the frame: the bands keep to the navy page, off the bleed */
.cover-bands { left: 0; right: 0; top: 0; height: 7mm; }
.back-cover .cover-bands.bottom { top: auto; bottom: 0; }
"""


def _css_file(name) -> str:
    text = (resources.styles_folder() / name).read_text(encoding="utf-8")
    text = re.sub(r"^@import .*$", "", text, flags=re.M)
    return CSS_URL.sub(lambda m: f"url(styles/{m.group(1)})", text)


def _network_css(pub, edition) -> str:
    """Per-network colours and thumb-index tabs, from data.

    Each network's pages carry a colour tab on the outer edge, at a height of its own, stepping
    down the page in the networks' order (thirds for up to three networks, one step each for
    more), so the sections can be found on the closed brochure and in grayscale.
    The tab is a page-margin box reaching into the bleed: WeasyPrint 70.0 cannot paint a
    gradient background in device-cmyk.
    """
    bleed = pub.print_options["bleed_mm"]
    inset = MARGIN_MM[edition.size] - TAB_MM
    rules = []
    slot = TAB_AREA_MM[edition.size] / max(3, len(pub.networks))   # one step per network
    for i, n in enumerate(pub.networks):
        colour, top = n.colour, f"{i * slot:.2f}mm"
        rules.append(f".net-{n.id} {{ --net: {colour}; }}\n"
                     f".section.net-{n.id} {{ page: net-{n.id}; }}")
        for side, margin in (("right", f"{top} -{bleed}mm 0 {inset}mm"),
                             ("left", f"{top} {inset}mm 0 -{bleed}mm")):
            rules.append(f"@page net-{n.id}:{side} {{ @{side}-top {{ content: ''; "
                         f"background-color: {colour}; height: {slot:.2f}mm; margin: {margin}; }} }}")
    return "\n".join(rules)
