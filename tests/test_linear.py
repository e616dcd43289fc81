"""The typography pass is linear in the text's length, and gives the same results as the
original pass, which showed every rule all of the text before and after each piece."""
import dataclasses

import pytest

from conftest import EDITIONS
from hypothesis import HealthCheck, given, settings, strategies as st

from brochure import content
from brochure.errors import ContentError
from brochure.render import prose
from brochure.render import html as render
from brochure.render import typography


def quadratic_run(pieces, lang):
    """The original typography._run: the oracle for the bounded one."""
    for rule in typography.RULES[lang]:
        for i, piece in enumerate(pieces):
            if not piece.frozen:
                before = "".join(p.context() for p in pieces[:i])
                after = "".join(p.context() for p in pieces[i + 1:])
                piece.text = rule.apply(piece.text, before, after)


@pytest.fixture
def oracle(monkeypatch):
    def run(function, *args):
        new = function(*args)
        with monkeypatch.context() as patch:
            patch.setattr(typography, "_run", quadratic_run)
            old = function(*args)
        return new, old
    return run


@pytest.mark.parametrize("edition", [e for e in EDITIONS if not e.print], ids=lambda e: e.id)
def test_the_real_content_is_typeset_as_before(oracle, edition):
    pub = content.load("content")
    new, old = oracle(render.render, pub, edition)
    assert new == old
    assert typography.NBSP in new and ("„" in new or "“" in new or "’" in new)


PIECES = st.sampled_from([
    "w", " ", "  ", "\t", "\n", "a", "i", "z", "2021", "-", " - ", "--", "—", "–", "...", '"',
    "'", "„", "”", "«", "lutego", " 2022", "May", "9", ".", ",", "(", "ł", "'90s", "10 %",
    "http://x.pl/a", "a@b.pl", "&amp;", "&quot;", "*", "**", "`", "\n\n", "  \n", "[",
    "](#x)", "\u00a0"])


def markdown(source, lang):
    """The HTML, or the refusal of markup left as text (issue 22: an emphasis that opens or
    closes nothing), which both passes must give alike."""
    try:
        return prose.to_html(source, "content/pl/x.md", 1, lang)
    except ContentError as err:
        return f"refused: {err}"


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(PIECES, max_size=80).map("".join), st.sampled_from(typography.LANGS))
def test_any_fragment_is_typeset_as_before(oracle, fragment, lang):
    new, old = oracle(markdown, fragment, lang)
    assert new == old


def test_long_runs_of_spaces_across_pieces_as_before(oracle):
    fragment = "a -" + " " * 200 + "*x" + " " * 200 + "y*" + "\t" * 100 + "`- b`"
    new, old = oracle(markdown, fragment, "pl")
    assert new == old


def characters_seen(words: int) -> int:
    """How many characters the rules are shown for one paragraph of emphasised words."""
    seen = 0
    rules = {lang: list(rs) for lang, rs in typography.RULES.items()}

    def counting(rule):
        def apply(text, before, after):
            nonlocal seen
            seen += len(before) + len(text) + len(after)
            return rule.apply(text, before, after)
        return dataclasses.replace(rule, apply=apply)

    try:
        typography.RULES["pl"] = [counting(r) for r in rules["pl"]]
        markdown(" ".join(f"*słowo{i}* w" for i in range(words)), "pl")
    finally:
        typography.RULES.update(rules)
    return seen


def test_the_work_grows_linearly_with_the_paragraph():
    small, large = characters_seen(500), characters_seen(4000)
    assert large < 8.8 * small, (small, large)       # 8x the words: about 8x the work
