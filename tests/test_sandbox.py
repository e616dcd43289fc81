"""Issue 22, class 2: nothing outside the publication is read or written by any command. Every
file a command opens or writes goes through one sandbox (content/source.py `inside`): a
regular file inside the content folder, symbolic links resolved; `reviewed` writes a
translation's own file only, never through a link, never a source text."""
import os
import shutil

import pytest

from brochure import content
from brochure.commands import cli
from brochure.errors import ContentError
from brochure.render import html as render
from conftest import edit, load_error


def run(argv, capsys):
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.err.strip().splitlines()


def one_error(code, lines, start):
    assert code == 2, lines
    assert len(lines) == 1 and lines[0].startswith(start), lines
    assert "internal error" not in lines[0] and "Traceback" not in lines[0]
    return lines[0]


# --- reviewed ---------------------------------------------------------------------------

def test_reviewed_records_a_translation_of_the_folder(tree, capsys):
    code, _ = run(["reviewed", tree / "en" / "01-wstep.md"], capsys)
    assert code == 0
    assert (tree / "en" / ".reviewed" / "01-wstep.md.yaml").is_file() or \
        any((tree / "en" / ".reviewed").iterdir())


def test_reviewed_does_not_stamp_a_file_outside_the_content_folder(tree, tmp_path, capsys):
    outside = tmp_path / "notes.md"
    outside.write_text("---\ntitle: x\n---\ntext\n", encoding="utf-8")
    before = outside.read_bytes()
    code, lines = run(["reviewed", "--content", tree, outside], capsys)
    one_error(code, lines, f"{outside}:1: error: not a translated text of content/")
    assert outside.read_bytes() == before


def test_reviewed_does_not_write_through_a_link(tree, tmp_path, capsys):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: secret\n---\nkeep me\n", encoding="utf-8")
    (tree / "en" / "02-siec.md").unlink()
    (tree / "en" / "02-siec.md").symlink_to(secret)
    code, lines = run(["reviewed", tree / "en" / "02-siec.md"], capsys)
    one_error(code, lines, "content/en/02-siec.md:1: error: the file is a link")
    assert secret.read_text(encoding="utf-8") == "---\ntitle: secret\n---\nkeep me\n"


def test_reviewed_does_not_write_through_a_link_to_the_source_text(tree, capsys):
    polish = (tree / "pl" / "02-siec.md").read_bytes()
    (tree / "en" / "02-siec.md").unlink()
    (tree / "en" / "02-siec.md").symlink_to(tree / "pl" / "02-siec.md")
    code, lines = run(["reviewed", tree / "en" / "02-siec.md"], capsys)
    one_error(code, lines, "content/en/02-siec.md:1: error: the file is a link")
    assert (tree / "pl" / "02-siec.md").read_bytes() == polish


def test_reviewed_refuses_a_language_folder_that_is_a_link(tree, capsys):
    polish = (tree / "pl" / "01-wstep.md").read_bytes()
    shutil.rmtree(tree / "en")
    (tree / "en").symlink_to("pl")
    code, lines = run(["reviewed", tree / "en" / "01-wstep.md"], capsys)
    one_error(code, lines, "content/en/01-wstep.md:1: error: the folder en/ or the file is a "
                           "link")
    assert (tree / "pl" / "01-wstep.md").read_bytes() == polish


def test_reviewed_refuses_to_stamp_a_source_text_against_itself(tree, capsys):
    polish = (tree / "pl" / "01-wstep.md").read_bytes()
    code, lines = run(["reviewed", tree / "pl" / "01-wstep.md"], capsys)
    line = one_error(code, lines, "content/pl/01-wstep.md:1: error: this is a text of the source "
                                  "language (pl)")
    assert "content/en/01-wstep.md" in line
    assert (tree / "pl" / "01-wstep.md").read_bytes() == polish


def test_reviewed_on_a_read_only_file_is_a_clear_error(tree, capsys):
    """A translation with the older source-hash: line (reviewed rewrites it without)."""
    english = tree / "en" / "01-wstep.md"
    english.write_text(english.read_text(encoding="utf-8").replace(
        "layout: summary", "layout: summary\nsource-hash: 0123456789"), encoding="utf-8")
    before = english.read_bytes()
    english.chmod(0o444)
    code, lines = run(["reviewed", english], capsys)
    one_error(code, lines, "content/en/01-wstep.md:1: error: the file is read-only; make it "
                           "writable")
    assert english.read_bytes() == before


def test_reviewed_with_a_read_only_record_is_a_clear_error(tree, capsys):
    english = tree / "en" / "01-wstep.md"
    assert run(["reviewed", english], capsys)[0] == 0
    record = tree / "en" / ".reviewed" / "01-wstep.md.yaml"
    before = record.read_bytes()
    record.chmod(0o444)
    edit(tree, "pl/01-wstep.md", "Projekt trwał", "Projekt PIM trwał")     # a new record
    code, lines = run(["reviewed", english], capsys)
    one_error(code, lines, "content/en/.reviewed/01-wstep.md.yaml:1: error: the file is "
                           "read-only")
    assert record.read_bytes() == before


def test_reviewed_that_cannot_write_is_a_clear_error_and_changes_nothing(tree, capsys,
                                                                         monkeypatch):
    """A folder the user may not write (simulated: the tests may run as root)."""
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(os, "replace", refuse)
    monkeypatch.setattr(os, "rename", refuse)
    code, lines = run(["reviewed", tree / "en" / "01-wstep.md"], capsys)
    one_error(code, lines, "content/en/.reviewed/01-wstep.md.yaml:1: error: cannot write the "
                           "file (Permission denied)")
    assert not (tree / "en" / ".reviewed" / "01-wstep.md.yaml").exists()
    assert [p.name for p in (tree / "en" / ".reviewed").iterdir()] == []     # nothing staged


def test_reviewed_does_not_write_a_record_through_a_link(tree, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tree / "en" / ".reviewed").symlink_to(elsewhere)
    code, lines = run(["reviewed", tree / "en" / "01-wstep.md"], capsys)
    one_error(code, lines, "content/en/.reviewed/01-wstep.md.yaml:1: error: "
                           "content/en/.reviewed is a link")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_reviewed_in_a_folder_without_write_permission(tree, capsys):
    (tree / "en").chmod(0o555)
    try:
        code, lines = run(["reviewed", tree / "en" / "01-wstep.md"], capsys)
    finally:
        (tree / "en").chmod(0o755)
    one_error(code, lines, "content/en/.reviewed/01-wstep.md.yaml:1: error: cannot write the "
                           "file")


# --- the data files ---------------------------------------------------------------------

def test_the_outline_may_not_be_a_link_out_of_the_folder(tree, tmp_path):
    outside = tmp_path / "poland.json"
    shutil.copy(tree / "data" / "poland.json", outside)
    (tree / "data" / "poland.json").unlink()
    (tree / "data" / "poland.json").symlink_to(outside)
    with pytest.raises(ContentError) as info:     # the outline is read where the content loads
        content.load(tree)
    assert info.value.file == "content/data/poland.json"
    assert "outside the content folder" in info.value.message


@pytest.mark.parametrize("text, line, words", [
    ('{"type": "Polygon",\n "coordinates": [[[1, 2], [3, 4]\n}', 3, "not valid JSON"),
    ("[1, 2, 3]", 1, "GeoJSON object"),
    ('{"type": "Point", "coordinates": [19, 52]}', 1, "GeoJSON object"),
    ('{"type": "Polygon", "coordinates": [[[19, 52], [20, "x"], [21, 50]]]}', 1, "at least three"),
    ('{"type": "Polygon", "coordinates": [[[19, 52], [20, NaN], [21, 50]]]}', 1, "at least three"),
    ('{"type": "Polygon", "coordinates": [[[19, 52], [20, 1e999], [21, 50]]]}', 1, "at least three"),
    ('{"type": "Polygon", "coordinates": [[[19, 52]]]}', 1, "at least three"),
    ('{"type": "MultiPolygon", "coordinates": [5]}', 1, "at least three"),
    ('\x00', 1, "control character"),
    ('[' * 100000, 1, "nests too deeply"),
])
def test_a_malformed_outline_is_an_error_at_its_line(tree, text, line, words):
    (tree / "data" / "poland.json").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        content.load(tree)
    assert (info.value.file, info.value.line) == ("content/data/poland.json", line), info.value
    assert words in info.value.message


def test_a_malformed_outline_through_the_command_line(tree, tmp_path, capsys):
    (tree / "data" / "poland.json").write_text("{", encoding="utf-8")
    code, lines = run(["--content", tree, "--output", tmp_path / "out", "--lang", "pl",
                       "--quiet"], capsys)
    assert code == 2 and lines[0].startswith("content/data/poland.json:1: error: the outline "
                                             "is not valid JSON"), lines


def test_a_logo_must_be_a_file_of_the_folder(tree, tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    (tree / "img").mkdir()
    (tree / "img" / "logo.svg").symlink_to(logo)
    with (tree / "publication.yaml").open("a", encoding="utf-8") as handle:
        handle.write('logos:\n  - {file: img/logo.svg, alt: {pl: "Logo", en: "Logo"}}\n')
    err = load_error(tree)
    line = (tree / "publication.yaml").read_text(encoding="utf-8").splitlines().index("logos:") + 2
    assert err.file == "content/publication.yaml" and err.line == line
    assert "outside the content folder" in err.message


# --- new --------------------------------------------------------------------------------

def test_new_under_a_file_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    code, lines = run(["new", tmp_path / "file" / "raport"], capsys)
    one_error(code, lines, f"error: {tmp_path}/file/raport: cannot create the publication there")


def test_images_go_through_the_same_sandbox(tree, tmp_path):
    """A picture that is a link out of the folder: refused at its line, as before."""
    (tree / "pl" / "img").mkdir()
    (tree / "pl" / "img" / "a.png").symlink_to("/etc/hostname")
    edit(tree, "pl/01-wstep.md", "[[key-figures]]", "[[key-figures]]\n\n![Opis](img/a.png)")
    pub = content.load(tree)
    with pytest.raises(ContentError) as info:
        render.render(pub, pub.editions[0])
    assert (info.value.file, info.value.line) == ("content/pl/01-wstep.md", 9)
    assert "is a link to /etc/hostname, outside the content folder" in info.value.message
