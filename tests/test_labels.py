"""content/labels.yaml: every word of the layouts comes from it, and a mistake in it is named
with its file and line."""
import ast
from pathlib import Path

import pytest

from brochure import content
from brochure.render import html as render
from conftest import EDITIONS, edit, load_error

PL = next(e for e in EDITIONS if e.id == "pl")


error_of = load_error


def line_of(root, needle) -> int:
    lines = (root / "labels.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_an_edited_label_is_what_the_layout_prints(tree):
    edit(tree, "labels.yaml", "contents: W tej publikacji", "contents: Spis rzeczy")
    edit(tree, "labels.yaml", 'open_date: "{date} (koniec nieznany)"',
         'open_date: "{date} (koniec nieznany)"')
    html = render.render(content.load(tree), PL)
    assert "Spis rzeczy" in html and "W tej publikacji" not in html


def test_a_missing_label_names_the_language_block(tree):
    edit(tree, "labels.yaml", "  mid: Temat MID\n", "")
    err = error_of(tree)
    assert (err.file, err.line) == ("content/labels.yaml", line_of(tree, "pl:"))
    assert '"mid"' in str(err)


def test_an_unknown_label_is_refused_at_its_line(tree):
    edit(tree, "labels.yaml", "  mid: Temat MID\n", "  mid: Temat MID\n  mdi: Temat\n")
    err = error_of(tree)
    assert (err.file, err.line) == ("content/labels.yaml", line_of(tree, "mdi:"))
    assert 'unknown label "mdi"' in str(err)


def test_a_plural_label_needs_its_forms(tree):
    edit(tree, "labels.yaml", '  cities: {one: "{n} city", other: "{n} cities"}',
         '  cities: "{n} cities"')
    err = error_of(tree)
    assert err.line == line_of(tree, 'cities: "{n} cities"') and "plural" in str(err)


@pytest.mark.parametrize("form", ['""', "~", "5"])
def test_a_plural_form_must_be_a_text(tree, form):
    """An empty or missing form is refused at its line when the content loads, not a crash
    (internal error: AttributeError) when a count falls back to it."""
    edit(tree, "labels.yaml", '  cities: {one: "{n} city", other: "{n} cities"}',
         f'  cities: {{one: "{{n}} city", other: {form}}}')
    err = error_of(tree)
    assert (err.file, err.line) == ("content/labels.yaml", line_of(tree, f"other: {form}}}"))
    assert 'plural form "other" of "cities" (en)' in str(err)


def test_a_language_without_labels_is_refused(tree):
    text = (tree / "labels.yaml").read_text(encoding="utf-8")
    (tree / "labels.yaml").write_text(text[:text.index("\nen:")] + "\n", encoding="utf-8")
    err = error_of(tree)
    assert err.file == "content/labels.yaml" and 'no labels for "en"' in str(err)


def _code_strings() -> str:
    """The string constants of the Python code (not its docstrings) and the templates."""
    out = []
    for path in sorted(Path("brochure").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
                      and node.body and isinstance(node.body[0], ast.Expr)}
        out += [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                and isinstance(node.value, str) and id(node) not in docstrings]
    out += [p.read_text(encoding="utf-8") for p in sorted(Path("brochure/themes/default/templates").rglob("*.html"))]
    return "\n".join(out)


def test_no_interface_word_is_left_in_the_code():
    """The words labels.yaml holds appear nowhere in the code's strings or the templates."""
    labels = content.load(Path("content")).labels
    words = [v for lang in labels.values() for v in lang.values()
             if isinstance(v, str) and len(v) > 8]
    code = _code_strings()
    assert len(words) >= 40 and [w for w in words if w in code] == []
