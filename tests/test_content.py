"""Loading validates the content and names file, line and fix for every kind of mistake."""
import datetime as dt

import pytest

from conftest import edit, load_error

from brochure import content


error_of = load_error


def test_mini_fixture_loads(tree):
    pub = content.load(tree)
    assert [s.file for s in pub.sections] == ["01-wstep", "02-siec"]
    assert [c.name for c in pub.cities] == ["Gdańsk", "Żory"]
    assert pub.events[1].end == dt.date(2022, 5, 12)
    assert pub.figures[1].value == 2          # computed: the number of networks
    assert pub.sections[1].title("en") == "Green City Network"


def test_missing_cities_of_a_network_are_a_warning(tree):
    pub = content.load(tree)
    assert any('network "ppp" lists 0 of 3 cities' in w and "networks.yaml:8" in w
               for w in map(str, pub.warnings)), pub.warnings


def test_yaml_syntax_error(tree):
    edit(tree, "data/cities.yaml", "network: zielona\n  lat: 54.35", "network: [zielona\n  lat: 54.35")
    err = error_of(tree)
    assert err.file == "content/data/cities.yaml" and err.line in (2, 3, 4)
    assert "YAML syntax error" in err.message


def test_tab_indentation(tree):
    edit(tree, "data/cities.yaml", "  network: zielona", "\tnetwork: zielona")
    err = error_of(tree)
    assert (err.file, err.line) == ("content/data/cities.yaml", 2)
    assert "tab" in err.message


def test_missing_required_field(tree):
    edit(tree, "data/cities.yaml", "  network: zielona\n  lat: 54.35", "  lat: 54.35")
    err = error_of(tree)
    assert (err.file, err.line) == ("content/data/cities.yaml", 1)
    assert 'has no "network"' in err.message


def test_wrong_type(tree):
    edit(tree, "data/networks.yaml", "cities_expected: 2", "cities_expected: dwa")
    err = error_of(tree)
    assert (err.file, err.line) == ("content/data/networks.yaml", 7)
    assert "whole number" in err.message


def test_unknown_key(tree):
    edit(tree, "data/cities.yaml", "  lat: 54.35", "  latitude: 54.35")
    err = error_of(tree)
    assert err.line == 3 and 'unknown key "latitude"' in err.message


def test_unknown_network(tree):
    edit(tree, "data/cities.yaml", "network: zielona", "network: zielone")
    err = error_of(tree)
    assert (err.file, err.line) == ("content/data/cities.yaml", 2)
    assert 'network "zielone"' in err.message and "zielona, ppp" in err.message


def test_duplicate_city(tree):
    edit(tree, "data/cities.yaml", "- name: Żory", "- name: Gdańsk")
    err = error_of(tree)
    assert err.line == 6 and "listed twice" in err.message


def test_malformed_date(tree):
    edit(tree, "data/timeline.yaml", "start: 2022-05-10", "start: 10.05.2022")
    err = error_of(tree)
    assert (err.file, err.line) == ("content/data/timeline.yaml", 6)
    assert "YYYY-MM-DD" in err.message


def test_impossible_date(tree):
    edit(tree, "data/timeline.yaml", "end: 2022-05-12", "end: 2022-02-30")
    err = error_of(tree)
    assert err.line == 7


def test_end_before_start(tree):
    edit(tree, "data/timeline.yaml", "end: 2022-05-12", "end: 2022-05-01")
    err = error_of(tree)
    assert err.line == 7 and "before it starts" in err.message


def test_missing_section_file(tree):
    (tree / "pl" / "02-siec.md").unlink()
    err = error_of(tree)
    assert err.file == "content/publication.yaml" and err.line == 10
    assert "content/pl/02-siec.md does not exist" in err.message


def test_unknown_layout(tree):
    edit(tree, "pl/02-siec.md", "layout: network", "layout: netwrok")
    err = error_of(tree)
    assert (err.file, err.line) == ("content/pl/02-siec.md", 3)
    assert "summary, cities, network, timeline" in err.message


def test_missing_translation_in_data(tree):
    edit(tree, "data/cities.yaml", ', en: "Greening small spaces"', "")
    err = error_of(tree)
    assert err.line == 5 and "no en text" in err.message


def test_unclosed_front_matter(tree):
    edit(tree, "pl/01-wstep.md", "layout: summary\n---", "layout: summary")
    err = error_of(tree)
    assert err.file == "content/pl/01-wstep.md" and "not closed" in err.message


def test_empty_file(tree):
    (tree / "data" / "figures.yaml").write_text("", encoding="utf-8")
    err = error_of(tree)
    assert err.file == "content/data/figures.yaml" and "empty" in err.message


def test_not_utf8(tree):
    path = tree / "data" / "cities.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1250"))
    err = error_of(tree)
    assert err.file == "content/data/cities.yaml" and "not UTF-8" in err.message


def test_bom_and_crlf_are_accepted(tree):
    path = tree / "data" / "cities.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    pub = content.load(tree)
    assert pub.cities[0].name == "Gdańsk"


def test_duplicate_key(tree):
    edit(tree, "data/cities.yaml", "  lat: 54.35", "  lat: 54.35\n  lat: 54.0")
    err = error_of(tree)
    assert err.line == 4 and "twice" in err.message


def test_front_matter_line_numbers_count_from_the_file_start(tree):
    edit(tree, "pl/02-siec.md", "network: zielona", "network: [zielona")
    err = error_of(tree)
    assert err.file == "content/pl/02-siec.md" and err.line in (4, 5)


def test_section_with_unknown_network(tree):
    edit(tree, "pl/02-siec.md", "network: zielona", "network: niebieska")
    edit(tree, "en/02-siec.md", "network: zielona", "network: niebieska")
    err = error_of(tree)
    assert (err.file, err.line) == ("content/pl/02-siec.md", 4)
    assert 'network "niebieska"' in err.message


def test_network_layout_without_network(tree):
    edit(tree, "pl/02-siec.md", "network: zielona\n", "")
    edit(tree, "en/02-siec.md", "network: zielona\n", "")
    err = error_of(tree)
    assert err.file == "content/pl/02-siec.md" and "needs a network" in err.message


# --- cities: unknown MID topics, sources, candidates ---------------------------------------

PPP_CITIES = '''- name: Pieszyce
  network: ppp
  lat: 50.71
  lon: 16.58
  mid: unknown
  source: {id: PIESZ, url: "http://pieszyce.pl/", confidence: confirmed}
- name: Poznań
  network: ppp
  status: candidate
  source:
    id: DEVD
    confidence: inferred
    note: "named as a participant; PPP by elimination"
'''


def add_cities(root, text=PPP_CITIES):
    with open(root / "data/cities.yaml", "a", encoding="utf-8") as f:
        f.write(text)


def test_unknown_mid_topic_and_the_source_of_a_city(tree):
    add_cities(tree)
    pub = content.load(tree)
    pieszyce = pub.cities_of("ppp")[0]
    assert pieszyce.name == "Pieszyce" and pieszyce.mid is None
    assert (pieszyce.evidence.id, pieszyce.evidence.confidence) == ("PIESZ", "confirmed")
    assert pieszyce.evidence.url == "http://pieszyce.pl/"
    assert any('cities.yaml:11: warning: city "Pieszyce" has no known MID topic' in w
               for w in map(str, pub.warnings)), pub.warnings


def test_a_city_without_mid_has_an_unknown_topic(tree):
    edit(tree, "data/cities.yaml",
         '  mid: {pl: "Zazielenianie małych przestrzeni", en: "Greening small spaces"}\n', "")
    pub = content.load(tree)
    assert pub.cities[0].mid is None and pub.cities[1].mid is not None


def test_candidates_are_kept_apart_and_reported(tree):
    add_cities(tree)
    pub = content.load(tree)
    assert [c.name for c in pub.cities] == ["Gdańsk", "Żory", "Pieszyce"]
    assert [c.name for c in pub.candidates] == ["Poznań"]
    assert pub.cities_of("ppp") == [pub.cities[2]]
    report = [str(w) for w in pub.warnings if "Poznań" in w.message]
    assert len(report) == 2, pub.warnings
    assert 'lists 1 of 3 cities (candidates, not printed: Poznań)' in report[0]
    assert report[1] == ('content/data/cities.yaml:17: warning: city "Poznań" is only a '
                         'candidate for network "ppp" (inferred: DEVD); it is not printed '
                         'until a source confirms it')


def test_a_candidate_needs_an_inferred_source(tree):
    add_cities(tree, "- name: Poznań\n  network: ppp\n  status: candidate\n")
    err = error_of(tree)
    assert (err.file, err.line) == ("content/data/cities.yaml", 13)
    assert "candidate" in err.message and "inferred" in err.message


def test_an_inferred_city_cannot_be_printed(tree):
    add_cities(tree, "- name: Poznań\n  network: ppp\n  mid: unknown\n"
                     "  source: {id: DEVD, confidence: inferred}\n")
    err = error_of(tree)
    assert err.line == 14 and "status: candidate" in err.message


@pytest.mark.parametrize("source,line,words", [
    ('"PIESZ"', 14, "must be a mapping"),
    ("{id: PIESZ}", 14, 'no "confidence"'),
    ("{id: PIESZ, confidence: likely}", 14, "confirmed, inferred"),
    ("{confidence: confirmed}", 14, "needs an id"),
    ("{id: PIESZ, confidence: confirmed, page: 3}", 14, 'unknown key "page"'),
])
def test_a_wrong_source_is_a_clear_error(tree, source, line, words):
    add_cities(tree, f"- name: Pieszyce\n  network: ppp\n  mid: unknown\n  source: {source}\n")
    err = error_of(tree)
    assert (err.file, err.line) == ("content/data/cities.yaml", line)
    assert words in err.message, err.message


def test_a_mid_in_words_is_a_clear_error(tree):
    add_cities(tree, "- name: Pieszyce\n  network: ppp\n  mid: nieznany\n")
    err = error_of(tree)
    assert err.line == 13 and "or unknown" in err.message
