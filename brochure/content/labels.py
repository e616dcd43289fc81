"""The interface text of the layouts, from content/labels.yaml: the one home of every label,
plural form and fixed phrase the templates and graphics print. Month names and the choice of a
plural form come from Babel (CLDR), so a new language needs only its labels.

A label is a string, perhaps with {placeholders}; a plural label is a mapping of CLDR plural
categories (one, few, many, other) to strings, of which "other" or "many" is the fallback.
"""
from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Literal

from ..errors import ContentError
from .source import Map, load_yaml

FILE = "labels.yaml"
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
MonthForm = Literal["wide", "abbreviated", "narrow"]        # as Babel (CLDR) names them
MonthContext = Literal["stand-alone", "format"]

# Every key each language must give: True for a plural label, a dict for a block of its own.
KEYS = {
    # the pages
    "contents": False, "city": False, "mid": False, "date": False, "meeting": False,
    "place": False, "network": False, "all": False, "unknown": False, "one_network": False,
    "events": False,
    "stages": False, "language": False, "notes": False, "thematic": False, "imprint": False,
    "publisher": False, "partner": False, "mid_pending": False, "cities_pending": False,
    "source_silent": False, "other_part": False, "numbering": False, "open_date": False,
    "continued": False,
    "cities": True,
    # a network whose cities are mostly unknown, in a sentence; the draft editions' marks
    "network_cities": True, "including": False, "gap": False, "draft": False,
    # the imprint's fields (publication.yaml imprint: and funding:)
    "credits": {"authors": False, "translator": False, "design": False, "edition": False,
                "isbn": False, "disclaimer": False, "funding": False},
    # the maps and the month strip
    "map_title": False, "cover_map_title": False, "no_data": False, "sea": False,
    "cities_of": True, "on_map": False, "count_of": False, "strip_title": False,
    # the web edition
    "web": {"skip": False, "languages": False, "downloads": False, "screen": False,
            "print": False, "fonts": False, "pages": True, "decimal": False, "files": None},
}


# The {placeholders} of the labels the layouts fill in. Only `{name}` is allowed there ({{ and
# }} print a brace): a format such as {n:>999999999} or {n.__class__} would build a huge text
# or read the program's objects.
PLACEHOLDERS = {"open_date": ("date",), "count_of": ("shown", "n"),
                "strip_title": ("first", "last", "count"), "cities": ("n",),
                "cities_of": ("shown", "n"), "on_map": ("count", "names"), "web.pages": ("n",), "web.files": ("name",)}
PERCENT = ("cities_pending",)      # filled in by the template's format filter: one %d
MAX_LABEL = 200                    # characters of a label: a heading, a phrase, a title


class Labels(dict):
    """One language's labels (a dict, for the templates) with plural forms and months."""

    def __init__(self, lang: str, values: dict):
        super().__init__(values)
        self.lang = lang

    def plural(self, key: str, n: int, **values) -> str:
        """The plural label for the count n, formatted: plural("cities", 2) -> '2 miasta'.
        key may name a label of a block: "web.pages"."""
        forms = self
        for part in key.split("."):
            forms = forms[part]
        return plural(forms, self.lang, n, **values)

    def month(self, number: int, form: MonthForm = "wide", context: MonthContext = "stand-alone") -> str:
        """The month's name (1-12): 'styczeń'; context "format" gives 'stycznia' in Polish;
        form "abbreviated" gives 'sty'."""
        return month_names(self.lang, form, context)[number - 1]


def load(root: Path, languages) -> dict:
    """lang -> Labels for each language of the publication; a missing or unknown key is an
    error at its line."""
    data, file = load_yaml(root, FILE)
    if not isinstance(data, Map):
        raise ContentError(file, 1, "labels.yaml must map each language to its labels")
    out = {}
    for lang in languages:
        if lang not in data or not isinstance(data[lang], Map):
            raise ContentError(file, data.key_lines.get(lang, 1),
                               f'labels.yaml has no labels for "{lang}"; add a "{lang}:" block '
                               f"with every key of the first language (see docs/content-model.md)")
        out[lang] = Labels(lang, _checked(data[lang], lang, file, data.key_lines[lang]))
    return out


def _checked(block: Map, lang: str, file: str, block_line: int, keys=KEYS, where="") -> dict:
    """The block's labels (block_line: the line of its key), each of the kind KEYS gives."""
    for key in block:
        if key not in keys:
            raise ContentError(file, block.key_lines.get(key, block.line),
                               f'unknown label "{where}{key}" for "{lang}"; the labels are: '
                               f"{', '.join(where + k for k in keys)}")
    out = {}
    for key, kind in keys.items():
        value, line = block.get(key), block.key_lines.get(key, block.line)
        if value is None:
            raise ContentError(file, block_line, f'the "{lang}" labels have no "{where}{key}"; '
                                                 f"add it (see docs/content-model.md)")
        if kind is True:
            _check_plural(value, where + key, lang, file, line)
            for form in value.values():
                _check_text(form, where + key, lang, file, line)
        elif isinstance(kind, dict):
            if not isinstance(value, Map):
                raise ContentError(file, line, f'"{where}{key}" ({lang}) must be a block of labels')
            value = _checked(value, lang, file, line, kind, f"{where}{key}.")
        elif kind is None:
            if not isinstance(value, Map) or not all(isinstance(v, str) for v in value.values()):
                raise ContentError(file, line, f'"{where}{key}" ({lang}) must map names to texts')
            for name, text in value.items():
                _check_text(text, where + key, lang, file, value.key_lines.get(name, line))
        elif not isinstance(value, str):
            raise ContentError(file, line, f'"{where}{key}" ({lang}) must be a text')
        else:
            _check_text(value, where + key, lang, file, line)
        out[key] = value
    return out


def _check_text(text, key, lang, file, line) -> None:
    """A label's text: of a label's length, its placeholders those the layout fills in."""
    if not isinstance(text, str):
        raise ContentError(file, line, f'"{key}" ({lang}) must be a text, in quotes')
    if len(text) > MAX_LABEL:
        raise ContentError(file, line, f'"{key}" ({lang}) is {len(text):,} characters long; a '
                                       f"label has at most {MAX_LABEL}")
    if key in PERCENT:
        rest = text.replace("%%", "")
        if rest.count("%") != 1 or "%d" not in rest:
            raise ContentError(file, line, f'"{key}" ({lang}) must hold %d once (where the '
                                           f"number goes) and no other %; write %% for a "
                                           f"percent sign")
        return
    allowed = PLACEHOLDERS.get(key)
    if allowed is None:
        return                         # printed as written: a brace is a brace
    try:
        fields = [(name, spec, conversion)
                  for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError:
        fields = [("{", "", None)]
    for name, spec, conversion in fields:
        if name not in allowed or spec or conversion:
            raise ContentError(file, line, f'"{key}" ({lang}) may hold only the placeholders '
                                           f"{', '.join('{' + a + '}' for a in allowed)}; write "
                                           f"{{{{ or }}}} for a brace")


def _check_plural(value, key, lang, file, line) -> None:
    if not isinstance(value, Map) or not set(value) <= set(PLURAL_CATEGORIES) or \
            not ({"other", "many"} & set(value)):
        raise ContentError(file, line, f'"{key}" ({lang}) must give its plural forms by CLDR '
                                       f"category ({', '.join(PLURAL_CATEGORIES)}), with "
                                       f'"other" or "many" among them')
    for category, form in value.items():
        if not isinstance(form, str) or not form.strip():
            raise ContentError(file, value.key_lines.get(category, line),
                               f'the plural form "{category}" of "{key}" ({lang}) must be a text, not empty')


def plural(forms: dict[str, str], lang: str, n: int, **values) -> str:
    """The form of a plural label for the count n (its CLDR category in lang), formatted."""
    text = forms.get(_plural_category(lang, n)) or forms.get("other") or forms["many"]
    return text.format(n=n, **values)


@lru_cache(maxsize=None)
def _plural_category(lang: str, n: int) -> str:
    from babel import Locale

    return Locale.parse(lang).plural_form(abs(n))


@lru_cache(maxsize=None)
def month_names(lang: str, form: MonthForm = "wide", context: MonthContext = "stand-alone") -> tuple:
    from babel.dates import get_month_names

    names = get_month_names(form, context, lang)
    return tuple(names[m] for m in range(1, 13))
