"""Translation units (brochure/translate/segments.py, records.py, writeback.py): what a unit is,
its placeholders, its span in the file, stable ids, and the old source-hash files."""
import shutil

import pytest

from brochure import content, invocation
from brochure.commands import reviewed
from brochure.content import source, translation
from brochure.translate import records, staleness, writeback
from brochure.translate.segments import Code, markdown_segments, yaml_pairs
from conftest import MINI

TEXT = '''---
title: "Sieć: test"
running-head: Sieć
layout: text
---
Akapit z **ważnym** [linkiem](https://example.org){: lang="en" } i `kodem`
w dwóch wierszach.
{: .lead }

### Nagłówek {: .new-page }

!!! note "Tytuł ramki"
    - punkt *pierwszy*
    - [[map]] w tekście

| Miasto | Temat |
|---|---|
| Gdańsk | a \\| b |

![Opis obrazka](img/a.png "Podpis")
{: .half }

[[mid-table]]
'''


def test_every_block_is_a_unit_with_its_kind_line_and_span():
    units = markdown_segments(TEXT, "x.md")
    assert [(u.key, u.kind, u.line) for u in units] == [
        ("s1", "title", 2), ("s2", "running-head", 3), ("s3", "paragraph", 6),
        ("s4", "heading", 10), ("s5", "box-title", 12), ("s6", "item", 13), ("s7", "item", 14),
        ("s8", "cell", 16), ("s9", "cell", 16), ("s10", "cell", 18), ("s11", "cell", 18),
        ("s12", "alt", 20), ("s13", "caption", 20)]
    for unit in units:
        assert TEXT[unit.span[0]:unit.span[1]] in (unit.source, f'"{unit.source}"',
                                                   unit.source.replace("|", "\\|"))
    assert units[0].source == "Sieć: test" and units[0].style == '"'
    assert units[3].source == "Nagłówek"                  # without its attribute list


def test_markup_components_and_attributes_are_placeholders():
    units = markdown_segments(TEXT, "x.md")
    paragraph = units[2].parts
    assert paragraph == (
        "Akapit z ", Code("1", "open", "**", "bold"), "ważnym", Code("1", "close", "**", "bold"),
        " ", Code("2", "open", "[", "link https://example.org"), "linkiem",
        Code("2", "close", '](https://example.org){: lang="en" }', "link https://example.org"),
        " i ", Code("3", "ph", "`kodem`", "code"), "\nw dwóch wierszach.")
    assert units[6].parts == (Code("1", "ph", "[[map]]", "component [[map]]"), " w tekście")


def test_a_translation_is_escaped_and_read_back_before_it_is_written():
    bold = (Code("1", "open", "**", ""), Code("1", "close", "**", ""))
    parts = ("1. rok: ", bold[0], "a*b", bold[1], " [x] <b>")
    text = writeback.markdown_text(parts, "paragraph", {"1": "**"})
    assert text == "1\\. rok: **a\\*b** \\[x\\] \\<b>"
    writeback.check_markdown(text, "paragraph", parts)
    with pytest.raises(writeback.Unwritable):
        writeback.check_markdown("rok **a", "paragraph", parts)
    with pytest.raises(writeback.Unwritable):
        writeback.markdown_text(("a\nb",), "heading", {})
    assert writeback.yaml_scalar('Sieć "Zielona": x', "", True) == '"Sieć \\"Zielona\\": x"'
    assert writeback.yaml_scalar("Green", "", True) == "Green"
    assert writeback.yaml_scalar("it's", "'", True) == "'it''s'"


def test_labels_and_data_texts_are_pairs_with_fields_as_placeholders():
    labels = "pl:\n  city: Miasto\n  cities: {one: \"{n} miasto\", few: \"{n} miasta\", " \
             "many: \"{n} miast\", other: \"{n} miasta\"}\nen:\n  city: City\n  cities: " \
             "{one: \"{n} city\", other: \"{n} cities\"}\n"
    pairs = yaml_pairs(labels, "labels.yaml", "pl", "en", ["pl", "en"])
    assert [(p.key, p.source.source, p.target.source) for p in pairs] == [
        ("city", "Miasto", "City"), ("cities.one", "{n} miasto", "{n} city"),
        ("cities.other", "{n} miasta", "{n} cities")]
    assert pairs[1].source.parts[0] == Code("1", "ph", "{n}", "filled in by the layout")
    data = "- name: Kostrzyn nad Odrą\n  mid: {pl: \"Zieleń\", en: \"Greenery\"}\n" \
           "- {pl: a, en: b}\n"
    pairs = yaml_pairs(data, "data/x.yaml", "pl", "en", ["pl", "en"])
    assert [p.key for p in pairs] == ["Kostrzyn_nad_Odrą.mid", "2"]


def test_ids_survive_an_insertion_and_an_edit():
    old = [records.Entry(f"s{i}", "paragraph", h, "") for i, h in enumerate("abc", start=1)]

    class S:
        def __init__(self, h):
            self.kind, self.hash = "paragraph", h
    # a paragraph inserted before the first, the second edited
    matches = records.align(old, [S("n"), S("a"), S("B"), S("c")])
    assert matches == {1: 0, 2: 1, 3: 2}


def findings(root) -> list:
    """What check and the build say about the translations (Diagnostics)."""
    pub = content.load(root)
    return translation.problems(pub) + staleness.problems(pub)


def test_a_section_with_the_old_source_hash_is_judged_per_file_until_reviewed(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(MINI, root)
    english = root / "en" / "01-wstep.md"
    meta, body, _ = source.split_front_matter((root / "pl" / "01-wstep.md").read_text(), "x")
    english.write_text(english.read_text().replace(
        "layout:", f"source-hash: {translation.source_hash(meta, body)}\nlayout:", 1))
    assert not [d for d in findings(root) if "01-wstep" in str(d.file)]
    polish = root / "pl" / "01-wstep.md"
    polish.write_text(polish.read_text().replace("w całej Polsce", "w kraju"))
    stale = [str(d) for d in findings(root) if "01-wstep" in d.file]
    assert stale == [f"content/en/01-wstep.md:3: warning: stale translation: "
                     f"content/pl/01-wstep.md changed since this text was reviewed; update it, "
                     f"then run: {invocation.command()} reviewed {english.resolve()}"]

    class Progress:
        def info(self, text):
            pass
    reviewed.mark_reviewed(root, [english], Progress())
    assert "source-hash" not in english.read_text()
    assert records.record_path(root, "en", "01-wstep.md").is_file()
    assert not [d for d in findings(root) if "01-wstep" in d.file]
