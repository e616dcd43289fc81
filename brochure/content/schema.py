"""Schema checks of the YAML records: each value of the right kind, or a ContentError at its
line that says what to write."""
from __future__ import annotations

import datetime as dt
import math
import reprlib

from ..errors import ContentError
from .source import Map, Seq

# Dates a publication may give: anything outside is a typing mistake (year 9999, 1021), and
# the month strip and the date arithmetic stay within Python's dates.
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2099, 12, 31)
MAX_COUNT = 1_000_000    # the largest count a field takes unless it says otherwise
_SHOWN = reprlib.Repr()
_SHOWN.maxstring, _SHOWN.maxother, _SHOWN.maxlist, _SHOWN.maxdict, _SHOWN.maxlevel = 60, 60, 4, 4, 2


def shown(value) -> str:
    """A value as a message quotes it: short, whatever its size."""
    if isinstance(value, int) and value.bit_length() > 64:
        return f"a number of {int(value.bit_length() * math.log10(2)):,} digits"
    return _SHOWN.repr(value)

# --- schema checks ------------------------------------------------------------------------

class Record:
    """One YAML mapping being checked, with its file for messages."""

    def __init__(self, data, file, what, languages):
        if not isinstance(data, Map):
            line = getattr(data, "line", 1)
            raise ContentError(file, line, f"{what} must be a mapping of keys to values")
        self.data, self.file, self.what, self.languages = data, file, what, languages

    def line(self, key=None) -> int:
        return self.data.key_lines.get(key, self.data.line)

    def fail(self, key, message):
        raise ContentError(self.file, self.line(key), message)

    def only(self, *allowed):
        for key in self.data:
            if key not in allowed:
                self.fail(key, f'unknown key "{key}" in {self.what}; '
                               f'expected one of: {", ".join(allowed)}')

    def get(self, key, kind, required=True, default=None):
        if key not in self.data or self.data[key] is None:
            if required:
                self.fail(None, f'{self.what} has no "{key}"; add it ({_kind_name(kind)})')
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            if abs(value) >= 10 ** 300:
                self.fail(key, f'"{key}" of {self.what} must be a number of ordinary size, not '
                               f'one of {int(value.bit_length() * math.log10(2)):,} digits')
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            self.fail(key, f'"{key}" of {self.what} must be {_kind_name(kind)}, '
                           f'not {_kind_name(type(value))} ({shown(value)})')
        if kind is float and not math.isfinite(value):
            self.fail(key, f'"{key}" of {self.what} must be a number of ordinary size, '
                           f'not {shown(value)}')
        return value

    def text(self, key, required=True):
        """A language-keyed text: {pl: ..., en: ...} with every language present."""
        value = self.get(key, dict, required)
        if value is None:
            return None
        for lang in self.languages:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.fail(key, f'"{key}" of {self.what} has no {lang} text; '
                               f'add "{lang}: ..." (translation missing)')
        for lang in value:
            if lang not in self.languages:
                self.fail(key, f'"{key}" of {self.what} has text in "{lang}"; the languages '
                               f'of the publication are: {", ".join(self.languages)} (add '
                               f'"{lang}" to languages: in publication.yaml, or remove the text)')
        return {lang: value[lang].strip() for lang in self.languages}

    def date(self, key, required=True):
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.fail(key, f'"{key}" of {self.what} must be a date written YYYY-MM-DD, '
                           f'not {shown(value)}')
        if not FIRST_DATE <= value <= LAST_DATE:
            self.fail(key, f'"{key}" of {self.what} is {value.isoformat()}; a date of the '
                           f'publication lies between {FIRST_DATE.year} and {LAST_DATE.year}: '
                           f'check the year')
        return value

    def choice(self, key, choices, required=True, default=None):
        value = self.get(key, str, required, default)
        if value is not None and value not in choices:
            self.fail(key, f'{self.what} has {key} "{value}"; expected one of: '
                           f'{", ".join(choices)}')
        return value


def positive_count(rec: Record, key, required=True, most=MAX_COUNT):
    """A whole number from 1 to `most` (a count of pages, cities, meetings...)."""
    value = rec.get(key, int, required)
    if value is not None and value < 1:
        rec.fail(key, f'"{key}" of {rec.what} is {shown(value)}; it counts something: write a '
                      f'whole number of 1 or more' + (" (or leave it out)" if not required else ""))
    if value is not None and value > most:
        rec.fail(key, f'"{key}" of {rec.what} is {shown(value)}; it may be at most {most:,}')
    return value


def _kind_name(kind) -> str:
    return {str: "a text", int: "a whole number", float: "a number", dict: "a mapping",
            list: "a list", bool: "true or false", Map: "a mapping", Seq: "a list",
            type(None): "empty"}.get(kind, kind.__name__)


def records(data, file, what, languages):
    if not isinstance(data, list):
        raise ContentError(file, getattr(data, "line", 1), f"{file} must be a list of {what}s, "
                           "each item starting with '- '")
    return [Record(item, file, what, languages) for item in data]
