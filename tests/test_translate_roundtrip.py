"""XLIFF / PO round trip on the real content (brochure/translate/): every exchange file read
back with translate-toolkit's own readers; export all + import unchanged = identical files;
one Polish paragraph changed = exactly that unit exported stale; a translation imported is
written at its place only; bad files are refused with FILE:line errors and nothing written."""
import difflib
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from lxml import etree
from translate.storage import factory, xliff, xliff2

import inprocess
from brochure import content, invocation
from brochure.content import translation
from brochure.translate import staleness
from conftest import MINI, PROJECT

X2 = "{urn:oasis:names:tc:xliff:document:2.0}"


@pytest.fixture
def real(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(PROJECT / "content", root)
    return root


def cli(*args, cwd=PROJECT):
    return inprocess.run(args, cwd=cwd)


def findings(root: Path) -> str:
    """What check and the build say about the translations (without check's typesetting)."""
    pub = content.load(root)
    return "\n".join(str(d) for d in translation.problems(pub) + staleness.problems(pub))


def snapshot(root: Path) -> dict:
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("fmt", ["xliff2", "xliff1", "po"])
def test_export_all_then_import_unchanged_leaves_every_byte(real, tmp_path, fmt):
    before = snapshot(real)
    out = tmp_path / f"all.{'po' if fmt == 'po' else 'xlf'}"
    run = cli("translation", "export", "--all", "--format", fmt, "--content", real, "-o", out)
    assert run.returncode == 0, run.stderr
    store = {"xliff2": xliff2.Xliff2File, "xliff1": xliff.xlifffile,
             "po": factory.getclass(str(out))}[fmt].parsefile(str(out))
    units = [u for u in store.units if not u.isheader()]
    assert len(units) > 200
    assert all(u.source.strip() and u.target.strip() for u in units)      # all translated
    assert any("s5" in u.getid() for u in units)
    back = cli("translation", "import", out, "--content", real)
    assert back.returncode == 0, back.stderr
    assert "0 files changed" in back.stdout
    assert snapshot(real) == before


def test_xliff2_units_hold_placeholders_notes_and_the_current_english(real, tmp_path):
    out = tmp_path / "all.xlf"
    assert cli("translation", "export", "--all", "--content", real, "-o", out).returncode == 0
    store = xliff2.Xliff2File.parsefile(str(out))
    assert store.sourcelanguage == "pl" and store.gettargetlanguage() == "en"
    title = next(u for u in store.units if u.source == "Sieć Cyfrowa")
    assert title.getid() == "s1"
    assert title.target == "Digital City Network"
    tree = etree.parse(str(out))
    # XLIFF 2 puts <notes> in the <unit> (translate-toolkit's reader looks in <segment>)
    unit = tree.find(f".//{X2}unit[@name='03-siec-cyfrowa.md#s1']")
    notes = {n.get("category"): n.text for n in unit.iter(f"{X2}note")}
    assert notes["location"] == "content/pl/03-siec-cyfrowa.md:2"
    assert "heading" in notes["where"] and notes["length"] == "at most about 70 characters"
    # the AIM item: bold around its name, the English adds an italic of its own
    item = next(u for u in tree.iter(f"{X2}unit")
                if "Architektura Informacyjna Miasta (AIM)" in "".join(u.itertext()))
    source = item.find(f"{X2}segment/{X2}source")
    assert source[0].tag == f"{X2}pc" and source[0].text == "Architektura Informacyjna Miasta (AIM)"
    data = {d.get("id"): d.text for d in item.iter(f"{X2}data")}
    assert data[source[0].get("dataRefStart")] == "**"
    target = item.find(f"{X2}segment/{X2}target")
    assert [pc.get("id") for pc in target.iter(f"{X2}pc")] == ["1", "x1"]
    # a data text and a label field
    cities = next(u for u in store.units if u.source.startswith("Zielone Serce Miasta"))
    assert cities.target == "Green Heart of the City"
    label = next(u for u in tree.iter(f"{X2}unit") if u.get("name") == "labels.yaml#cities.one")
    assert label.find(f".//{X2}source/{X2}ph").get("disp") == "{n}"


def test_one_changed_polish_paragraph_is_the_one_stale_unit(real, tmp_path):
    edit(real / "pl" / "03-siec-cyfrowa.md", "w obszarze szeroko", "w obszarze bardzo szeroko")
    stale = [ln for ln in findings(real).splitlines() if "stale translation" in ln]
    assert stale == [
        'content/en/03-siec-cyfrowa.md:17: warning: stale translation: '
        'content/pl/03-siec-cyfrowa.md:17 changed since this text was reviewed: was "…Cyfrowej '
        'mieści się w obszarze szeroko rozumianej cyfryzacji sfery publicznej.…", now "…Cyfrowej '
        'mieści się w obszarze bardzo szeroko rozumianej cyfryzacji sfery publicznej.…"; update '
        f'it, then run: {invocation.command()} reviewed {real.resolve()}/en/03-siec-cyfrowa.md']
    out = tmp_path / "stale.xlf"
    assert cli("translation", "export", "--content", real, "-o", out).returncode == 0
    units = xliff2.Xliff2File.parsefile(str(out)).units
    assert [u.getid() for u in units] == ["s5"]
    assert "bardzo szeroko" in units[0].source and units[0].isfuzzy()
    state = etree.parse(str(out)).find(f".//{X2}note[@category='state']").text
    assert "it was: Tematyka MID miast Sieci Cyfrowej mieści się w obszarze szeroko" in state
    po = tmp_path / "stale.po"
    assert cli("translation", "export", "--format", "po", "--content", real, "-o", po).returncode == 0
    entries = polib.pofile(str(po))
    assert len(entries) == 1 and entries[0].msgctxt == "03-siec-cyfrowa.md#s5"
    assert "fuzzy" in entries[0].flags and "w obszarze szeroko" in entries[0].previous_msgid


def test_insertions_keep_the_other_ids_and_a_translation_goes_to_its_place(real, tmp_path):
    polish = real / "pl" / "03-siec-cyfrowa.md"
    edit(polish, "\n### Tematyka MID", "\nNowy akapit o **ważnych** sprawach, zob. "
                                       "[stronę](https://example.org).\n\n### Tematyka MID")
    edit(polish, "w obszarze szeroko", "w szerokim obszarze")
    english = real / "en" / "03-siec-cyfrowa.md"
    before = english.read_text(encoding="utf-8").split("\n")
    out = tmp_path / "todo.xlf"
    assert cli("translation", "export", "--content", real, "-o", out).returncode == 0
    tree = etree.parse(str(out))
    units = {u.get("id"): u for u in tree.iter(f"{X2}unit")}
    assert sorted(units) == ["s15", "s5"]          # the stale one keeps its id; the new: next
    stale, new = units["s5"], units["s15"]
    stale.find(f".//{X2}target").text = stale.find(f".//{X2}target").text.replace(
        "in the broad field", "in the wide field")
    stale.find(f".//{X2}segment").set("state", "translated")
    segment = new.find(f".//{X2}segment")
    target = etree.SubElement(segment, f"{X2}target")
    target.text = "A new paragraph on "
    for ident, words, tail in (("1", "important", " matters, see "), ("2", "the page", ".")):
        source_pc = next(p for p in segment.iter(f"{X2}pc") if p.get("id") == ident)
        pc = etree.SubElement(target, f"{X2}pc", id=ident,
                              dataRefStart=source_pc.get("dataRefStart"),
                              dataRefEnd=source_pc.get("dataRefEnd"))
        pc.text, pc.tail = words, tail
    segment.set("state", "translated")
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    run = cli("translation", "import", out, "--content", real)
    assert run.returncode == 0, run.stderr
    after = english.read_text(encoding="utf-8").split("\n")
    changes = [ln for ln in difflib.ndiff(before, after) if ln[:1] in "+-"]
    new = "A new paragraph on **important** matters, see [the page](https://example.org)."
    assert sorted(changes) == sorted([
        "- " + before[16], "+ " + before[16].replace("in the broad field", "in the wide field"),
        "+ ", "+ " + new])
    new_at = after.index(new)
    assert after[new_at + 2].startswith("### ")          # before the heading, as in Polish
    assert "stale translation" not in findings(real) and "not translated" not in findings(real)


def test_a_data_text_is_written_at_its_line_with_the_comments_kept(real, tmp_path):
    cities = real / "data" / "cities.yaml"
    edit(cities, 'pl: "Zielone Serce Miasta"', 'pl: "Zielone Serce Lublina"')
    assert any(ln.startswith("content/data/cities.yaml:") and "stale translation" in ln
               and 'now "Zielone Serce Lublina"' in ln for ln in findings(real).splitlines())
    out = tmp_path / "data.po"
    assert cli("translation", "export", "--format", "po", "--content", real, "-o", out).returncode == 0
    catalog = polib.pofile(str(out))
    assert [e.msgctxt for e in catalog] == ["data/cities.yaml#Lublin.mid"]
    catalog[0].msgstr = "Green Heart of Lublin"
    catalog[0].flags.remove("fuzzy")
    catalog.save(str(out))
    before = cities.read_text(encoding="utf-8").split("\n")
    assert cli("translation", "import", out, "--content", real).returncode == 0
    after = cities.read_text(encoding="utf-8").split("\n")
    assert [(a, b) for a, b in zip(before, after) if a != b] == [
        ('    en: "Green Heart of the City"', '    en: "Green Heart of Lublin"')]
    assert "stale translation" not in findings(real)


GOOD = 'A new paragraph, see <pc id="1" dataRefStart="d1" dataRefEnd="d2">the page</pc>.'


@pytest.mark.parametrize("damage, message", [
    (lambda t: t.replace(GOOD, "A new paragraph, see the page."),
     "placeholders missing: 1 (link https://example.org)"),
    (lambda t: t.replace(GOOD, GOOD.replace("the page", "the <ph id=\"7\"/>page")),
     "placeholder 7 is not in the source"),
    (lambda t: t.replace('trgLang="en"', 'trgLang="de"'), 'translates into "de"'),
    (lambda t: t.replace('<unit id="s15"', '<unit id="s99"'), 'unknown unit "s99"'),
    (lambda t: t.replace("Nowy akapit", "Inny akapit"), "its Polish text changed"),
    (lambda t: t.replace("</xliff>", ""), "not well-formed XML"),
])
def test_a_bad_file_is_refused_with_its_line_and_nothing_is_written(real, tmp_path, damage,
                                                                    message):
    edit(real / "pl" / "03-siec-cyfrowa.md", "\n### Tematyka MID",
         "\nNowy akapit, zob. [stronę](https://example.org).\n\n### Tematyka MID")
    out = tmp_path / "todo.xlf"
    assert cli("translation", "export", "--content", real, "-o", out).returncode == 0
    text = out.read_text(encoding="utf-8")
    text = text.replace("</source>\n      </segment>",
                        f"</source>\n        <target>{GOOD}</target>\n      </segment>")
    text = text.replace('state="initial"', 'state="translated"')
    assert GOOD in text
    out.write_text(text, encoding="utf-8")
    assert cli("translation", "import", out, "--content", tmp_path / "unused").returncode == 2
    out.write_text(damage(text), encoding="utf-8")
    before = snapshot(real)
    run = cli("translation", "import", out, "--content", real)
    assert run.returncode == 2, run.stdout + run.stderr
    first = run.stderr.splitlines()[0]
    assert first.startswith(f"{out}:") and ": error: " in first and message in first, run.stderr
    assert int(first.split(":")[1]) >= 1
    assert "nothing was written" in run.stderr
    assert snapshot(real) == before


def test_a_broken_po_placeholder_is_refused(real, tmp_path):
    edit(real / "pl" / "03-siec-cyfrowa.md", "**Modele procesów**", "**Modele procesów IT**")
    out = tmp_path / "x.po"
    assert cli("translation", "export", "--format", "po", "--content", real, "-o", out).returncode == 0
    catalog = polib.pofile(str(out))
    assert catalog[0].msgid.startswith("<1>Modele procesów IT</1>")
    catalog[0].msgstr = catalog[0].msgstr.replace("</1>", "", 1)
    catalog[0].flags = []
    catalog.save(str(out))
    run = cli("translation", "import", out, "--content", real)
    assert run.returncode == 2
    assert "<1> is not closed" in run.stderr and f"{out}:" in run.stderr


def test_the_commands_the_warnings_print_work_as_printed(tmp_path):
    """check run in the publication's parent folder: the export and reviewed commands its
    warnings print, pasted there as printed, write the exchange file and mark the text
    reviewed."""
    shutil.copytree(MINI, tmp_path / "content")
    script = [sys.executable, str(PROJECT / "build.py")]
    printed = " ".join(script)           # the command as this run was started

    def run(command):
        return subprocess.run(command, shell=isinstance(command, str), cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)
    assert run(script + ["reviewed", "content/en/01-wstep.md", "content/en/02-siec.md"]
               ).returncode == 0
    edit(tmp_path / "content" / "pl" / "01-wstep.md", "w całej Polsce", "w całym kraju")
    edit(tmp_path / "content" / "pl" / "02-siec.md", "\n[[mid-table]]", "\nNowy akapit.\n\n[[mid-table]]")
    check = run(script + ["check"])
    lines = check.stdout + check.stderr
    stale = next(ln for ln in lines.splitlines() if "stale translation" in ln)
    new = next(ln for ln in lines.splitlines() if "not translated yet" in ln)
    export = new.split("for a translator: ", 1)[1].split("), then run: ")[0]
    assert export == f"{printed} translation export --lang en -o en.xlf"
    exported = run(export)
    assert exported.returncode == 0, exported.stderr
    units = xliff2.Xliff2File.parsefile(str(tmp_path / "en.xlf")).units
    assert sorted(u.source for u in units) == [
        "Nowy akapit.", "Projekt trwał 14 miesięcy i objął miasta w całym kraju."]
    reviewed = stale.split("then run: ", 1)[1]
    assert reviewed == f"{printed} reviewed content/en/01-wstep.md"     # relative to here
    edit(tmp_path / "content" / "en" / "01-wstep.md", "across Poland", "across the country")
    marked = run(reviewed)
    assert marked.returncode == 0, marked.stderr
    again = run(script + ["check"])
    assert "stale translation" not in again.stdout + again.stderr
