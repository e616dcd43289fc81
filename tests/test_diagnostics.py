"""One Diagnostic type for the build, `check` and `watch`: printed as `file:line: level:
message`, or as JSON with --json, and read back as objects, never as lines to parse."""
import json

import pytest

from brochure.commands import check
from brochure.commands import cli
from brochure.diagnostics import Diagnostic, count, errors
from conftest import edit


def test_printed_form_names_file_line_and_level():
    assert str(Diagnostic("content/pl/01.md", 3, "warning", "x")) == \
        "content/pl/01.md:3: warning: x"
    assert str(Diagnostic("content/pl/01.md", None, "error", "x")) == "content/pl/01.md: error: x"
    assert str(Diagnostic(None, None, "error", "nothing was written")) == \
        "error: nothing was written"
    with pytest.raises(ValueError):
        Diagnostic("f", 1, "fatal", "x")


def test_json_form_reads_back_as_the_same_diagnostic():
    found = Diagnostic("content/pl/01.md", 3, "warning", 'unknown word "Łódź" ({pl})')
    assert Diagnostic.from_json(found.as_json()) == found
    assert json.loads(found.as_json())["file"] == "content/pl/01.md"


def test_counting_by_level():
    found = [Diagnostic("a", 1, "error", "x"), Diagnostic("a", 2, "warning", "y"),
             Diagnostic("b", None, "error", "z")]
    assert count(found, "error") == 2 and count(found, "warning") == 1
    assert [d.file for d in errors(found)] == ["a", "b"]


def test_check_returns_diagnostics_with_their_files_and_lines(tree):
    edit(tree, "pl/01-wstep.md", "objął miasta", "objął  miasta")      # a double space
    found = check.check(tree, layout=False)
    assert all(isinstance(d, Diagnostic) for d in found)
    double = [d for d in found if d.message.startswith("double space")]
    assert len(double) == 1 and double[0].file == "content/pl/01-wstep.md", found
    assert double[0].line > 1 and double[0].level == "warning"


def test_build_with_json_prints_one_object_a_line(tree, tmp_path, capsys):
    edit(tree, "data/networks.yaml", "cities_expected: 3", "cities_expected: wiele")
    code = cli.main(["--content", str(tree), "--output", str(tmp_path / "out"), "--json"])
    out = capsys.readouterr().out.splitlines()
    assert code == 2
    found = [Diagnostic.from_json(line) for line in out]       # every line is one
    first = found[0]
    assert first.level == "error" and first.file == "content/data/networks.yaml"
    assert first.line and "cities_expected" in first.message
    assert found[-1] == Diagnostic(None, None, "error", f"nothing was written; the files in "
                                                        f"{tmp_path / 'out'}/ are unchanged")
