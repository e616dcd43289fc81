"""`translation import` of texts new in the Polish (brochure/commands/translation.py, _insert):
on a copy of the real content, each new Polish paragraph or list item is written into the
English at its place, separated from its neighbours as in the Polish (one blank line between
blocks, none between the items of a tight list), every other byte kept, so the English reads
as the same blocks as the Polish. Each place is also tried with an earlier text of the same
file retranslated in the same import (its new length must not move the insertion)."""
import re
import shutil

import polib
import pytest
from lxml import etree

from brochure.content.source import split_front_matter
from brochure.render import prose
from brochure.render.prose import COMPONENT_LINE
from conftest import PROJECT
from test_translate_roundtrip import X2, cli, edit, findings

PPP, GREEN = "04-siec-ppp.md", "05-siec-zielona.md"

# file, Polish marker, Polish text put before it, English marker, English text expected
# before it, and the English of every new Polish text
CASES = {
    "before a box": (
        PPP, '!!! recommendations "Wnioski', "Nowy akapit przed ramką.\n\n",
        '!!! recommendations "Conclusions', "A new paragraph before the box.\n\n",
        {"Nowy akapit przed ramką.": "A new paragraph before the box."}),
    "two before a box": (
        PPP, '!!! recommendations "Wnioski', "Pierwszy nowy akapit.\n\nDrugi nowy akapit.\n\n",
        '!!! recommendations "Conclusions', "The first new paragraph.\n\nThe second one.\n\n",
        {"Pierwszy nowy akapit.": "The first new paragraph.",
         "Drugi nowy akapit.": "The second one."}),
    "a running head in the front matter": (
        PPP, "layout: network", "running-head: Partnerstwo\n",
        "layout: network", "running-head: Partnership\n", {"Partnerstwo": "Partnership"}),
    "before a box at the start of the body": (
        PPP, "!!! sidebar", "Nowy akapit na początku.\n\n",
        "!!! sidebar", "A new paragraph at the start.\n\n",
        {"Nowy akapit na początku.": "A new paragraph at the start."}),
    "between two boxes": (
        PPP, "!!! quote wide", "Nowy akapit między ramkami.\n\n",
        "!!! quote wide", "A new paragraph between the boxes.\n\n",
        {"Nowy akapit między ramkami.": "A new paragraph between the boxes."}),
    "after a box, before a paragraph": (
        PPP, "Polskie miasta są", "Nowy akapit po ramce.\n\n",
        "Polish cities are", "A new paragraph after the box.\n\n",
        {"Nowy akapit po ramce.": "A new paragraph after the box."}),
    "first in a box": (
        PPP, "    Główne obszary wsparcia", "    Nowy pierwszy akapit ramki.\n\n",
        "    The main areas of advisory", "    A new first paragraph of the box.\n\n",
        {"Nowy pierwszy akapit ramki.": "A new first paragraph of the box."}),
    "before a heading": (
        PPP, "### Etapy przygotowania", "Nowy akapit przed nagłówkiem.\n\n",
        "### Stages of preparing", "A new paragraph before the heading.\n\n",
        {"Nowy akapit przed nagłówkiem.": "A new paragraph before the heading."}),
    "before a component after a heading": (
        PPP, "[[ppp-stages]]", "Nowy akapit przed schematem.\n\n",
        "[[ppp-stages]]", "A new paragraph before the chart.\n\n",
        {"Nowy akapit przed schematem.": "A new paragraph before the chart."}),
    "before a component after a paragraph": (
        PPP, "[[mid-table]]", "Nowy akapit przed tabelą.\n\n",
        "[[mid-table]]", "A new paragraph before the table.\n\n",
        {"Nowy akapit przed tabelą.": "A new paragraph before the table."}),
    "at the end of the file": (
        PPP, None, "\nNowy ostatni akapit.\n", None, "\nA new last paragraph.\n",
        {"Nowy ostatni akapit.": "A new last paragraph."}),
    "first item of a list": (
        GREEN, "- działania służące", "- nowy pierwszy punkt,\n",
        "- actions to implement", "- a new first item,\n",
        {"nowy pierwszy punkt,": "a new first item,"}),
    "middle item of a list": (
        GREEN, "- rozwiązania systemowe", "- nowy środkowy punkt,\n",
        "- systemic solutions", "- a new middle item,\n",
        {"nowy środkowy punkt,": "a new middle item,"}),
    "last item of a list": (
        GREEN, "\n\n### Korzyści", "\n- nowy ostatni punkt.", "\n\n### Benefits",
        "\n- a new last item.", {"nowy ostatni punkt.": "a new last item."}),
    "first item of a list in a box": (
        GREEN, "    - zintegrowania NBS", "    - nowy punkt ramki,\n",
        "    - integrating NBS", "    - a new item of the box,\n",
        {"nowy punkt ramki,": "a new item of the box,"}),
}

# an earlier paragraph of each file, changed in Polish, and its (much shorter) new English
EARLIER = {
    PPP: ("Polskie miasta są otwarte", "Polskie miasta są bardzo otwarte",
          "Polish cities are open", "Polish cities are very open."),
    GREEN: ("Współcześnie miasta", "Dziś miasta", "Today, cities", "Today, cities grow."),
}


@pytest.fixture
def real(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(PROJECT / "content", root)
    return root


def blocks(path) -> list:
    """The block structure of a Markdown file as the build reads it: each block token's
    type, depth, tightness and box kind, and the component lines (the texts left out)."""
    _, body, _ = split_front_matter(path.read_text(encoding="utf-8"), str(path))
    found = []
    for token in prose.tokens(body):
        if token.type != "inline":
            found.append((token.type, token.level, token.hidden, token.meta.get("tag")))
        elif COMPONENT_LINE.fullmatch(token.content):
            found.append(token.content)
    return found


def fill(exchange_file, english: dict):
    """Translate every unit of an exported file with the given English."""
    if exchange_file.suffix == ".po":
        catalog = polib.pofile(str(exchange_file))
        for entry in catalog:
            entry.msgstr = english[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        catalog.save(str(exchange_file))
        return
    tree = etree.parse(str(exchange_file))
    for segment in tree.iter(f"{X2}segment"):
        target = segment.find(f"{X2}target")
        if target is None:
            target = etree.SubElement(segment, f"{X2}target")
        target.text = english[segment.find(f"{X2}source").text]
        segment.set("state", "translated")
    tree.write(str(exchange_file), xml_declaration=True, encoding="UTF-8")


def insert(root, tmp_path, case, earlier, fmt):
    """Add the case's Polish (and the earlier change), export, translate, import: the
    English file as expected and as written."""
    name, polish_mark, polish_new, english_mark, english_new, english = CASES[case]
    polish, target = root / "pl" / name, root / "en" / name
    expected = target.read_text(encoding="utf-8")
    english = dict(english)
    if earlier:
        old, new, english_start, english_new_text = EARLIER[name]
        edit(polish, old, new)
        line = next(ln for ln in expected.split("\n") if ln.startswith(english_start))
        polish_line = next(ln for ln in polish.read_text(encoding="utf-8").split("\n")
                           if ln.startswith(new))
        english[polish_line] = english_new_text
        expected = expected.replace(line, english_new_text, 1)
    if polish_mark is None:
        polish.write_text(polish.read_text(encoding="utf-8") + polish_new, encoding="utf-8")
        expected += english_new
    else:
        edit(polish, polish_mark, polish_new + polish_mark)
        assert expected.count(english_mark) == 1
        expected = expected.replace(english_mark, english_new + english_mark)
    out = tmp_path / f"todo.{'po' if fmt == 'po' else 'xlf'}"
    run = cli("translation", "export", "--format", fmt, "--content", root, "-o", out)
    assert run.returncode == 0, run.stderr
    fill(out, english)
    run = cli("translation", "import", out, "--content", root)
    assert run.returncode == 0, run.stdout + run.stderr
    return expected, target.read_text(encoding="utf-8")


def test_the_real_content_has_the_same_blocks_in_both_languages(real):
    for name in (PPP, GREEN):
        assert blocks(real / "pl" / name) == blocks(real / "en" / name)


@pytest.mark.parametrize("earlier", [False, True], ids=["alone", "with-an-earlier-change"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_new_text_is_written_at_its_place_with_its_blank_lines(real, tmp_path, case,
                                                                 earlier):
    expected, written = insert(real, tmp_path, case, earlier, "po")
    assert written == expected
    name = CASES[case][0]
    assert blocks(real / "en" / name) == blocks(real / "pl" / name)
    assert "structure changed" not in findings(real)
    assert "not translated" not in findings(real)


@pytest.mark.parametrize("earlier", [False, True], ids=["alone", "with-an-earlier-change"])
def test_a_new_paragraph_before_a_box_from_xliff(real, tmp_path, earlier):
    """The case as found: a new Polish paragraph right before `!!! recommendations`, its
    translation imported from XLIFF 2: one blank line before and after it, the box intact."""
    expected, written = insert(real, tmp_path, "before a box", earlier, "xliff2")
    assert written == expected
    at = written.index("A new paragraph before the box.")
    assert re.match(r"[^\n]\n\nA new paragraph before the box\.\n\n!!! recommendations "
                    r"\"Conclusions and recommendations\"\n    The main areas",
                    written[at - 3:])
    assert blocks(real / "en" / PPP) == blocks(real / "pl" / PPP)
