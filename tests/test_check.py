"""python build.py check: every finding names file and line; errors give exit 2, never a crash."""
import dataclasses
import shutil
from pathlib import Path

import pytest

from conftest import edit

from brochure.commands import check, reviewed
from brochure import languages
from brochure.commands.check import balance_problems, line_problems
from brochure.diagnostics import INFO, Diagnostic

MINI = Path(__file__).parent / "fixtures" / "mini"
REAL = Path(__file__).resolve().parent.parent / "content"
PPP_MISSING = ('content/data/networks.yaml:8: warning: network "ppp" lists 0 of 3 cities; '
               'add the missing cities to content/data/cities.yaml (until then its section '
               'names them in a sentence, without a MID table or a map of their own)')

needs_hunspell = pytest.mark.skipif(shutil.which("hunspell") is None,
                                    reason="hunspell is not installed")


class FakeProgress:
    """Records what cli.Progress would print: the diagnostics (errors and warnings as their
    printed lines), the layout figures (info diagnostics) and the plain lines."""

    def __init__(self):
        self.infos, self.warnings, self.figures = [], [], []

    def info(self, text):
        self.infos.append(text)

    def warn(self, text):
        self.warnings.append(text)

    def detail(self, text):
        self.infos.append(text)

    def report(self, diagnostic):
        assert isinstance(diagnostic, Diagnostic), diagnostic
        (self.figures if diagnostic.level == INFO else self.warnings).append(str(diagnostic))


@pytest.fixture
def tree(tmp_path):
    """The mini fixture, its English files marked as reviewed (a record in en/.reviewed/: the
    English files keep their lines), with a word list."""
    root = tmp_path / "content"
    shutil.copytree(MINI, root)
    reviewed.mark_reviewed(root, sorted((root / "en").glob("*.md")), FakeProgress())
    (root / "wordlist.txt").write_text("# test words\nPPP\nLublin  # a city\n", encoding="utf-8")
    return root


def run(root):
    """check without its layout pass (tests/test_layout.py covers that): spelling, typography,
    translations, data."""
    progress = FakeProgress()
    code = check.run(root, progress, layout=False)
    return code, progress.warnings, progress.infos


def finding(warnings, prefix):
    """The one finding starting with `prefix`."""
    found = [w for w in warnings if w.startswith(prefix)]
    assert len(found) == 1, (prefix, warnings)
    return found[0]


def suggestions(line):
    return line.split("; did you mean: ", 1)[1].rstrip("?").split(", ")


# --- the whole check on the fixture ---------------------------------------------------------

@needs_hunspell
def test_clean_fixture_gives_only_the_missing_data_warning(tree):
    code, warnings, infos = run(tree)
    assert code == 0
    assert warnings == [PPP_MISSING]
    assert infos == ["check: 0 errors, 1 warnings"]


@needs_hunspell
def test_misspelt_polish_word_in_markdown_at_its_line(tree):
    edit(tree, "pl/01-wstep.md", "objął miasta", "objął miastt")
    edit(tree, "pl/01-wstep.md", "[[key-figures]]",
         '[[key-figures]]\n\n!!! note "Tytuł ramki"\n    Zobacz https://example.com/miastt i inne miastt.')
    code, warnings, _ = run(tree)
    assert code == 0
    first = finding(warnings, 'content/pl/01-wstep.md:5: warning: unknown word "miastt" (pl); '
                              'did you mean: ')
    assert "miast" in suggestions(first)
    finding(warnings, 'content/pl/01-wstep.md:10: warning: unknown word "miastt" (pl)')
    assert not [w for w in warnings if "example" in w and "unknown word" in w]   # the URL is not checked


@needs_hunspell
def test_misspelt_polish_word_in_a_box_title(tree):
    edit(tree, "pl/02-siec.md", "[[mid-table]]", '[[mid-table]]\n\n!!! note "Rekomendacjje"\n    Tekst.')
    _, warnings, _ = run(tree)
    finding(warnings, 'content/pl/02-siec.md:10: warning: unknown word "Rekomendacjje" (pl)')


@needs_hunspell
def test_misspelt_english_word_in_yaml_at_its_line(tree):
    edit(tree, "data/cities.yaml",
         '  mid: {pl: "Zielona transformacja osiedla", en: "Green transformation of an estate"}',
         '  mid:\n    pl: "Zielona transformacja osiedla"\n    en: "Green transformaton of an estate"')
    edit(tree, "data/cities.yaml", 'en: "Greening small spaces"', 'en: "Greening smal spaces"')
    code, warnings, _ = run(tree)
    assert code == 0
    line = finding(warnings, 'content/data/cities.yaml:12: warning: unknown word "transformaton" '
                             '(en); did you mean: ')
    assert "transformation" in suggestions(line)
    line = finding(warnings, 'content/data/cities.yaml:5: warning: unknown word "smal" (en)')
    assert "small" in suggestions(line)


@needs_hunspell
def test_wordlist_words_are_accepted_in_any_language(tree):
    (tree / "wordlist.txt").write_text("PPP\n", encoding="utf-8")
    edit(tree, "en/01-wstep.md", "involved cities", "involved Miastt cities")
    edit(tree, "pl/01-wstep.md", "objął miasta", "objął MIASTT")
    _, warnings, _ = run(tree)
    finding(warnings, 'content/en/01-wstep.md:5: warning: unknown word "Miastt" (en)')
    finding(warnings, 'content/pl/01-wstep.md:5: warning: unknown word "MIASTT" (pl)')
    (tree / "wordlist.txt").write_text("PPP\nmiastt\n", encoding="utf-8")
    code, warnings, _ = run(tree)
    assert code == 0
    assert [w for w in warnings if "unknown word" in w] == []


@needs_hunspell
def test_place_names_of_the_data_are_known_words(tree):
    """City names (candidates too) and timeline places need no word-list entry."""
    (tree / "wordlist.txt").write_text("PPP\n", encoding="utf-8")
    edit(tree, "en/02-siec.md", "worked on", "worked in Lublin, Żory, Pieszyce and Koszalin on")
    _, warnings, _ = run(tree)
    unknown = [w for w in warnings if "unknown word" in w]
    assert [w.split('"')[1] for w in unknown] == ["Pieszyce", "Koszalin"], unknown
    with open(tree / "data/cities.yaml", "a", encoding="utf-8") as cities:
        cities.write('- name: Pieszyce\n  network: ppp\n  mid: unknown\n'
                     '  source: {id: PIESZ, confidence: confirmed}\n'
                     '- name: Koszalin\n  network: ppp\n  status: candidate\n'
                     '  source: {id: PIESZ, confidence: inferred}\n')
    _, warnings, _ = run(tree)
    assert [w for w in warnings if "unknown word" in w] == []


@needs_hunspell
def test_wordlist_entry_with_capitals_matches_exactly(tree):
    edit(tree, "en/02-siec.md", "worked on", "worked in LUBLIN on")
    _, warnings, _ = run(tree)
    finding(warnings, 'content/en/02-siec.md:6: warning: unknown word "LUBLIN" (en)')


def test_missing_hunspell_dictionary_is_said_once(tree, monkeypatch):
    if shutil.which("hunspell") is None:
        pytest.skip("hunspell is not installed")
    monkeypatch.setitem(languages._defined, "pl",
                        dataclasses.replace(languages.REFERENCE["pl"], hunspell="xx_XX"))
    code, warnings, _ = run(tree)
    assert code == 0
    assert warnings == [PPP_MISSING, "check: warning: hunspell xx_XX dictionary not installed; "
                                     "spelling of pl skipped"]


def test_missing_hunspell_is_said_once(tree, monkeypatch):
    monkeypatch.setattr(check.shutil, "which", lambda name: None)
    code, warnings, infos = run(tree)
    assert code == 0
    assert warnings == [PPP_MISSING, "check: warning: hunspell not installed; spelling skipped"]
    assert infos == ["check: 0 errors, 2 warnings"]


# --- typography on the fixture --------------------------------------------------------------

def test_double_space_in_markdown(tree):
    edit(tree, "pl/02-siec.md", "Miasta sieci", "Miasta  sieci")
    _, warnings, _ = run(tree)
    assert 'content/pl/02-siec.md:6: warning: double space in "Miasta  sieci"' in warnings


def test_space_before_a_comma_in_yaml(tree):
    edit(tree, "publication.yaml", '"miasta, sieci"', '"miasta , sieci"')
    code, warnings, _ = run(tree)
    assert code == 0
    assert 'content/publication.yaml:5: warning: space before "," in "miasta ,"' in warnings


def test_unclosed_parenthesis_in_english_markdown(tree):
    edit(tree, "en/02-siec.md", "worked on", "(mostly worked on")
    _, warnings, _ = run(tree)
    assert 'content/en/02-siec.md:6: warning: "(" is never closed' in warnings


def test_hyphen_left_in_a_range(tree):
    edit(tree, "pl/01-wstep.md", "14 miesięcy", "14 miesięcy (2021 -2023)")
    _, warnings, _ = run(tree)
    assert ('content/pl/01-wstep.md:5: warning: hyphen in the range "2021 -2023"; write an en '
            'dash (–) or put spaces on both sides of the hyphen') in warnings


# --- translations, data, schema ---------------------------------------------------------------

def test_stale_translation(tree):
    edit(tree, "pl/01-wstep.md", "w całej Polsce", "w całym kraju")
    code, warnings, _ = run(tree)
    assert code == 0
    # per paragraph (brochure/translate/): the English paragraph's line, the Polish one's
    assert finding(warnings, "content/en/01-wstep.md:5: warning: stale translation: "
                             "content/pl/01-wstep.md:5 changed since this text was reviewed: "
                             'was "…miesięcy i objął miasta w całej Polsce.", now "…miesięcy i objął miasta w całym '
                             'kraju."')


def test_missing_english_file_is_an_error(tree):
    (tree / "en" / "02-siec.md").unlink()
    code, warnings, infos = run(tree)
    assert code == 2
    assert warnings == ['content/publication.yaml:10: error: section "02-siec" has no en text: '
                        'content/en/02-siec.md does not exist; create it or fix the name '
                        '(translation missing)']
    assert infos == ["check: 1 errors, 0 warnings"]


def test_schema_error_is_reported_not_raised(tree):
    edit(tree, "data/networks.yaml", "shape: circle", "shape: hexagon")
    code, warnings, _ = run(tree)
    assert code == 2
    assert warnings == ['content/data/networks.yaml:6: error: network has shape "hexagon"; '
                        'expected one of: circle, square, triangle, diamond, frame, bar']


def test_yaml_syntax_error_is_reported_not_raised(tree):
    edit(tree, "data/figures.yaml", 'label: {pl: "sieci"', 'label: {pl: "sieci"}}')
    code, warnings, _ = run(tree)
    assert code == 2
    assert len(warnings) == 1 and warnings[0].startswith("content/data/figures.yaml:4: error: ")


def test_missing_data_warning_for_the_ppp_network(tree):
    _, warnings, _ = run(tree)
    assert PPP_MISSING in warnings


# --- the rules, one by one ------------------------------------------------------------------

@pytest.mark.parametrize("text, lang, problem", [
    ("dwa  słowa", "pl", 'double space in "dwa  słowa"'),
    ("miasta , wsi", "pl", 'space before "," in "miasta ,"'),
    ("tak !", "pl", 'space before "!" in "tak !"'),
    ("na końcu .", "pl", 'space before "." in "końcu ."'),
    ("(np. prądu )", "pl", 'space before ")" in "prądu )"'),
    ("lata 2021 -2023", "pl", 'hyphen in the range "2021 -2023"'),
    ("w dniach 10- 12 maja", "pl", 'hyphen in the range "10- 12"'),
    ("styczeń-marzec", "pl", 'hyphen in the range "styczeń-marzec"'),
    ("luty 2022-marzec 2023", "pl", 'hyphen in the range "luty 2022-marzec"'),
    ("February-March", "en", 'hyphen in the range "February-March"'),
])
def test_line_rules_find(text, lang, problem):
    assert [p.split(";")[0] for p in line_problems(text, lang)] == [problem]


@pytest.mark.parametrize("text, lang", [
    ("ok. 2 tys. mieszkańców", "pl"),
    ("i tak dalej ...", "pl"),                          # space before an ellipsis
    ("lata 2021 - 2023", "pl"),                         # the build makes it an en dash
    ("lata 2021-2023", "pl"),
    ("w dniach 31.05-3.06.2022", "pl"),
    ("w dniu 2022-05-10", "pl"),                        # an ISO date, not a range
    ("COVID-19 i WUF11", "pl"),
    ("luty - marzec", "pl"),
    ("krótko-, średnio- i długoterminowy", "pl"),
    ("publiczno-prywatnym", "pl"),
    ("PPP – jako formuła", "pl"),
    ("    wcięcie na początku i spacje na końcu  ", "pl"),
    ("February 2022 – March 2023", "en"),
    ("from the Polish *Architektura*", "en"),
])
def test_line_rules_leave_correct_text_alone(text, lang):
    assert line_problems(text, lang) == []


@pytest.mark.parametrize("lines, problems", [
    (["(otwarty", "i zamknięty)"], []),
    (["dotyczyły: i) a, ii) b, iii) c"], []),           # enumeration labels
    (["(2021–2023)"], []),
    (["(February 2022 – March 2023)"], []),
    (['„cytat” i "drugi"'], []),
    (["(a", "b"], [(0, '"(" is never closed')]),
    (["a", "b))"], [(1, '")" closes nothing')]),
    (['a "b', "c"], [(0, 'odd number of straight quotes (") in the paragraph')]),
    (["„cytat"], [(0, '"„" is never closed')]),
])
def test_balance(lines, problems):
    assert balance_problems(lines) == problems


def test_markdown_is_stripped_but_keeps_its_lines():
    body = ("Tekst **gruby**.\n\n[[map]]\n\n### Nagłówek\n\n- punkt listy\n"
            '!!! note "Tytuł"\n    treść ramki [link](https://x.pl) `kod`')
    blocks = check.paragraphs("f.md", "pl", body, 5)
    assert [(b.line, b.lines) for b in blocks] == [
        (5, ["Tekst gruby."]), (9, ["Nagłówek"]), (11, ["punkt listy"]),
        (12, ["Tytuł"]), (13, ["treść ramki link §"])]


def test_autolinks_and_soft_wraps_in_the_lint():
    blocks = check.paragraphs("f.md", "en", "See <https://x.pl/a> and\n`code` *here*", 1)
    assert [(b.line, b.lines) for b in blocks] == [(1, ["See § and", "§ here"])]


# --- the real content -------------------------------------------------------------------------

@needs_hunspell
def test_real_content_passes_without_spelling_or_typography_warnings():
    code, warnings, _ = run(REAL)
    assert code == 0, warnings
    assert [w for w in warnings if "unknown word" in w] == []
    lint = ("double space", "space before", "hyphen in the range", "never closed",
            "closes nothing", "straight quotes")
    assert [w for w in warnings if any(rule in w for rule in lint)] == []
