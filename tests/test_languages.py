"""Languages are data: a language with Pyphen patterns (and a hunspell dictionary for `check`)
is added in publication.yaml, without code; Polish and English stay the reference."""
import shutil

import pytest
import yaml
from pypdf import PdfReader

from brochure.commands import check
from brochure.commands import cli
from brochure import languages
from brochure.render import typography
from conftest import load_error, normalise, pdf_text

GERMAN = {"code": "de", "tag": "de-DE", "hunspell": "de_DE", "quotes": "„“"}


def _with_german(node):
    """Every {pl, en} text also in German (the English text stands in for it)."""
    if isinstance(node, dict):
        node = {key: _with_german(value) for key, value in node.items()}
        if {"pl", "en"} <= set(node) and isinstance(node["en"], str):
            node["de"] = node["en"]
        return node
    if isinstance(node, list):
        return [_with_german(item) for item in node]
    return node


def add_german(root, spec=GERMAN):
    for path in [root / "publication.yaml"] + sorted((root / "data").glob("*.yaml")):
        data = _with_german(yaml.safe_load(path.read_text(encoding="utf-8")))
        if path.name == "publication.yaml":
            data["languages"] = ["pl", "en", spec]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    labels = yaml.safe_load((root / "labels.yaml").read_text(encoding="utf-8"))
    labels["de"] = labels["en"]
    (root / "labels.yaml").write_text(yaml.safe_dump(labels, allow_unicode=True),
                                      encoding="utf-8")
    shutil.copytree(root / "en", root / "de")     # their source-hash: the same Polish text
    intro = root / "de" / "01-wstep.md"
    intro.write_text(intro.read_text(encoding="utf-8")
                     + '\nDas "Projekt" begann im Februar 2022.\n', encoding="utf-8")


def test_a_third_language_builds_without_code(tree, tmp_path):
    add_german(tree)
    out = tmp_path / "out"
    code = cli.main(["--content", str(tree), "--output", str(out), "--lang", "de", "--quiet"])
    assert code == 0
    pdf = out / "pim-de.pdf"
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "de-DE"
    text = normalise(pdf_text(pdf))
    assert "Das „Projekt“ begann im Februar 2022." in text, text[-400:]
    html = (out / "html" / "pim-de.html").read_text(encoding="utf-8")
    assert '<html lang="de-DE"' in html
    assert (out / "a5" / "pim-de-a5.pdf").is_file() and (out / "print" / "pim-de-print.pdf").is_file()


def test_the_general_typography_of_a_listed_language():
    languages.define(GERMAN)
    text = typography.smarten('Das "Haus" ... 5 Häuser, März 2022, 2021-2023', "de")
    assert text == "Das „Haus“ … 5\u00a0Häuser, März\u00a02022, 2021–\u20602023"
    assert typography.smarten('"x"', "pl") == "„x”" and typography.smarten('"x"', "en") == "“x”"


def test_check_names_a_missing_dictionary_of_a_listed_language(tree):
    add_german(tree, dict(GERMAN, hunspell="zz_ZZ"))
    if shutil.which("hunspell") is None:
        pytest.skip("hunspell is not installed")
    found = [str(d) for d in check.check(tree, layout=False)]
    assert "check: warning: hunspell zz_ZZ dictionary not installed; spelling of de skipped" \
        in found, found


@pytest.mark.parametrize("spec, message", [
    ("de", 'language "de" needs its details'),
    ({"code": "de", "tag": "de-DE", "quotes": "„“"}, 'language "de" needs "hunspell"'),
    (dict(GERMAN, html_lang="tlh"), 'Pyphen has no hyphenation patterns for "tlh"'),
    (dict(GERMAN, quotes="„"), '"quotes" of language "de" must be the 2 quotation marks'),
    (dict(GERMAN, colour="red"), 'unknown language field "colour"'),
    (dict(GERMAN, code="pl"), "pl is a reference language"),
])
def test_a_language_the_build_cannot_use_is_an_error_at_its_line(tree, spec, message):
    add_german(tree, spec)
    err = load_error(tree)
    assert err.file == "content/publication.yaml" and err.line > 1, err
    assert message in err.message, err.message
