"""Issue 22, class 5: every input is used or a `file:line` error with exit 2. Numbers and dates
in range, label formats checked, control characters refused in YAML strings, look-alike
duplicates found, and every message one printable line of bounded length."""
import datetime as dt
import json

import pytest

from brochure import content
from brochure.commands import cli
from brochure.content import source
from brochure.diagnostics import MAX_MESSAGE, Diagnostic, one_line
from brochure.errors import ContentError
from brochure.render import html as render
from conftest import edit, load_error


def rendered(root) -> str:
    """The HTML of the Polish screen edition of the content at root."""
    pub = content.load(root)
    return render.render(pub, next(e for e in pub.editions if e.id == "pl"))


# --- every message one line -------------------------------------------------------------

def test_a_message_is_one_printable_line_of_bounded_length():
    d = Diagnostic("content/data/cities.yaml", 3, "error",
                   'city "A\nx.md:1: error: forged" \x1b[31mred\u202e ' + "x" * 5000)
    printed = str(d)
    assert "\n" not in printed and "\x1b" not in printed and "\u202e" not in printed
    assert "\\n" in printed and "\\x1b[31m" in printed and "\\u202e" in printed
    assert len(d.message) == MAX_MESSAGE and d.message.endswith("…")
    assert one_line(d.message) == d.message                    # made safe once, stays so
    assert Diagnostic.from_json(d.as_json()) == d
    assert "\n" not in str(Diagnostic("a\nb.md", 1, "error", "x"))


def test_a_newline_in_a_value_cannot_forge_a_diagnostic(tree, tmp_path, capsys):
    """A city named with an escaped newline and an ESC: one error line, nothing injected."""
    edit(tree, "data/cities.yaml", "- name: Gdańsk",
         '- name: "Gdańsk\\ncontent/x.md:1: error: forged \\e[2J"')
    code = cli.main(["--content", str(tree), "--output", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 2 and lines[0].startswith("content/data/cities.yaml:1: error: ")
    assert "\x1b" not in err and "forged" not in err                # refused, not quoted


def test_a_message_that_quotes_an_escape_stays_on_one_line(tree):
    err = ContentError("content/x.md", 1, "bad \x1b[2J value\nsecond line")
    assert "\n" not in str(err) and "\x1b" not in str(err)
    assert "\n" not in str(err.diagnostic)


# --- YAML strings ---------------------------------------------------------------------

@pytest.mark.parametrize("escape, what", [
    ("\\u202e", "U+202E"), ("\\0", "U+0000"), ("\\e", "U+001B"), ("\\x85", "U+0085"),
    ("\\a", "U+0007"), ("\\u2066", "U+2066")])
def test_control_characters_in_yaml_strings_are_refused(tree, escape, what):
    edit(tree, "data/cities.yaml", "- name: Żory", f'- name: "Żo{escape}ry"')
    err = load_error(tree)
    assert (err.file, err.line) == ("content/data/cities.yaml", 6)
    assert what in err.message and "control character" in err.message


def test_a_line_break_inside_a_one_line_value_is_refused(tree):
    edit(tree, "data/networks.yaml", 'name: {pl: "Sieć Zielona"', 'name: {pl: "Sieć\\nZielona"')
    err = load_error(tree)
    assert (err.file, err.line) == ("content/data/networks.yaml", 2)
    assert "line break" in err.message


def test_a_block_of_several_lines_is_a_choice_and_allowed(tree):
    edit(tree, "data/timeline.yaml", '  place: {pl: "online", en: "online"}',
         '  place: {pl: "online", en: "online"}\n  note: |\n    first line\n    second line')
    assert content.load(tree).events[0].note == "first line\nsecond line\n"


@pytest.mark.parametrize("spelling", ['"Gdan\\u0301sk"', '"Gdańsk\\u200b"', '"Gda\\u00adńsk"',
                                      "Gdan\u0301sk", "Gdańsk\u200b"])
def test_look_alike_duplicates_are_found(tree, spelling):
    """The same city in NFD (a Mac's decomposed accents) or with a zero-width space, escaped
    or typed."""
    edit(tree, "data/cities.yaml", "- name: Żory", f"- name: {spelling}")
    err = load_error(tree)
    assert (err.file, err.line) == ("content/data/cities.yaml", 6)
    assert 'city "Gdańsk" is listed twice' in err.message


def test_pasted_invisible_characters_are_normalised_in_yaml_and_markdown(tree):
    edit(tree, "data/cities.yaml", "- name: Żory", "- name: Żo\u00adry")
    edit(tree, "pl/01-wstep.md", "Projekt trwał", "Pro\u200bjekt\u2028trwał")
    pub = content.load(tree)
    assert [c.name for c in pub.cities] == ["Gdańsk", "Żory"]
    assert "Projekt trwał" in pub.sections[0].bodies["pl"]


def test_a_yaml_alias_bomb_is_refused_in_bounded_memory(tree):
    bomb = ['- a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i, name in enumerate("bcdefgh"):
        previous = "abcdefgh"[i]
        bomb.append(f"  {name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    bomb.append("  name: *h")            # 9^8 strings, quoted by the message of "name"
    (tree / "data" / "cities.yaml").write_text("\n".join(bomb) + "\n", encoding="utf-8")
    err = load_error(tree)
    assert err.file == "content/data/cities.yaml" and "aliases" in err.message
    assert len(str(err)) < 300


def test_an_alias_that_contains_itself_is_refused():
    with pytest.raises(ContentError) as info:
        source.parse_yaml("a: &a [1, *a]\n", "x.yaml")
    assert "refers to the value that holds it" in info.value.message


def test_a_few_aliases_are_fine():
    assert source.parse_yaml("a: &a [1, 2]\nb: *a\n", "x.yaml") == {"a": [1, 2], "b": [1, 2]}


# --- numbers and dates in range -------------------------------------------------------

@pytest.mark.parametrize("file, old, new, line, words", [
    ("data/cities.yaml", "lat: 54.35", "lat: 1" + "0" * 400, 3, "400 digits"),
    ("data/cities.yaml", "lat: 54.35", "lat: .nan", 3, "ordinary size"),
    ("data/cities.yaml", "lat: 54.35", "lat: 1" + "0" * 5000, 3, "too many digits"),
    ("data/networks.yaml", "cities_expected: 2", "cities_expected: 100000000000000000000", 7,
     "at most 1,000"),
    ("data/figures.yaml", "value: 30", "value: 10000000000", 1, "at most 999,999,999"),
    ("data/timeline.yaml", "number: 1", "number: 100000", 10, "at most 9,999"),
    ("publication.yaml", "pages: 2}", "pages: 1000}", 9, "at most 100"),
    ("publication.yaml", "date: 2023-08-02", "date: 9999-12-31", 6, "between 1900 and 2099"),
    ("data/timeline.yaml", "start: 2022-05-10", "start: 1021-05-10", 6, "between 1900"),
    ("data/timeline.yaml", "end: 2022-05-12", "end: 9999-12-31", 7, "between 1900 and 2099"),
    ("data/networks.yaml", "cmyk: [80, 10, 100, 20]", "cmyk: [true, 10, 100, 20]", 5,
     "four percentages"),
])
def test_numbers_and_dates_out_of_range_are_errors_at_their_line(tree, file, old, new, line,
                                                                words):
    edit(tree, file, old, new)
    err = load_error(tree)
    assert (err.file, err.line) == (f"content/{file}", line), err
    assert words in err.message, err


def test_a_timeline_spanning_centuries_is_refused_at_the_odd_event(tree):
    edit(tree, "data/timeline.yaml", "start: 2022-05-10\n  end: 2022-05-12",
         "start: 2099-05-10\n  end: 2099-05-12")
    err = load_error(tree)
    assert (err.file, err.line) == ("content/data/timeline.yaml", 6)
    assert "the meetings span 928 months" in err.message and "at most 60" in err.message


def test_a_long_city_name_is_refused_at_its_line(tree):
    edit(tree, "data/cities.yaml", "- name: Żory", "- name: " + "Żory " * 20)
    err = load_error(tree)
    assert (err.file, err.line) == ("content/data/cities.yaml", 6)
    assert "at most" not in err.message or "60" in err.message


def test_an_overlong_word_in_the_data_is_refused(tree):
    edit(tree, "data/cities.yaml", "Zazielenianie małych", "Zazielenianie" + "x" * 300)
    err = load_error(tree)
    assert (err.file, err.line) == ("content/data/cities.yaml", 5)
    assert "313 characters long" in err.message and "at most 200" in err.message


def test_a_long_url_in_the_data_is_not_a_word(tree):
    edit(tree, "data/cities.yaml", "  mid: {pl: \"Zazielenianie",
         '  source: {id: X, url: "https://example.com/' + "a/" * 200 + '", '
         'confidence: confirmed}\n  mid: {pl: "Zazielenianie')
    assert content.load(tree).cities[0].evidence.url.startswith("https://example.com/a/a/")


# --- labels ---------------------------------------------------------------------------

@pytest.mark.parametrize("old, new", [
    ('count_of: "{shown} z {n}"', 'count_of: "{shown} z {n"'),
    ('count_of: "{shown} z {n}"', 'count_of: "{shown} z {n:>999999999}"'),
    ('count_of: "{shown} z {n}"', 'count_of: "{shown.__class__} z {n}"'),
    ('count_of: "{shown} z {n}"', 'count_of: "{shown} z {x}"'),
    ("cities_pending: pozostałe miasta (%d)", "cities_pending: pozostałe miasta (%d%)"),
    ("cities_pending: pozostałe miasta (%d)", "cities_pending: pozostałe miasta (%s, %d)"),
    ("cities_pending: pozostałe miasta (%d)", "cities_pending: pozostałe miasta"),
    ('cities: {one: "{n} miasto"', 'cities: {one: "{n:09999999}"'),
    ('cities: {one: "{n} miasto"', "cities: {one: 5"),
])
def test_label_formats_are_checked_at_their_line(tree, old, new):
    edit(tree, "labels.yaml", old, new)
    err = load_error(tree)
    assert err.file == "content/labels.yaml" and err.line > 1, err
    assert f'"{new.split(":")[0]}" (pl)' in err.message, err


def test_braces_and_percent_signs_print_as_written(tree):
    edit(tree, "labels.yaml", 'count_of: "{shown} z {n}"', 'count_of: "{shown} z {n} {{ok}}"')
    edit(tree, "labels.yaml", "cities_pending: pozostałe miasta (%d)",
         "cities_pending: 100%% miast (%d)")
    edit(tree, "labels.yaml", "city: Miasto", "city: Miasto {x} 50%")
    html = rendered(tree)
    assert "Miasto {x} 50%" in html


def test_an_overlong_label_is_refused(tree):
    edit(tree, "labels.yaml", "contents: W tej publikacji", "contents: " + "słowo " * 50)
    err = load_error(tree)
    assert err.file == "content/labels.yaml" and "at most 200" in err.message


def test_dates_at_the_ends_of_the_range_are_printed(tree):
    edit(tree, "pl/02-siec.md", "[[mid-table]]", "[[mid-table]]\n\n[[timeline]]")
    edit(tree, "data/timeline.yaml", "start: 2022-02-09", "start: 2099-12-31")
    edit(tree, "data/timeline.yaml", "start: 2022-05-10\n  end: 2022-05-12",
         "start: 2099-12-30\n  end: 2099-12-31")
    assert content.load(tree).events[-1].start == dt.date(2099, 12, 31)
    assert "31.12.2099" in rendered(tree)


def test_the_json_form_is_one_object_a_line_whatever_the_message(tree, tmp_path, capsys):
    edit(tree, "data/cities.yaml", "- name: Żory", '- name: "Żory\\e]0;title\\a"')
    code = cli.main(["--content", str(tree), "--output", str(tmp_path / "out"), "--json"])
    out = capsys.readouterr().out.splitlines()
    assert code == 2 and all(json.loads(line) for line in out)
    assert "\x1b" not in "".join(out)
