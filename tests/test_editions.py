"""Editions are data: publication.yaml may list them and name their files; without a list the
standard set for the languages is built, under the publication's name."""
import subprocess
from pathlib import Path
import sys

import pytest

import inprocess

from brochure import content
from brochure.content import editions
from brochure.errors import ContentError
from conftest import EDITIONS, PROJECT, edit


def with_editions(root, block: str):
    edit(root, "publication.yaml", "name: pim\n", "name: pim\n" + block)


def test_the_standard_set_keeps_todays_names():
    assert [(e.id, e.pdf, e.html, e.booklet) for e in EDITIONS] == [
        ("pl", "pim-pl.pdf", "html/pim-pl.html", None),
        ("en", "pim-en.pdf", "html/pim-en.html", None),
        ("pl-en", "pim-pl-en.pdf", "html/pim-pl-en.html", None),
        ("pl-print", "print/pim-pl-print.pdf", None, "print/pim-pl-booklet-a3.pdf"),
        ("en-print", "print/pim-en-print.pdf", None, "print/pim-en-booklet-a3.pdf"),
        ("pl-a5", "a5/pim-pl-a5.pdf", None, "print/pim-pl-booklet-a4.pdf"),
        ("en-a5", "a5/pim-en-a5.pdf", None, "print/pim-en-booklet-a4.pdf")]


def test_the_names_follow_the_publication():
    names = [e.pdf for e in editions.standard("raport", ("pl",))]
    assert names == ["raport-pl.pdf", "print/raport-pl-print.pdf", "a5/raport-pl-a5.pdf"]


def test_a_listed_edition_is_built_alone_under_its_own_name(tree, tmp_path):
    with_editions(tree, "editions:\n  - {id: ekran, languages: [pl], pdf: broszura.pdf}\n")
    out = tmp_path / "out"
    run = inprocess.run(["--content", str(tree), "--output", str(out), "--quiet"])
    assert run.returncode == 0, run.stdout + run.stderr
    pdfs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")
                  if "web" not in p.parts)
    assert pdfs == ["broszura.pdf"]
    assert (out / "html" / "pim-ekran.html").is_file()


@pytest.mark.parametrize("block,key,message", [
    ("editions:\n  - {id: Pl, languages: [pl]}\n", "id", "lower-case"),
    ("editions:\n  - {id: de, languages: [de]}\n", "languages", "some of the publication's"),
    ("editions:\n  - {id: a, pdf: x.pdf}\n  - {id: b, pdf: x.pdf}\n", "id: b", "edition a writes too"),
    ("editions:\n  - {id: a}\n  - {id: b, html: html/pim-a.html}\n", "id: b", "edition a writes too"),
    ("editions:\n  - {id: a}\n  - {id: a, pdf: y.pdf}\n", "pdf: y", "used twice"),
    ("editions:\n  - {id: a, html: web/index.html}\n", "html", "web edition's folder"),
    ("editions:\n  - {id: a, pdf: ../x.pdf}\n", "pdf", "ending in .pdf"),
    ("editions:\n  - {id: a, languages: [pl, en], print: true}\n", "print", "one language"),
    ("editions:\n  - {id: a, colour: red}\n", "colour", "unknown key"),
])
def test_a_wrong_edition_is_named_at_its_line(tree, block, key, message):
    """Two editions writing the same file: the error is at the second (issue 22)."""
    with_editions(tree, block)
    with pytest.raises(ContentError) as info:
        content.load(tree)
    lines = (tree / "publication.yaml").read_text(encoding="utf-8").splitlines()
    needle = key if " " in key else f"{key}:"       # "id: b": the line of that edition
    expected = {i for i, line in enumerate(lines, 1) if needle in line}
    assert info.value.file == "content/publication.yaml" and info.value.line in expected, \
        (str(info.value), expected)
    assert message in str(info.value)


def test_new_scaffolds_a_publication_that_builds_at_once(tmp_path):
    target = tmp_path / "raport"
    made = inprocess.run(["new", str(target)])
    assert made.returncode == 0, made.stdout + made.stderr
    assert f"--content {target}" in made.stdout
    pub = content.load(target)
    assert pub.languages == ["pl", "en"] and [s.file for s in pub.sections] == ["01-wstep"]
    out = tmp_path / "out"
    run = inprocess.run(["--content", str(target), "--output", str(out), "--lang", "pl"])
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 content warnings" in run.stdout            # its translation is marked reviewed
    assert (out / "publication-pl.pdf").is_file() and (out / "a5" / "publication-pl-a5.pdf").is_file()
    again = inprocess.run(["new", str(target)])
    assert again.returncode == 2 and "already exists" in again.stderr


def test_reviewed_follows_the_folder_of_the_file_and_warnings_give_a_working_command(tmp_path):
    target = tmp_path / "raport"
    assert inprocess.run(["new", str(target)]).returncode == 0
    edit(target, "pl/01-wstep.md", "Pierwszy akapit", "Nowy pierwszy akapit")
    check = inprocess.run(["check", "--content", str(target)])
    command = next(line.split("run: ", 1)[1] for line in (check.stdout + check.stderr).splitlines()
                   if "stale translation" in line)
    # the interpreter that has the packages, as the user can type it here: no venv to activate
    python = Path(sys.executable)
    shown = python.relative_to(PROJECT) if python.is_relative_to(PROJECT) else python
    assert command == f"{shown} build.py reviewed {target}/en/01-wstep.md"
    marked = subprocess.run(command, shell=True, cwd=PROJECT,
                            capture_output=True, text=True, timeout=60)   # pasted as printed
    assert marked.returncode == 0, marked.stdout + marked.stderr
    again = inprocess.run(["check", "--content", str(target)])
    assert "stale translation" not in again.stdout + again.stderr
