"""The dates of the meetings as the brochure prints them (the one home of date texts).

    pl: 9.02.2022 | 10–12.05.2022 | 31.05–3.06.2022 | 30.12.2022–2.01.2023
    en: 9 February 2022 | 10–12 May 2022 | 31 May – 3 June 2022

Polish house style writes dates in figures; other languages spell the month, by name from
Babel. An end lost in the source is left out of a reader's edition, which prints the first day
alone; a draft says it outright (the "open_date" label: "9.08.2022 (koniec nieznany)"), for
"od 9.08.2022" would read as still running.
"""
from __future__ import annotations

import datetime as dt

from ..languages import get as get_language
from ..model import UNKNOWN


def _in_figures(lang: str) -> bool:
    """The house style of the language writes the month in figures (languages.py: dates)."""
    return get_language(lang).dates == "figures"


def end_of(event):
    """The end date, or None for a one-day event, or UNKNOWN."""
    end = event.end
    if end == UNKNOWN:
        return UNKNOWN
    if end is None or end == event.start:
        return None
    return end


def format_dates(event, labels, draft=False) -> str:
    """The dates of an event in the language of labels (labels.Labels); draft: an unknown end
    said to be unknown (a reader's edition prints the first day alone)."""
    start, end = event.start, end_of(event)
    if end == UNKNOWN:
        return labels["open_date"].format(date=_day(start, labels)) if draft else _day(start, labels)
    if end is None:
        return _day(start, labels)
    if _in_figures(labels.lang):
        if start.year != end.year:
            return f"{_day(start, labels)}–{_day(end, labels)}"
        if start.month != end.month:
            return f"{_day(start, labels, year=False)}–{_day(end, labels)}"
        return f"{start.day}–{_day(end, labels)}"
    if start.year != end.year:
        return f"{_day(start, labels)} – {_day(end, labels)}"
    if start.month != end.month:
        return f"{_day(start, labels, year=False)} – {_day(end, labels)}"
    return f"{start.day}–{_day(end, labels)}"


def _day(d: dt.date, labels, year=True) -> str:
    if _in_figures(labels.lang):
        return f"{d.day}.{d.month:02d}.{d.year}" if year else f"{d.day}.{d.month:02d}"
    return f"{d.day} {labels.month(d.month)}" + (f" {d.year}" if year else "")
