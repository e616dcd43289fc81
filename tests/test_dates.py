"""Date texts of the meetings, in both languages, from the labels of the content."""
import datetime as dt

import pytest

from brochure import languages
from brochure.render.dates import format_dates
from brochure.content.labels import Labels
from brochure.model import Event
from conftest import LABELS

D = dt.date


def ev(start, end=None):
    return Event(start=start, end=end, kind="online", network="all",
                 title={"pl": "Spotkanie", "en": "Meeting"})


@pytest.mark.parametrize("start,end,pl,en", [
    (D(2022, 2, 9), None, "9.02.2022", "9 February 2022"),
    (D(2022, 2, 9), D(2022, 2, 9), "9.02.2022", "9 February 2022"),
    (D(2022, 5, 10), D(2022, 5, 12), "10–12.05.2022", "10–12 May 2022"),
    (D(2022, 5, 31), D(2022, 6, 3), "31.05–3.06.2022", "31 May – 3 June 2022"),
    (D(2022, 12, 30), D(2023, 1, 2), "30.12.2022–2.01.2023", "30 December 2022 – 2 January 2023"),
    (D(2022, 8, 9), "unknown", "9.08.2022", "9 August 2022"),    # an end lost: left out
])
def test_format_dates(start, end, pl, en):
    assert format_dates(ev(start, end), LABELS["pl"]) == pl
    assert format_dates(ev(start, end), LABELS["en"]) == en


def test_a_draft_says_that_the_end_is_unknown_in_the_editors_wording():
    assert format_dates(ev(D(2022, 8, 9), "unknown"), LABELS["pl"], draft=True) == \
        "9.08.2022 (koniec nieznany)"
    labels = Labels("en", dict(LABELS["en"], open_date="{date} (end not recorded)"))
    assert format_dates(ev(D(2022, 8, 9), "unknown"), labels, draft=True) == \
        "9 August 2022 (end not recorded)"
    assert format_dates(ev(D(2022, 8, 9), "unknown"), labels) == "9 August 2022"


def test_month_names_come_from_cldr_for_any_language():
    languages.define({"code": "de", "tag": "de-DE", "hunspell": "de_DE", "quotes": "„“"})
    de = Labels("de", dict(LABELS["en"]))
    assert format_dates(ev(D(2022, 3, 1), D(2022, 3, 4)), de) == "1–4 März 2022"
    assert LABELS["pl"].month(5) == "maj" and LABELS["pl"].month(5, context="format") == "maja"
    assert [LABELS["pl"].month(m, "abbreviated") for m in (1, 9, 10)] == ["sty", "wrz", "paź"]
