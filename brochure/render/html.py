"""Publication + edition -> HTML: Jinja2 layouts, Markdown prose, data components, typography."""
from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypedDict

import jinja2
import jinja2.sandbox
from markupsafe import Markup, escape

from . import dates, prose, typography
from .. import resources
from ..diagnostics import WARNING, Diagnostic
from ..errors import ContentError
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


def environment(theme: resources.Theme | None = None) -> jinja2.Environment:
    """The templates of the theme (the publication's own first: resources.Theme), in Jinja's
    sandbox: a theme inside a publication folder is the user's, and nothing a user's folder
    holds may run code. Every `{{ text }}` of a section's layout and of the components is set
    in the section's typography as it is written (the Markdown body is set by prose.py): the
    HTML is never parsed again."""
    env = jinja2.sandbox.SandboxedEnvironment(
        loader=ThemeLoader(theme or resources.current()), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        finalize=_section_typography)
    env.filters["dates"] = dates.format_dates
    env.filters["typo"] = lambda value, lang: escape(_smarten(str(value), lang))
    env.globals.update(shape=shapes.network_marker, shape_all=shapes.all_marker,
                       shape_unknown=shapes.unknown_marker, shape_one=shapes.one_network_marker, identity=identity,
                       funding=funding, names_list=names_list)
    return env


class ThemeLoader(jinja2.BaseLoader):
    """templates/NAME of the first folder of the theme that has it, judged like content (no
    link out of its folder)."""

    def __init__(self, theme: resources.Theme):
        self.theme = theme

    def get_source(self, environment, template):
        rel = "templates/" + "/".join(jinja2.loaders.split_template_path(template))
        if self.theme.find(rel) is None:
            raise jinja2.TemplateNotFound(template)
        path = self.theme.file(rel)
        stamp = path.stat().st_mtime_ns
        return path.read_text(encoding="utf-8"), str(path), lambda: _stamp(path) == stamp


def _stamp(path: Path):
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


@contextlib.contextmanager
def rendering(theme: resources.Theme):
    """Render with the theme (the graphics read its tokens and fonts); a template's error is
    a ContentError at the template's file and line (a theme may be the user's)."""
    with resources.using(theme):
        try:
            yield
        except jinja2.TemplateSyntaxError as err:
            raise ContentError(_template_name(theme, err.filename or err.name), err.lineno,
                               f"template error: {err.message}") from None
        except (jinja2.TemplateError, jinja2.sandbox.SecurityError) as err:
            file, line = _template_line(theme, err.__traceback__)
            raise ContentError(file, line, f"template error: {err}") from None


def _template_line(theme, traceback) -> tuple:
    """The innermost template file and line of a traceback."""
    found = ("templates", 1)
    while traceback is not None:
        code = traceback.tb_frame.f_code
        if code.co_filename.endswith(".html"):
            found = (_template_name(theme, code.co_filename), traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def _template_name(theme, filename) -> str:
    """A template file as messages name it: raport/theme/templates/x.html, or
    brochure/themes/default/templates/x.html."""
    path = Path(filename or "templates")
    for folder in theme.folders:
        for root in (folder.path, folder.path.resolve()):
            if path.is_relative_to(root):
                return f"{folder.shown}/{path.relative_to(root).as_posix()}"
    return str(filename)


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
            out.append(f'<img src="{escape(slot.src)}" alt="{escape(slot.alt[lang])}" '
                       f'data-source="{escape(str(slot.source))}">')
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
    env = env or environment(pub.theme)
    notes = [] if notes is None else notes
    with rendering(pub.theme):
        parts = [render_part(pub, lang, env, edition, notes) for lang in edition.languages]
        cover_map = _svg({"pub": pub, "edition": edition}, map_graphic.render_cover_map(
            pub, edition.languages[0], width_mm=150)) if pub.outline else None
        return env.get_template("document.html").render(
            pub=pub, edition=edition, parts=parts, labels=pub.labels,
            style=stylesheet(pub, edition), cover_map=cover_map)


def render_notes(pub, edition, count, env=None) -> str:
    """A document of `count` blank "Notatki" / "Notes" pages styled like the edition."""
    env = env or environment(pub.theme)
    parts = [{"lang": lang, "hyphen_lang": html_lang(lang)} for lang in edition.languages]
    with rendering(pub.theme):
        return env.get_template("notes.html").render(
            pub=pub, edition=edition, parts=parts, labels=pub.labels, count=count,
            style=stylesheet(pub, edition))


def render_part(pub, lang, env, edition, notes=None) -> dict:
    """One language: its sections, each rendered to HTML with typography applied."""
    with rendering(pub.theme):
        return _render_part(pub, lang, env, edition, notes)


def _render_part(pub, lang, env, edition, notes=None) -> dict:
    contents = [{"id": f"{lang}-{s.file}", "title": s.title(lang), "lang": lang, "other": False}
                for s in pub.sections]
    # a volume: the first part's contents lead on to each further part, a further part's back
    first = edition.languages[0]
    contents += [{"id": f"divider-{other}", "title": pub.labels[lang]["other_part"], "lang": lang,
                  "other": True} for other in edition.languages[1:] if lang == first]
    contents += [{"id": f"part-{first}", "title": pub.labels[lang]["other_part"], "lang": lang,
                  "other": True} for _ in edition.languages[1:2] if lang != first]
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
                         blocks=True, names=(pub.publisher.get(lang, ""), pub.partner.get(lang, "")))
    html = env.get_template(f"sections/{section.layout}.html").render(
        pub=pub, section=section, lang=lang, body=Markup(body), labels=pub.labels[lang],
        network=pub.network(section.network) if section.network else None,
        id=f"{lang}-{section.file}", contents=contents,
        # the running head: the shorter running-head: of the front matter where given
        running_head=section.running_head(lang),
        opens_on=section.opens_on(edition.size))
    return {"id": f"{lang}-{section.file}", "title": section.title(lang), "html": Markup(html),
            "section": section}


class _Components:
    """The components a section's [[name]] lines place (prose.Components)."""

    def __init__(self, context):
        self.context = context

    def problem(self, name, argument) -> str | None:
        return _component_problem(self.context, name, argument)

    def html(self, name, argument) -> str:
        if name in COMPONENTS:
            return COMPONENTS[name].draw(self.context, argument)
        return _data_component(self.context, name)


def _component_problem(context, name, argument) -> str | None:
    """What keeps [[name argument]] from being placed in this section, or None."""
    pub, section = context["pub"], context["section"]
    component = COMPONENTS.get(name)
    if component is None:
        return _data_component_problem(context, name, argument)
    missing = _missing(pub, section, name, component.needs, argument)
    if missing:
        return missing
    if argument and component.word not in ("GROUP", argument):
        if component.word:
            return f"[[{name}]] takes only the word {component.word} ({component.what_word})"
        return f"[[{name}]] takes no word after its name; write [[{name}]]"
    return None


def _missing(pub, section, name, needs, argument) -> str | None:
    """The data a component needs that the publication (or the section) does not have."""
    folder = Path(pub.root).name
    if needs in ("network", "network map") and section.network is None:
        return (f"[[{name}]] shows the cities of the section's network: add 'network:' to "
                "the front matter, or remove the line")
    if needs in ("map", "network map") and pub.outline is None:
        return (f"[[{name}]] draws the land of publication.yaml's map: (a GeoJSON outline in "
                f"{folder}/), which it does not give: add e.g. map: data/outline.json, or "
                f"remove the line")
    if needs == "figures":
        groups = sorted({f.group for f in pub.figures})
        if (argument or "main") not in groups:
            return (f'no key figures in group "{argument or "main"}"; '
                    f'{folder}/data/figures.yaml has the groups: {", ".join(groups) or "none"}')
    data = {"networks": (pub.networks, "data/networks.yaml", "networks"),
            "events": (pub.events, "data/timeline.yaml", "meetings")}
    if needs in data and not data[needs][0]:
        _, file, what = data[needs]
        return (f"[[{name}]] shows the {what} of {folder}/{file}, which has none (or is "
                f"missing): add them, or remove the line")
    return None


def _data_component_problem(context, name, argument) -> str | None:
    """[[name]] of the theme: the macro name (with "_" for "-") of its components.html, which
    shows data/name.yaml."""
    pub = context["pub"]
    macros = _component_macros(context["env"])
    if name.replace("-", "_") not in macros:
        offered = list(COMPONENTS) + sorted(n for n in pub.data if n.replace("-", "_") in macros)
        return (f'unknown component [[{name}]]; expected one of: '
                f'{", ".join(f"[[{c}]]" for c in offered)}')
    if argument:
        return f"[[{name}]] takes no word after its name; write [[{name}]]"
    if not pub.data.get(name):
        return (f"[[{name}]] shows the items of {Path(pub.root).name}/data/{name}.yaml, which "
                f"has none (or is missing): add them, or remove the line")
    return None


def _component_macros(env) -> set:
    module = env.get_template("components.html").module
    return {name for name in vars(module) if not name.startswith("_")}


def _data_component(context, name) -> str:
    """A component of the theme: its macro, given (pub, lang, labels, the data). Data the macro
    cannot show (a number where it reads a text) is an error at the data file, naming the
    template's line that failed."""
    pub = context["pub"]
    module = context["env"].get_template("components.html").module
    macro = getattr(module, name.replace("-", "_"))
    try:
        return str(macro(pub, context["lang"], context["labels"], pub.data[name]))
    except (jinja2.UndefinedError, TypeError, AttributeError, KeyError, IndexError) as err:
        template, line = _template_line(pub.theme, err.__traceback__)
        raise ContentError(f"{Path(pub.root).name}/data/{name}.yaml", 1,
                           f"[[{name}]] cannot show this data ({template}:{line}: {err}); give "
                           f"its items as the theme's component reads them") from None


def _macro(context, name, **kwargs) -> str:
    module = context["env"].get_template("components.html").module
    return str(getattr(module, name)(pub=context["pub"], lang=context["lang"],
                                     labels=context["labels"], **kwargs))


def _mid_table(context, _=None):
    network = context["pub"].network(context["section"].network)
    return _macro(context, "mid_table", network=network,
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
    """The map of all cities, or (network given) of a single network's cities only, drawn at the
    width it is printed (its labels keep their size): side, the small one of the side column.
    A city whose name finds no room keeps its marker without a label, and the build says so
    (context["notes"])."""
    pub, lang, edition = context["pub"], context["lang"], context["edition"]
    width = MAP_MM[edition.size]
    if network is not None:
        pub = copy.copy(pub)
        pub.networks, pub.cities = [pub.network(network)], pub.cities_of(network)
        width = (SIDE_MAP_MM if side else NETWORK_MAP_MM)[edition.size]
        if side and edition.size in LOCATOR:
            return map_graphic.render_locator(pub, lang, width_mm=width, draft=edition.draft)
    svg, unlabelled = map_graphic.render_map_and_gaps(pub, lang, width_mm=width,
                                                      draft=edition.draft)
    for name in unlabelled:
        city = next(c for c in pub.cities if c.name == name)
        context["notes"].append(Diagnostic(
            city.source.file if city.source else None, city.source.line if city.source else None,
            WARNING, f'the {width} mm map of {edition.id} ({lang}) has no room for the name of '
                     f'"{name}" among its neighbours: its marker stands without a label'))
    return svg


def tolerances(theme: resources.Theme | None = None) -> tuple:
    """What the page plan may try on a section that runs over its pages, in order: the words of
    the design token --fit-order (each a value of the section's data-fit, which the theme's CSS
    gives its meaning)."""
    return tuple(tokens.design_tokens(theme).get("fit-order", "").split())


def known_colours(pub) -> dict:
    """Screen colour -> the designed CMYK of the print editions (percentages): per network (the
    data), and for the text colours of the design tokens that give one (`--ink-print`)."""
    found = {}
    for name, value in tokens.design_tokens(pub.theme).items():
        if name.endswith("-print"):
            base = name.removesuffix("-print")
            colour = tokens.colours(base, theme=pub.theme)[base]
            found[colour.lower()] = tuple(float(v) for v in value.split())
    return found | {n.colour.lower(): n.cmyk for n in pub.networks}


@dataclass(frozen=True)
class Component:
    """A component the engine draws from its own data (every other [[name]] is a macro of the
    theme's components.html with its data/name.yaml: _data_component)."""
    needs: str                          # what it shows: see _missing
    draw: Callable[[dict, Any], str]    # (the section's context, the word after its name)
    word: str | None = None             # the word it may take: "GROUP" for any (a group name)
    what_word: str = ""


COMPONENTS = {
    "key-figures": Component("figures", lambda c, group: _macro(
        c, "key_figures", group=group or "main",
        figures=[f for f in c["pub"].figures if f.group == (group or "main")]), "GROUP"),
    "map": Component("map", lambda c, _: _macro(c, "figure", kind="map", svg=_svg(c, _map(c)))),
    "network-map": Component("network map", _network_map, "side", "the small map of the side column"),
    "city-list": Component("networks", lambda c, _: _macro(c, "city_list", draft=c["draft"])),
    "mid-table": Component("network", _mid_table),
    "timeline": Component("events", lambda c, _: _macro(
        c, "timeline", months=_months(c["pub"], c["lang"]), numbered=_complete_series(c["pub"].events),
        unknown=UNKNOWN, draft=c["draft"],
        svg=_svg(c, monthstrip.render_strip(c["pub"], c["lang"], width_mm=STRIP_MM[c["edition"].size],
                                             draft=c["draft"], **STRIP_LOOK[c["edition"].size])))),
}


def _months(pub, lang) -> list:
    """(month name and year, events starting in it) for every month that has an event."""
    groups: dict[tuple[int, int], list[Event]] = {}     # (year, month) -> its events
    for event in sorted(pub.events, key=lambda e: e.start):
        groups.setdefault((event.start.year, event.start.month), []).append(event)
    return [(f"{pub.labels[lang].month(month)} {year}", events)
            for (year, month), events in groups.items()]


def _complete_series(events) -> set:
    """(network, kind) of each series of meetings whose numbers the table can print: those of a
    known network numbered 1, 2, ... without a gap (a "#6" after "#3", the others' network not
    known, would read as meetings missing)."""
    numbers: dict[tuple[str, str], list[int]] = {}
    for e in events:
        if e.number and e.network != UNKNOWN:
            numbers.setdefault((e.network, e.kind), []).append(e.number)
    return {series for series, found in numbers.items() if sorted(found) == list(range(1, len(found) + 1))}


MAP_MM = {"A4": 150, "A5": 82}   # the map's width on the page
STRIP_MM: dict[str, float] = {"A4": 174, "A5": 108}  # the month strip: the text width


class StripLook(TypedDict):
    scale: float            # the markers and their pitch
    label_pt: float         # the month names


STRIP_LOOK: dict[str, StripLook] = {"A4": {"scale": 1.5, "label_pt": 8.5}, "A5": {"scale": 1.2, "label_pt": 7.5}}
NETWORK_MAP_MM = {"A4": 105, "A5": 64}   # a network's own map: the main column (A5: 64 mm)
SIDE_MAP_MM = {"A4": 62, "A5": 32}       # [[network-map side]], the opener's inset: the side column
LOCATOR = {"A5"}    # sizes whose inset is too small for names: markers only (the MID table names them)
PAGE_RULE = re.compile(r"@page\b[^{;]*\{")
TOKEN_USE = re.compile(r"var\(--([\w-]+)\)")
LENGTH = re.compile(r"(-?\d+(?:\.\d+)?)(mm|cm|in|pt|px)")
MM_PER = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "px": 25.4 / 96}


def stylesheet(pub, edition) -> Markup:
    """The document's own stylesheet: the theme's stylesheets (resources.Theme.stylesheets:
    the tokens, brochure.css, pictures.css, a5.css on A5, the themes' theme.css), the colours
    of the data and publication.yaml's tokens.

    It is inlined, not linked, because WeasyPrint 70.0 honours @color-profile only in the
    document's own styles. Screen and print editions share it, and their layout: every page
    has the bleed of print (the screen PDFs are cut to the trim), and the colours are sRGB
    (the print PDFs are painted in device CMYK, see adapters.device_cmyk_colours).
    """
    theme, a5 = pub.theme, edition.size == "A5"
    values = page_tokens(theme, a5)
    bleed = pub.print_options["bleed_mm"]
    files = theme.stylesheets(a5)
    ours = [f for f in files if f.name not in ("a5.css", "theme.css")]
    css = (f"@color-profile device-cmyk {{ components: cyan, magenta, yellow, black; "
           f"src: url({pub.print_options['icc']}) }}\n@page {{ bleed: {bleed}mm }}\n"
           + "\n".join(_css_file(theme, path, values) for path in ours) + "\n"
           + _network_css(pub, edition, values)
           # the colour bands at the cover edges run on into the bleed
           + f"\n.cover-bands {{ left: -{bleed}mm; right: -{bleed}mm; top: -{bleed}mm; "
           f"height: {7 + bleed}mm; }}\n"
           f".back-cover .cover-bands.bottom {{ top: auto; bottom: -{bleed}mm; }}\n")
    css += "".join("\n" + _css_file(theme, path, values) for path in files if path not in ours)
    if edition.draft:
        mark = " · ".join(pub.labels[lang]["draft"] for lang in edition.languages)
        css += ("\n" + _css_file(theme, theme.file("styles/draft.css"), values)
                + ".cover::before, .back-cover::before, .divider::before "
                f"{{ content: {_css_string(mark)}; }}\n")
    if theme.tokens:          # publication.yaml's, last: they win on every page size
        css += "\n:root { " + " ".join(f"--{n}: {v};" for n, v in theme.tokens) + " }\n"
    return Markup(css)


def _css_string(text: str) -> str:
    """A CSS string literal of any text."""
    return '"' + "".join(ch if ch.isalnum() or ch in " ·-_.,:" else f"\\{ord(ch):x} "
                         for ch in text) + '"'


def page_tokens(theme, a5: bool) -> dict:
    """The design tokens as an edition of the page size sees them: the theme's, a5.css's on
    A5, publication.yaml's last."""
    values = tokens.design_tokens(theme)
    if a5:
        values |= resources.css_tokens(theme.file(f"styles/{resources.A5_STYLESHEET}"))
    return values | dict(theme.tokens)


def page_geometry(values: dict, size: str) -> dict:
    """{"width", "height", "top", "outer", "bottom"} of the page size in mm, from the tokens
    --page-a4 (width height) and --margin-a4 (top outer bottom inner, as CSS margin)."""
    page = _lengths(values, f"page-{size.lower()}", 2)
    margin = _lengths(values, f"margin-{size.lower()}", 4)
    margin += {1: margin * 3, 2: margin, 3: margin[1:2]}.get(len(margin), [])
    return {"width": page[0], "height": page[1], "top": margin[0], "outer": margin[1],
            "bottom": margin[2]}


def _lengths(values: dict, name: str, most: int) -> list:
    text = values.get(name, "")
    found = [float(n) * MM_PER[unit] for n, unit in LENGTH.findall(text)]
    if not found or len(found) > most or LENGTH.sub("", text).strip():
        raise ContentError("styles/tokens.css", 1, f"the design token --{name} must be up to "
                           f"{most} lengths such as 20mm (it is {text or 'missing'!r}): the "
                           f"pages are laid out from it")
    return found


def _css_file(theme, path: Path, values: dict) -> str:
    """A stylesheet of the theme for the document: its imports inlined (through the theme),
    url()s under styles/ (the fetcher serves them through the theme), the tokens written out
    in @page rules (custom properties do not reach @page in WeasyPrint 70)."""
    text = theme.css_text(path)
    text = CSS_URL.sub(lambda m: f"url(styles/{m.group(1)})", text)
    return _tokens_in_page_rules(text, values, path.name)


def _tokens_in_page_rules(css: str, values: dict, name: str) -> str:
    out, at, search = [], 0, 0
    while (match := PAGE_RULE.search(css, search)) is not None:
        if css.rfind("/*", 0, match.start()) > css.rfind("*/", 0, match.start()):
            search = match.start() + 1            # in a comment
            continue
        end = _block_end(css, match.end())
        out.append(css[at:match.start()])
        out.append(TOKEN_USE.sub(lambda m: _token_value(m.group(1), values, name),
                                 css[match.start():end]))
        at = search = end
    return "".join(out) + css[at:]


def _token_value(token: str, values: dict, name: str, depth: int = 0) -> str:
    if token not in values:
        raise ContentError(f"styles/{name}", 1, f"an @page rule uses var(--{token}), which no "
                           f"tokens.css of the theme defines")
    value = values[token]
    if depth < 5:
        value = TOKEN_USE.sub(lambda m: _token_value(m.group(1), values, name, depth + 1), value)
    return value


def _block_end(css: str, start: int) -> int:
    """The index after the "}" that closes the block opened just before `start` (comments
    skipped)."""
    depth, i = 1, start
    while i < len(css) and depth:
        if css.startswith("/*", i):
            i = css.find("*/", i + 2)
            i = len(css) if i < 0 else i + 2
            continue
        depth += {"{": 1, "}": -1}.get(css[i], 0)
        i += 1
    return i


def _network_css(pub, edition, values) -> str:
    """Per-network colours and thumb-index tabs, from data.

    Each network's pages carry a colour tab on the outer edge, at a height of its own, stepping
    down the page in the networks' order (thirds for up to three networks, one step each for
    more), so the sections can be found on the closed brochure and in grayscale.
    The tab is a page-margin box reaching into the bleed: WeasyPrint 70.0 cannot paint a
    gradient background in device-cmyk.
    """
    bleed = pub.print_options["bleed_mm"]
    page = page_geometry(values, edition.size)
    inset = page["outer"] - _lengths(values, "tab-width", 1)[0]
    rules = []
    # one step per network down the text block's height
    slot = (page["height"] - page["top"] - page["bottom"]) / max(3, len(pub.networks))
    for i, n in enumerate(pub.networks):
        colour, top = n.colour, f"{i * slot:.2f}mm"
        rules.append(f".net-{n.id} {{ --net: {colour}; }}\n"
                     f".section.net-{n.id} {{ page: net-{n.id}; }}")
        for side, margin in (("right", f"{top} -{bleed}mm 0 {inset}mm"),
                             ("left", f"{top} {inset}mm 0 -{bleed}mm")):
            rules.append(f"@page net-{n.id}:{side} {{ @{side}-top {{ content: ''; "
                         f"background-color: {colour}; height: {slot:.2f}mm; margin: {margin}; }} }}")
    return "\n".join(rules)
