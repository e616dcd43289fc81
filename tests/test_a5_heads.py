"""The A5 editions: running heads on one line, contents page numbers on their titles' last lines,
PPP's lead with no map beside it."""
import re
import subprocess

import pytest
from pypdf import PdfReader

HEAD_PT = 16 / 25.4 * 72      # the 16 mm top margin of A5 (--margin-a5), where the running head sits


def _text(pdf, page, *crop) -> str:
    args = ["pdftotext", "-layout", "-f", str(page), "-l", str(page)]
    if crop:
        args += ["-x", "0", "-y", "0", "-W", str(int(crop[0])), "-H", str(int(crop[1]))]
    return subprocess.run(args + [str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_a5_running_heads_take_one_line(built, lang):
    pdf = built["dir"] / "a5" / f"pim-{lang}-a5.pdf"
    pages = len(PdfReader(pdf).pages)
    width = 148 / 25.4 * 72
    two_lines = {}
    for page in range(2, pages):
        lines = [ln for ln in _text(pdf, page, width, HEAD_PT).split("\n") if ln.strip()]
        if len(lines) > 1:
            two_lines[page] = lines
    assert not two_lines, two_lines


def test_a5_contents_number_stays_on_the_titles_last_line(built):
    """The two-line title of the meetings ends with its page number (read from the bookmark)."""
    pdf = built["dir"] / "a5" / "pim-en-a5.pdf"
    reader = PdfReader(pdf)
    page = next(reader.get_destination_page_number(item) + 1 for item in reader.outline
                if not isinstance(item, list) and item.title.startswith("Meetings held"))
    last = next(ln for ln in _text(pdf, 2).split("\n") if "March 2023)" in ln)
    assert re.search(rf"March 2023\)\s+{page}\s*$", last), (page, last)


@pytest.mark.parametrize("lang, title, heading", [("pl", "Sieć PPP", "Sieć PPP liczyła"),
                                                  ("en", "PPP Network", "The PPP Network had")])
def test_a5_ppp_lead_runs_the_full_column(built, lang, title, heading):
    """No side map beside the lead (22-28 characters a line): the opener's callout and lead run
    the full column (PPP, whose cities are mostly unknown, has no map); every line but a
    paragraph's last is full."""
    pdf = built["dir"] / "a5" / f"pim-{lang}-a5.pdf"
    reader = PdfReader(pdf)
    page = next(reader.get_destination_page_number(item) + 1 for item in reader.outline
                if not isinstance(item, list) and item.title == title)
    lines = [ln.strip() for ln in _text(pdf, page).split("\n") if ln.strip()]
    start = lines.index(title) + 1
    lead = lines[start:next(i for i, ln in enumerate(lines) if ln.startswith(heading))]
    inner = [ln for ln, after in zip(lead, lead[1:]) if not ln.endswith(".")]
    assert len(lead) >= 4 and all(len(ln) >= 45 for ln in inner), lead
