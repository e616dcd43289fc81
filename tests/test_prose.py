"""The Markdown front end (brochure/prose.py): the editors' syntax, lines, components."""
import pytest

from brochure.render import prose
from brochure.errors import ContentError

FILE = "content/pl/01-pim.md"
NB = "\u00a0"
WJ = "\u2060"      # a no-break space that ends a piece of text keeps a word joiner after it


class Components:
    """[[box]] and [[box word]]: a <div>; anything else: the problem render.py would give."""

    def problem(self, name, argument):
        return None if name == "box" else f"unknown component [[{name}]]"

    def html(self, name, argument):
        return f'<div class="c-{name}">{argument or ""}</div>'


def html(source, first_line=5, lang="pl"):
    return prose.to_html(source, FILE, first_line, lang, components=Components())


def error(source, first_line=5) -> ContentError:
    with pytest.raises(ContentError) as info:
        html(source, first_line)
    assert info.value.file == FILE
    return info.value


def test_a_component_line_is_replaced_where_it_stands():
    out = html("Tekst.\n\n[[box]]\n\n!!! columns\n\n    !!! column \"A\"\n\n        [[box x]]")
    assert '<p>Tekst.</p>\n<div class="c-box"></div>' in out
    assert '<div class="admonition column">\n<p class="admonition-title">A</p>\n' \
           '<div class="c-box">x</div>' in out
    assert "[[" not in out


def test_an_unknown_component_is_an_error_at_its_line_even_inside_a_box():
    assert error("Tekst.\n\n[[nope]]").line == 7
    err = error('Tekst.\n\n!!! note "x"\n    Akapit.\n\n    [[nope]]')
    assert (err.line, err.message) == (10, "unknown component [[nope]]")
    assert error("Tekst\n[[nope]]").line == 6           # inside a paragraph: checked too


def test_component_lines_stay_text_without_components():
    assert prose.to_html("[[box]]", FILE, 1, "pl") == "<p>[[box]]</p>\n"


def test_boxes_are_titled_only_by_a_title_in_quotes():
    out = html('!!! sidebar\n    a\n\n!!! quote wide ""\n    b\n\n!!! note "Uwaga"\n    c')
    assert out.count("admonition-title") == 1 and "Sidebar" not in out
    assert '<div class="admonition sidebar">\n<p>a</p>' in out
    assert '<div class="admonition quote wide">\n<p>b</p>' in out
    assert '<p class="admonition-title">Uwaga</p>' in out


def test_attribute_lists_on_paragraphs_headings_items_and_links():
    out = html("Akapit\n{: #a .x .y }\n\n### Tytuł {: #t }\n\n- punkt\n{: .p }\n\n"
               '[link](https://x.pl){: lang="en" } i *słowo*{: .z }')
    assert '<p id="a" class="x y"><span class="last">Akapit</span></p>' in out
    assert '<h3 id="t">Tytuł</h3>' in out
    assert '<li class="p">punkt</li>' in out
    assert '<a href="https://x.pl" lang="en">link</a>' in out
    assert '<em class="z">słowo</em>' in out
    assert "{:" not in out


def test_attribute_list_errors_name_their_line():
    err = error("Jeden.\n\nDwa\ni trzy\n{: onclick=x }")
    assert err.line == 9 and "event attribute onclick=" in err.message
    assert error("# Tytuł {: #part-pl }", 3).line == 3
    assert error("Jeden\ni [dwa](https://x.pl){: rel=x }", 3).line == 4


def test_raw_html_errors_name_the_line_inside_a_block():
    err = error("Tekst.\n\n<div>\nwiersz\n<script>x</script>\n</div>")
    assert err.line == 9 and "<script>" in err.message


def test_a_raw_tag_left_open_is_closed_at_the_end_of_its_paragraph():
    assert html("to <span>b\n\nc</span> d") == "<p>to <span>b</span></p>\n<p>c d</p>\n"


def test_typography_binds_across_a_soft_wrap_and_emphasis_but_not_a_hard_break():
    assert html("To jest w\ndomu") == f"<p>To jest w{NB}{WJ}domu</p>\n"
    assert html('"*cytat*"') == "<p>„<em>cytat</em>”</p>\n"
    assert html("jest w  \ndomu") == "<p>jest w<br>\ndomu</p>\n"


def test_links_are_checked_not_dropped():
    """markdown-it-py would leave a javascript: link as text; the policy names it instead."""
    err = error("Zobacz [to](JavaScript:alert(1)).")
    assert err.message.startswith('the link "JavaScript:alert(1)" is not allowed')


def test_the_lint_sees_the_same_tokens():
    tokens = prose.tokens('!!! sidebar\n    Tekst *ramki*.\n\n[[box]]')
    assert [t.content for t in tokens if t.type == "inline"] == ["Tekst *ramki*.", "[[box]]"]


def test_the_text_of_a_raw_html_block_is_typeset_line_by_line():
    assert html('<div>\n"cytat" w domu <code>"x"</code>\n</div>') == (
        f'<div>\n„cytat” w{NB}domu <code>"x"</code>\n</div>')
    assert NB not in html("<div><p>w</p>\n<p>domu</p></div>")
    assert html("<div>\na < b\n</div>") == f"<div>\na{NB}{WJ}&lt; b\n</div>"


def test_the_names_given_are_held_in_a_span_that_is_never_hyphenated_in_any_case():
    names = ("Ministerstwo Funduszy i Polityki Regionalnej", "Bank Światowy")
    html = prose.to_html("Przez Ministerstwa Funduszy i Polityki Regionalnej i Banku Światowego, "
                         "nie przez Bank Pekao.\n", "x.md", 1, "pl", names=names)
    assert html.count('<span class="name">') == 2
    assert '<span class="name">Banku Światowego</span>' in html
    assert "Ministerstwa Funduszy" in html and "Bank\xa0Pekao</span>" not in html
    assert '<span class="name">' not in prose.to_html("Przez Ministerstwo Funduszy.\n", "x.md", 1, "pl")


def test_a_paragraphs_last_long_word_is_held_whole():
    """Review 23: "zainteresowa-/niem." left a last line of five letters: a paragraph's last
    word of six letters or more (with its punctuation) is never hyphenated; a short one, a
    heading's and a table cell's are left alone."""
    html = prose.to_html("Cieszą się rosnącym zainteresowaniem.\n\nKrótko tak.\n\n### Nagłówek długi\n",
                         "x.md", 1, "pl")
    assert '<span class="last">zainteresowaniem.</span></p>' in html
    assert "<p>Krótko\u00a0tak.</p>" in html or '<p>Krótko tak.</p>' in html
    assert '<h3>Nagłówek długi</h3>' in html.replace("\u00a0", " ")
