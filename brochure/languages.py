"""The languages a publication is written in, and what the build needs to know of each.

Polish and English are the reference languages: their typography has rules of its own
(typography.py). Any other language with Pyphen hyphenation patterns (and, for `check`, a
hunspell dictionary) can be listed in publication.yaml with what the build cannot guess:

    languages:
      - pl
      - en
      - {code: de, tag: de-DE, hunspell: de_DE, quotes: "„“"}

A language listed that way follows the general rules: its double quotes, the apostrophe, ellipses,
ranges and dashes, non-breaking spaces after numbers and, when `one_letter_words` gives them,
before single-letter words (as Polish has it); its month names and plural forms come from
Babel (CLDR). A publication's first language is its source: the others are translated from it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pyphen
from babel import Locale, UnknownLocaleError

FIELDS = ("code", "tag", "html_lang", "hunspell", "quotes", "one_letter_words", "dates")
DATES = ("figures", "words")
_CODE = re.compile(r"[a-z]{2,3}")
_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True)
class Language:
    code: str                  # the folder (content/<code>/), the key of texts, Babel's locale
    tag: str                   # BCP 47: the PDF's /Lang, the web's hreflang ("pl-PL", "en-GB")
    html_lang: str             # the lang attribute of the HTML; it picks Pyphen's hyphenation
    hunspell: str              # the spelling dictionary of `check` ("pl_PL")
    quotes: str                # the double quotes, opening and closing: "„”"
    one_letter_words: str = ""   # letters that may not end a line ("aiouwz" in Polish)
    dates: str = "words"       # "figures": 05.07.2022; "words": 5 July 2022 (month from CLDR)
    reference: bool = False    # typography.py has a rule table of its own for it


REFERENCE = {
    "pl": Language("pl", "pl-PL", "pl", "pl_PL", "„”", "aiouwzAIOUWZ", "figures", True),
    "en": Language("en", "en-GB", "en-GB", "en_GB", "“”", "", "words", True),
}
_defined: dict[str, Language] = dict(REFERENCE)


def get(code: str) -> Language:
    """The language of a code listed by the publication being built (or a reference one)."""
    try:
        return _defined[code]
    except KeyError:
        raise ValueError(f"unknown language {code!r}; list it in publication.yaml") from None


def define(spec) -> Language:
    """A language from its publication.yaml entry (a reference code, or a mapping of FIELDS);
    ValueError with what to fix otherwise. Defined languages are known to get() from then on."""
    if isinstance(spec, str):
        if spec in REFERENCE:
            return REFERENCE[spec]
        raise ValueError(f'language "{spec}" needs its details: write it as {{code: {spec}, '
                         f'tag: ..., hunspell: ..., quotes: ...}} (see docs/content-model.md); '
                         f'pl and en need none')
    if not isinstance(spec, dict):
        raise ValueError("a language is a code (pl, en) or a mapping with code, tag, hunspell, "
                         "quotes")
    unknown = sorted(set(spec) - set(FIELDS))
    if unknown:
        raise ValueError(f'unknown language field "{unknown[0]}"; the fields are: '
                         f'{", ".join(FIELDS)}')
    language = _from_fields({k: str(v) for k, v in spec.items()})
    _defined[language.code] = language
    return language


def _from_fields(spec: dict) -> Language:
    code = spec.get("code", "")
    if not _CODE.fullmatch(code):
        raise ValueError(f'the language code "{code}" must be 2 or 3 lower-case letters '
                         f'(ISO 639), e.g. de')
    if code in REFERENCE:
        raise ValueError(f"{code} is a reference language: list it as a plain code")
    for name in ("tag", "hunspell", "quotes"):
        if not spec.get(name):
            raise ValueError(f'language "{code}" needs "{name}"')
    html_lang = spec.get("html_lang", spec["tag"])
    _check_tags(code, spec["tag"], html_lang)
    _check_style(code, spec["quotes"], spec.get("dates", "words"))
    return Language(code, spec["tag"], html_lang, spec["hunspell"], spec["quotes"],
                    spec.get("one_letter_words", ""), spec.get("dates", "words"))


def _check_tags(code: str, tag: str, html_lang: str) -> None:
    for value in (tag, html_lang):
        if not _TAG.fullmatch(value):
            raise ValueError(f'"{value}" (language "{code}") is not a BCP 47 tag such as de-DE')
    if not pyphen.language_fallback(html_lang):
        raise ValueError(f'Pyphen has no hyphenation patterns for "{html_lang}" (language '
                         f'"{code}"); give "html_lang" one of its languages, e.g. de-DE')
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        raise ValueError(f'Babel (CLDR) does not know the language "{code}"') from None


def _check_style(code: str, quotes: str, dates: str) -> None:
    if len(quotes) != 2 or not all(unicodedata.category(q)[0] == "P" for q in quotes):
        raise ValueError(f'"quotes" of language "{code}" must be the 2 quotation marks, '
                         f'opening and closing, e.g. „“ or «»')
    if dates not in DATES:
        raise ValueError(f'"dates" of language "{code}" is "figures" or "words"')
