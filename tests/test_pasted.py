"""Issue 22, classes 6 and 9: text pasted from a word processor, markup left as text, and
long unbreakable words.

- Curly quotes of the other language become the language's own where their place says which
  they are; `check` names the others with line and column.
- Soft hyphens, zero-width characters and manual line breaks are removed (a line break becomes
  a space) when the text is read; `check` names each with line and column.
- An emphasis `**`/`_` that opens or closes nothing, and a link whose "](" is not closed, are an
  error at their line in the build and in `check` (the same finding, prose.markup_problems).
- A word longer than 200 characters is an error at its line before typesetting; a long URL is
  given break opportunities (an unbreakable 960-character word cost WeasyPrint 13 s).
"""
import re

import pytest

from brochure import content
from brochure.commands import check, cli
from brochure.errors import ContentError
from brochure.render import html as render, prose, typography
from conftest import edit
from pypdf import PdfReader


LAST = re.compile(r'<span class="last">(.*?)</span>')    # a paragraph's last word held whole


def pl(source: str) -> str:
    return LAST.sub(r"\1", prose.to_html(source, "content/pl/x.md", 5, "pl"))


def en(source: str) -> str:
    return LAST.sub(r"\1", prose.to_html(source, "content/en/x.md", 5, "en"))


def rendered(root) -> str:
    pub = content.load(root)
    return render.render(pub, next(e for e in pub.editions if e.id == "pl"))


def findings(root, level=None) -> list:
    return [d for d in check.check(root, layout=False) if level is None or d.level == level]


# --- quotes -------------------------------------------------------------------------------

@pytest.mark.parametrize("source, printed", [
    ("Projekt “PIM” trwał.", "Projekt „PIM” trwał."),               # English quotes in Polish
    ("Projekt „PIM“ trwał.", "Projekt „PIM” trwał."),               # the German closing one
    ("Projekt (“PIM”) trwał.", "Projekt („PIM”) trwał."),
    ("„Cytat “wewnętrzny” koniec”.", "„Cytat «wewnętrzny» koniec”."),  # then nested as Polish
])
def test_quotes_of_another_language_become_polish_ones(source, printed):
    assert pl(source) == f"<p>{printed}</p>\n"


def test_polish_quotes_in_english_text_become_english_ones():
    assert en("The „PIM” project.") == "<p>The “PIM” project.</p>\n"


def test_a_quote_whose_place_is_unclear_is_left_and_named_by_check(tree):
    edit(tree, "pl/01-wstep.md", "objął miasta", "objął “ miasta")
    assert "objął\u00a0“ miasta" in rendered(tree) or "objął “ miasta" in rendered(tree)
    named = [d for d in findings(tree) if "the quote “" in d.message]
    assert len(named) == 1 and (named[0].file, named[0].line) == ("content/pl/01-wstep.md", 5)
    assert "(column 35)" in named[0].message and named[0].level == "warning"


def test_an_unclear_quote_in_the_data_is_named_at_its_line(tree):
    edit(tree, "data/cities.yaml", "Zazielenianie małych", "Zazielenianie “ małych")
    named = [d for d in findings(tree) if "the quote “" in d.message]
    assert [(d.file, d.line) for d in named] == [("content/data/cities.yaml", 5)]


# --- invisible characters ---------------------------------------------------------------

@pytest.mark.parametrize("pasted, name", [
    ("\u00ad", "a soft hyphen (U+00AD"), ("\u200b", "a zero-width space (U+200B"),
    ("\u2060", "a word joiner (U+2060"), ("\u2028", "a line separator (U+2028"),
    ("\x0b", "a manual line break (vertical tab) (U+000B"),
])
def test_pasted_invisible_characters_are_removed_and_named(tree, pasted, name):
    edit(tree, "pl/01-wstep.md", "miesięcy", f"mie{pasted}sięcy")
    html = rendered(tree)
    assert f"mie{pasted}sięcy" not in html
    assert ("mie sięcy" if pasted in "\u2028\x0b" else "miesięcy") in html
    named = [d for d in findings(tree) if name in d.message]
    assert [(d.file, d.line, d.level) for d in named] == [("content/pl/01-wstep.md", 5,
                                                          "warning")]
    assert "at column 21" in named[0].message


def test_a_soft_hyphen_does_not_change_the_layout(tree, tmp_path, capsys):
    """It surfaced as an unrelated page-budget error: now the edition is typeset from the very
    HTML it has without it."""
    with (tree / "publication.yaml").open("a", encoding="utf-8") as handle:
        handle.write("editions:\n  - {id: pl, languages: [pl]}\n")
    plain = tmp_path / "plain"
    assert cli.main(["--content", str(tree), "--output", str(plain), "--quiet"]) == 0
    edit(tree, "pl/01-wstep.md", "Projekt trwał", "Pro\u00adjekt\u200b trwał")
    pasted = tmp_path / "pasted"
    assert cli.main(["--content", str(tree), "--output", str(pasted), "--quiet"]) == 0
    assert (pasted / "html" / "pim-pl.html").read_bytes() == \
        (plain / "html" / "pim-pl.html").read_bytes()              # typeset from the same HTML
    assert raw_text(pasted / "pim-pl.pdf") == raw_text(plain / "pim-pl.pdf")
    capsys.readouterr()


def raw_text(pdf) -> str:
    """The PDF's text as extracted, soft hyphens and zero-width spaces included."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)


# --- markup left as text ----------------------------------------------------------------

@pytest.mark.parametrize("source, line, mark", [
    ("PIM koncentrował się na **trzech obszarach tematycznych.", 5, '"**" opens'),
    ("Tekst.\n\nKwota 100 zł* w roku.", 7, '"*" closes'),
    ("Pierwszy wiersz\ni _drugi wiersz.", 6, '"_" opens'),
    ("Zobacz [raport](https://example.pl/raport.pdf bez nawiasu.", 5, "is not closed"),
    ("Zobacz [raport](https://example.pl/raport pdf) tutaj.", 5, "is not closed"),
    ("![Mapa](img/mapa.png", 5, "is not closed"),
])
def test_markup_left_as_text_is_an_error_at_its_line(source, line, mark):
    with pytest.raises(ContentError) as info:
        pl(source)
    assert (info.value.file, info.value.line) == ("content/pl/x.md", line)
    assert mark in info.value.message


@pytest.mark.parametrize("source", [
    "plik file_name, 2 * 3 i 10 _ 5", "a \\*\\* b i \\_x\\_", "*kursywa* i **pogrubienie**",
    "adres https://example.pl/a_b_ i a_b_@x.pl", "[a [b](https://b.pl)](https://a.pl)",
])
def test_markup_that_is_meant_is_not_an_error(source):
    pl(source)


def test_the_build_and_check_refuse_an_unclosed_emphasis_alike(tree, tmp_path, capsys):
    edit(tree, "pl/01-wstep.md", "objął miasta", "objął **miasta")
    edit(tree, "pl/01-wstep.md", "[[key-figures]]", "[[key-figures]]\n\nI [link](https://a.pl")
    code = cli.main(["--content", str(tree), "--output", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and err[0].startswith('content/pl/01-wstep.md:5: error: "**" opens an '
                                           'emphasis that is never closed'), err
    errors = findings(tree, "error")
    assert [(d.file, d.line) for d in errors] == [("content/pl/01-wstep.md", 5),
                                                  ("content/pl/01-wstep.md", 9)]
    assert cli.main(["check", "--content", str(tree)]) == 2


# --- long words -------------------------------------------------------------------------

def test_an_overlong_word_is_refused_at_its_line_before_typesetting(tree):
    edit(tree, "pl/01-wstep.md", "objął miasta", "objął " + "konstantynopolitańczyk" * 44)
    pub = content.load(tree)
    with pytest.raises(ContentError) as info:
        render.render(pub, pub.editions[0])
    assert (info.value.file, info.value.line) == ("content/pl/01-wstep.md", 5)
    assert "968 characters long" in info.value.message and "at most 200" in info.value.message


def test_a_long_url_gets_break_opportunities(tree):
    url = "https://example.pl/" + "/".join(f"katalog{i}" for i in range(120)) + "/plik"
    edit(tree, "pl/01-wstep.md", "objął miasta", f"objął <{url}> i {url} miasta")
    html = rendered(tree)
    body = html.split("<body", 1)[1]
    text = re.sub(r"<[^>]+>", " ", body)
    assert max(len(run) for run in re.split(r"[\s\u200b]+", text)) <= typography.LONG_TOKEN
    assert f'href="{url}"' in body                                 # the address is intact


def test_a_long_token_breaks_every_few_characters():
    broken = typography.break_long_words("x" * 100 + " krótkie słowa")
    assert broken.split(" ")[0].split("\u200b") == ["x" * 20] * 5
    assert broken.endswith(" krótkie słowa")
    assert typography.break_long_words("konstantynopolitańczykowianeczka") == \
        "konstantynopolitańczykowianeczka"                       # a word is left to hyphens
