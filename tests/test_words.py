"""Text that reads as words: the labels set in tracked capitals (kickers, contents, table heads,
months, running heads) come out of every edition as words, not as letters with spaces between
them ("W T E J P U B L I K AC J I"), whichever way the text is read: pdftotext (poppler: what
copy, search and many viewers use) and pypdf's extract_text."""
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import LABELS

# every PDF a build writes, with the languages it holds
PDFS = {"pim-pl.pdf": ("pl",), "pim-en.pdf": ("en",), "pim-pl-en.pdf": ("pl", "en"),
        "print/pim-pl-print.pdf": ("pl",), "print/pim-en-print.pdf": ("en",),
        "print/pim-pl-booklet-a3.pdf": ("pl",), "print/pim-en-booklet-a3.pdf": ("en",),
        "a5/pim-pl-a5.pdf": ("pl",), "a5/pim-en-a5.pdf": ("en",),
        "print/pim-pl-booklet-a4.pdf": ("pl",), "print/pim-en-booklet-a4.pdf": ("en",)}
# four or more letters in a row, each alone between spaces: "S I EĆ", "W T E J P" (digits
# are left out: a column of page numbers is read as "2 3 4 6 8")
LETTER = r"[^\W\d_]"
SPACED = re.compile(rf"(?<!\S)(?:{LETTER}\s){{3,}}{LETTER}(?!\S)")
MONTH = {"pl": "LUTY 2022", "en": "FEBRUARY 2022"}


def poppler(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pypdf(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.mark.parametrize("reader", [poppler, pypdf], ids=["pdftotext", "pypdf"])
@pytest.mark.parametrize("name", sorted(PDFS))
def test_labels_in_capitals_extract_as_words(built, name, reader):
    text = words(reader(built["dir"] / name))
    spaced = sorted({m.group(0) for m in SPACED.finditer(text)})
    assert not spaced, spaced
    for lang in PDFS[name]:
        labels = LABELS[lang]
        for label in (labels["contents"], labels["thematic"], labels["city"], labels["mid"],
                      labels["date"], labels["meeting"]):
            assert words(label).upper() in text, (lang, label)
        assert MONTH[lang] in text, lang


@pytest.mark.parametrize("name", sorted(PDFS))
def test_the_publishers_and_partners_names_are_never_hyphenated(built, pub, name):
    """Review 23 item 9 (language review EN 11): "Polityki Regional-/nej", "Ministry of Develop-/
    ment Funds" break a name; no line of any edition ends in a piece of one of its words."""
    pieces = {w for lang in pub.languages for name_ in (pub.publisher[lang], pub.partner[lang])
              for w in name_.split() if len(w) > 4}
    lines = [ln.strip() for ln in poppler(built["dir"] / name).splitlines()]
    broken = [ln for ln in lines if ln.endswith("-") and any(
        w.startswith(ln.split()[-1].rstrip("-")) and w != ln.split()[-1].rstrip("-") for w in pieces)]
    assert not broken, broken
