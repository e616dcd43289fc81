import html

import pytest
from hypothesis import given, settings, strategies as st

from brochure.typography import LANGS, RULES, smarten, smarten_html

NB = "\u00a0"


def pl(text):
    return smarten(text, "pl")


def en(text):
    return smarten(text, "en")


def test_langs_and_rule_tables():
    assert LANGS == ("pl", "en")
    assert set(RULES) == set(LANGS)
    for rules in RULES.values():
        names = [r.name for r in rules]
        assert len(names) == len(set(names))


@pytest.mark.parametrize("lang", ["de", "", "PL", None])
def test_unknown_lang_raises(lang):
    with pytest.raises(ValueError):
        smarten("a", lang)
    with pytest.raises(ValueError):
        smarten_html("<p>a</p>", lang)


# --- Polish one-letter words -------------------------------------------------

@pytest.mark.parametrize("src, want", [
    ("w domu", f"w{NB}domu"),
    ("a także", f"a{NB}także"),
    ("kot o imieniu", f"kot o{NB}imieniu"),
    ("u nas", f"u{NB}nas"),
    ("z miastem", f"z{NB}miastem"),
    ("W Lublinie i Z Gdańska", f"W{NB}Lublinie i{NB}Z{NB}Gdańska"),
    ("A potem O tym U nas I tak", f"A{NB}potem O{NB}tym U{NB}nas I{NB}tak"),
    ("(w nawiasie)", f"(w{NB}nawiasie)"),
    ('"w cudzysłowie"', f"„w{NB}cudzysłowie”"),
    ("i w domu", f"i{NB}w{NB}domu"),
    ("w\nLublinie", f"w{NB}Lublinie"),
])
def test_one_letter_words(src, want):
    assert pl(src) == want


@pytest.mark.parametrize("src", [
    "kawa", "tak.", "w", "słowo w", "bez zmian a\n\nnowy akapit", "x-w y", "w.",
])
def test_one_letter_words_left_alone(src):
    assert pl(src) == src


def test_no_one_letter_rule_in_english():
    assert en("a cat and I think") == "a cat and I think"


# --- numbers, dates ----------------------------------------------------------

@pytest.mark.parametrize("src, want", [
    ("500 tys. osób", f"500{NB}tys. osób"),
    ("2 tys.", f"2{NB}tys."),
    ("14 miesięcy", f"14{NB}miesięcy"),
    ("10 miast", f"10{NB}miast"),
    ("30 Miejskich", f"30{NB}Miejskich"),
    ("3 Plany", f"3{NB}Plany"),
    ("2022 r.", f"2022{NB}r."),
    ("3,5 mln", f"3,5{NB}mln"),
    ("50 %", f"50{NB}%"),
    ("9 lutego 2022 r.", f"9{NB}lutego{NB}2022{NB}r."),
    ("12.05.2022 r.", f"12.05.2022{NB}r."),
    ("(luty 2022 r.- marzec 2023 r.)",
     f"(luty{NB}2022{NB}r.{NB}– marzec{NB}2023{NB}r.)"),
])
def test_numbers_keep_to_the_next_word_pl(src, want):
    assert pl(src) == want


@pytest.mark.parametrize("src, want", [
    ("14 months", f"14{NB}months"),
    ("500 thousand", f"500{NB}thousand"),
    ("9 February 2022", f"9{NB}February{NB}2022"),
    ("10-12 May 2022", f"10–\u206012{NB}May{NB}2022"),
])
def test_numbers_keep_to_the_next_word_en(src, want):
    assert en(src) == want


@pytest.mark.parametrize("src", ["12345 osób", "2022, 2023", "1 2", "A4 papier"])
def test_numbers_left_alone(src):
    assert pl(src) == src


# --- quotes and apostrophes --------------------------------------------------

@pytest.mark.parametrize("src, want", [
    ('Powiedział "tak".', "Powiedział „tak”."),
    ('"Zielona" sieć', "„Zielona” sieć"),
    ("Jest ,,ocr\" tutaj", "Jest „ocr” tutaj"),
    ('"a "b" c"', f"„a{NB}«b» c”"),
    ('("tak")', "(„tak”)"),
    ("Cities' d'Arc", "Cities’ d’Arc"),
])
def test_quotes_pl(src, want):
    assert pl(src) == want


@pytest.mark.parametrize("src, want", [
    ('He said "yes".', "He said “yes”."),
    ("a 'quoted' word", "a ‘quoted’ word"),
    ("Cities' Partnership", "Cities’ Partnership"),
    ("the city's plan", "the city’s plan"),
    ("in the '90s", "in the ’90s"),
    ('"it\'s"', "“it’s”"),
])
def test_quotes_en(src, want):
    assert en(src) == want


def test_quotes_pair_across_inline_tags():
    assert smarten_html('<p>"<em>cytat</em>"</p>', "pl") == "<p>„<em>cytat</em>”</p>"
    assert smarten_html('<p>a "<b>b</b>" c</p>', "en") == "<p>a “<b>b</b>” c</p>"


# --- ranges and dashes -------------------------------------------------------

@pytest.mark.parametrize("src, want", [
    ("2021-2023", "2021–\u20602023"),
    ("2021 - 2023", "2021–\u20602023"),
    ("2021 – 2023", "2021–\u20602023"),
    ("2021—2023", "2021–\u20602023"),
    ("10-12.05.2022", "10–\u206012.05.2022"),
    ("31.05-3.06.2022", "31.05–\u20603.06.2022"),
    ("pp. 20-25", "pp. 20–\u206025"),
    ("w latach 2021-2023.", f"w{NB}latach 2021–\u20602023."),
])
def test_ranges(src, want):
    assert pl(src) == want
    assert en(src) == want.replace(f"w{NB}", "w ")


@pytest.mark.parametrize("src", [
    "publiczno-prywatnym", "błękitno-zieloną", "post-pandemicznej",
    "-5", "2022-05-10", "data 2022-05-10.", "COVID-19", "A4-5", "1-2-3",
    "średnio- i długoterminowy", "PPP—jako", "słowo–słowo",
])
def test_hyphens_left_alone(src):
    assert pl(src).replace(NB, " ") == src
    assert en(src) == src


def test_and_or_stays_on_one_line():
    assert pl("utrzymanie i/lub świadczenie") == "utrzymanie i/\u2060lub świadczenie"
    assert pl("kasa/lub") == "kasa/lub"


def test_enumeration_labels_keep_to_their_word():
    assert pl("obszarach: i) planowaniu, ii) aspektach") == \
        f"obszarach: i){NB}planowaniu, ii){NB}aspektach"
    assert en("possible i) to optimise") == f"possible i){NB}to optimise"


def test_date_to_date_gets_a_spaced_dash():
    assert pl("9 lutego 2022 - 3 marca 2023") == \
        f"9{NB}lutego{NB}2022{NB}– 3{NB}marca{NB}2023"


@pytest.mark.parametrize("src", [
    "słowo - słowo", "słowo — słowo", "słowo -- słowo", "słowo – słowo",
    "słowo— słowo", "słowo --słowo", f"słowo{NB}- słowo",
])
def test_spaced_dashes(src):
    assert pl(src) == f"słowo{NB}– słowo"
    assert en(src) == f"słowo{NB}– słowo"


def test_ellipsis_and_spaces():
    assert pl("Czekaj...") == "Czekaj…"
    assert en("wait...  and   see") == "wait… and see"
    assert pl("ab\tcd  ef") == "ab\tcd ef"


# --- things never changed ----------------------------------------------------

@pytest.mark.parametrize("token", [
    "http://x.pl/a-b-2021-2023", "https://example.com/w-a/'q'...x",
    "www.miasta.gov.pl/2021-2023", "jan.w-z@x.pl",
])
def test_urls_and_emails_untouched(token):
    for lang in LANGS:
        out = smarten(f'Zob. "{token}" i {token}. w {token}', lang)
        assert out.count(token) == 3


def test_html_keeps_tags_and_attributes():
    src = ('<p class="a-b" title=\'x > "y" 1-2\'>w <a href="http://x.pl/a-b-2021-2023">'
           '2021-2023</a> <img alt="a - b" src="i-2.png"></p>')
    assert smarten_html(src, "pl") == (
        '<p class="a-b" title=\'x > "y" 1-2\'>w\u00a0<a href="http://x.pl/a-b-2021-2023">'
        '2021–\u20602023</a> <img alt="a - b" src="i-2.png"></p>')


def test_html_one_letter_word_before_inline_tag():
    assert smarten_html("<p>w <em>Lublinie</em></p>", "pl") == f"<p>w{NB}<em>Lublinie</em></p>"
    assert smarten_html("<p>i <em>w</em> domu</p>", "pl") == \
        f"<p>i{NB}<em>w</em>{NB}domu</p>"
    # a block boundary is not a following word
    assert smarten_html("<li>w </li><li>domu</li>", "pl") == "<li>w </li><li>domu</li>"


def test_html_code_pre_script_style_comments_untouched():
    frozen = ['<code>"x" - 1-2 w domu</code>', '<pre>a  -  "b"\n w  x...</pre>',
              '<script>if (a<b && "x" - 1) {}</script>', '<style>a{content:"-"}</style>',
              '<!-- "c" 2021-2023 w domu -->', '<pre><code class="py">x = "a"  - 1</code></pre>']
    for part in frozen:
        src = f'<p>"a" {part} "b"</p>'
        out = smarten_html(src, "pl")
        assert part in out, out
        assert out.startswith("<p>„a”") and out.endswith("„b”</p>")


def test_html_entities_preserved():
    src = "<p>Ala &amp; B, &#160;x &quot;y&quot; &nbsp;w domu &lt;tag&gt;</p>"
    assert smarten_html(src, "pl") == \
        f"<p>Ala &amp; B, &#160;x &quot;y&quot; &nbsp;w{NB}domu &lt;tag&gt;</p>"


def test_html_outputs_characters_not_entities():
    out = smarten_html('<p>w domu "x"</p>', "pl")
    assert "&" not in out and NB in out


def test_html_from_markdown():
    markdown = pytest.importorskip("markdown")
    src = ('W latach 2021-2023 miasta "Zielonej" sieci - w tym [Lublin](http://x.pl/a-b) -\n'
           "i `a-b \"c\"` oraz *w* domu...\n\n    kod - \"x\"\n")
    out = smarten_html(markdown.markdown(src), "pl")
    assert f"W{NB}latach 2021–\u20602023{NB}miasta „Zielonej” sieci{NB}– w{NB}tym" in out
    assert 'href="http://x.pl/a-b"' in out
    assert '<code>a-b "c"</code>' in out
    assert f"<em>w</em>{NB}domu…" in out
    assert 'kod - "x"' in out


@pytest.mark.parametrize("src", [
    'Powiedział "tak" - w latach 2021-2023... "a "b" c" (i w domu)',
    "9 lutego 2022 - 3 marca 2023, ,,x\" i/lub 2022-05-10",
    "Cities' 14 months, 9 February 2022 - 'quoted' -- http://x.pl/1-2",
])
def test_idempotent_examples(src):
    for lang in LANGS:
        once = smarten(src, lang)
        assert smarten(once, lang) == once
        once = smarten_html(f"<p>{src}</p>", lang)
        assert smarten_html(once, lang) == once


# --- properties --------------------------------------------------------------

FAST = settings(max_examples=200, deadline=None)
LANG = st.sampled_from(LANGS)
# Characters the rules care about, so that examples hit them often.
TRICKY = st.lists(st.sampled_from(
    list(' \t\n\u00a0-–—"\',.()„”«»…aiwzAIrxó019%/:@') +
    ["...", "2021", "http://", "www.", "lutego", "May", "&amp;"])).map("".join)


@FAST
@given(st.one_of(st.text(), TRICKY), LANG)
def test_smarten_never_raises_and_is_idempotent(text, lang):
    once = smarten(text, lang)
    assert smarten(once, lang) == once


@FAST
@given(st.one_of(st.text(), TRICKY), LANG)
def test_smarten_html_never_raises_and_is_idempotent_on_any_text(text, lang):
    once = smarten_html(text, lang)
    assert smarten_html(once, lang) == once


ATTR_VALUE = st.text(alphabet=list('ab -12>"\'&/:.'), max_size=8)


@st.composite
def attribute(draw):
    name = draw(st.sampled_from(["href", "class", "title", "alt", "src", "data-x"]))
    value = draw(ATTR_VALUE)
    if '"' in value:
        return f" {name}='{value.replace(chr(39), '')}'"
    return f' {name}="{value}"'


@st.composite
def start_tag(draw, name):
    attrs = "".join(draw(st.lists(attribute(), max_size=2)))
    return f"<{name}{attrs}>"


INLINE = ["em", "strong", "a", "span"]
BLOCK = ["p", "li", "h2", "div"]
TEXT = TRICKY.map(lambda t: html.escape(t, quote=False).replace("&amp;amp;", "&amp;"))


@st.composite
def element(draw, depth=0):
    """(html, frozen parts that must come out unchanged, in order)"""
    kind = draw(st.sampled_from(["text", "inline", "block", "code", "pre", "comment", "br"]
                                if depth < 3 else ["text", "code", "comment"]))
    if kind == "text":
        return draw(TEXT), []
    if kind == "br":
        tag = draw(start_tag("br"))
        return tag, [tag]
    if kind == "comment":
        c = f"<!--{draw(TRICKY).replace('--', '')}-->"
        return c, [c]
    if kind in ("code", "pre"):
        c = f"{draw(start_tag(kind))}{draw(TEXT)}</{kind}>"
        return c, [c]
    name = draw(st.sampled_from(INLINE if kind == "inline" else BLOCK))
    tag = draw(start_tag(name))
    children = draw(st.lists(element(depth + 1), max_size=3))
    inner = "".join(h for h, _ in children)
    frozen = [tag] + [f for _, fs in children for f in fs] + [f"</{name}>"]
    return f"{tag}{inner}</{name}>", frozen


@FAST
@given(st.lists(element(), max_size=4), LANG)
def test_smarten_html_keeps_every_tag_and_code(elements, lang):
    src = "".join(h for h, _ in elements)
    out = smarten_html(src, lang)
    assert smarten_html(out, lang) == out
    pos = 0
    for part in (f for _, fs in elements for f in fs):
        found = out.find(part, pos)
        assert found >= 0, (part, out)
        pos = found + len(part)
    for markup in "<>&;":
        assert out.count(markup) == src.count(markup)
