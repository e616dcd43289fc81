"""The raw-HTML policy (brochure/sanitize.py): Markdown's own HTML passes, raw HTML mostly not."""
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from brochure import content
from brochure.render import prose
from brochure.render import sanitize
from brochure.errors import ContentError

PROJECT = Path(__file__).resolve().parent.parent
FILE = "content/pl/01-pim.md"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
                    "53de0000000c4944415478da63f8cfc000000301010018dd8db00000000049454e44ae426082")


def clean(source: str, first_line=5, root=None) -> str:
    """The Markdown's HTML, checked by the policy (no components: [[x]] stays text)."""
    return prose.to_html(source, FILE, first_line, "pl", root=root)


def refused(source: str, first_line=5, root=None) -> ContentError:
    with pytest.raises(ContentError) as info:
        clean(source, first_line, root)
    assert info.value.file == FILE
    return info.value


@pytest.fixture
def root(tmp_path):
    """A content folder with content/pl/img/mapa.png."""
    base = tmp_path / "content"
    (base / "pl" / "img").mkdir(parents=True)
    (base / "pl" / "img" / "mapa.png").write_bytes(PNG)
    return base


# --- what passes --------------------------------------------------------------------------

def test_the_real_content_passes_unchanged(monkeypatch):
    pub = content.load(PROJECT / "content")

    def html(section, lang):
        return prose.to_html(section.bodies[lang], f"content/{lang}/{section.file}.md",
                             section.body_lines[lang], lang, root=pub.root)

    checked = [html(s, lang) for s in pub.sections for lang in pub.languages]
    monkeypatch.setattr(sanitize, "raw_html", lambda html, *args, **kwargs: html)
    monkeypatch.setattr(sanitize, "attributes", lambda tag, attrs, *args: attrs)
    assert checked == [html(s, lang) for s in pub.sections for lang in pub.languages]
    assert all('class="admonition' in h for h in checked[:2])


def test_markdown_constructs_pass():
    source = ('Tekst *kursywa* **pogrubienie** `kod` [strona](https://example.com "Tytuł") '
              'i <biuro@example.com>, [dalej](#pl-02-siec).\n\n'
              '### Podtytuł\n\n- jeden\n- dwa\n\n3. trzy\n4. cztery\n\n> cytat\n\n'
              '| a | b |\n|:--|:-:|\n| 1 | 2 |\n\n---\n\n'
              '!!! sidebar "Ramka"\n    Tekst ramki.\n\n    code block\n\n'
              'Akapit\n{: .lead #wstep lang="en" }\n\n[[map]]')
    html = clean(source)
    for kept in ('<em>kursywa</em>', '<strong>pogrubienie</strong>', '<code>kod</code>',
                 '<a href="https://example.com" title="Tytuł">strona</a>',
                 '<a href="mailto:biuro@example.com">', '<a href="#pl-02-siec">',
                 '<h3>Podtytuł</h3>', '<ol start="3">', '<blockquote>', '<hr>',
                 '<th style="text-align:left">a</th>', '<td style="text-align:center">2</td>',
                 '<div class="admonition sidebar">', '<p class="admonition-title">Ramka</p>',
                 '<p class="lead" id="wstep" lang="en"><span class="last">Akapit</span></p>', '<p>[[map]]</p>'):
        assert kept in html, kept


def test_allowed_raw_inline_tags():
    html = clean('CO<sub>2</sub>, m<sup>2</sup>, wiersz<br>drugi, <span lang="en">smart city</span>,'
                 ' <em>raw</em> <strong>raw</strong>')
    assert ('CO<sub>2</sub>, m<sup>2</sup>, wiersz<br>drugi, <span lang="en">smart city</span>, '
            '<em>raw</em> <strong>raw</strong>') in html


def test_text_stays_text():
    html = clean("`<script>alert(1)</script>` a < b & c &lt;iframe&gt;")
    assert "<script" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "a\u00a0&lt; b &amp; c &lt;iframe&gt;" in html     # "a" keeps to the next word


def test_comments_are_dropped():
    html = clean("Tekst\n\n<!-- uwaga redaktora: sprawdzić -->\n\nDalej")
    assert "uwaga" not in html and "<!--" not in html
    assert html.startswith("<p>Tekst</p>") and html.rstrip().endswith("<p>Dalej</p>")


def test_tags_are_balanced():
    """A stray end tag cannot close the template's elements; an unclosed tag is closed."""
    html = clean("Tekst</div></div>\n\n<em>bez końca")
    assert html.count("<div") == html.count("</div>") == 0
    assert html.rstrip().endswith("<em>bez końca</em></p>")


# --- what is refused ----------------------------------------------------------------------

@pytest.mark.parametrize("tag", ["script", "iframe", "object", "embed", "link", "style", "meta",
                                 "base", "form", "svg", "frame", "video", "u", "font", "section"])
def test_elements_off_the_list_are_refused(tag):
    source = f"Akapit.\n\nDrugi <{tag} src=x href=x>x</{tag}> akapit."
    err = refused(source)
    assert err.line == 7
    assert f"raw HTML <{tag}> is not allowed" in err.message and "use Markdown" in err.message


def test_script_message():
    err = refused("Tekst\n\n<script>alert(1)</script>", first_line=12)
    assert str(err).startswith(f"{FILE}:14: raw HTML <script> is not allowed")


def test_uppercase_and_odd_spacing_are_still_tags():
    assert "<SCRIPT>" not in clean("`<SCRIPT>`")
    for source in ("<SCRIPT>alert(1)</SCRIPT>", "<ScRiPt >x</script >",
                   "x <img src=x.png onerror=alert(1)>", "<IFRAME SRC=x>"):
        with pytest.raises(ContentError):
            clean(source)


@pytest.mark.parametrize("source", [
    '<p onclick="alert(1)">x</p>',
    'x <span onmouseover="alert(1)">y</span>',
    '<img src="img/mapa.png" alt="" ONERROR="alert(1)">',
    'Akapit\n{: onclick="alert(1)" }',
    '<a href="https://example.com" onfocus=alert(1)>x</a>',
])
def test_event_attributes_are_refused(source):
    err = refused(source)
    assert "event attribute on" in err.message and "is not allowed" in err.message


def test_event_attribute_line():
    err = refused("Jeden.\n\nDwa.\n\nTrzy\n{: onclick=\"alert(1)\" }", first_line=5)
    assert err.line == 10


@pytest.mark.parametrize("source", [
    '<a rel="attachment" href="file:///etc/passwd">x</a>',
    '<a href="https://example.com" rel="attachment">x</a>',
    '[x](https://example.com){: rel="attachment" }',
])
def test_rel_attachment_is_refused(source):
    err = refused(source)
    assert 'rel="attachment"' in err.message and "embed a file" in err.message


@pytest.mark.parametrize("source", [
    '<p style="background: url(file:///etc/passwd)">x</p>',
    '<td style="background: url(x)">x</td>',
    '<a href="https://example.com" target="_blank">x</a>',
    '<img src="img/mapa.png" srcset="file:///etc/passwd 2x">',
    '<span class="a;b">x</span>',
    '<span id="1x">x</span>',
    '<span lang="en GB">x</span>',
    '<ol start="-1"><li>x</li></ol>',
])
def test_other_attributes_off_the_list_are_refused(source):
    with pytest.raises(ContentError):
        clean(source)


@pytest.mark.parametrize("href", [
    "file:///etc/passwd", "FILE:///etc/passwd", "javascript:alert(1)", "JavaScript:alert(1)",
    "java\tscript:alert(1)", " javascript:alert(1)", "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD4=", "ftp://example.com/x", "02-siec.md", "../secret",
    "//example.com/x", "/etc/passwd", "http:alert", "mailto",
])
def test_links_other_than_web_mail_and_anchors_are_refused(href):
    err = refused(f'Zobacz <a href="{href}">to</a>.')
    assert "is not allowed" in err.message and "https://" in err.message


def test_markdown_link_to_a_local_file():
    err = refused("Jeden.\n\nZobacz [hasła](file:///etc/passwd).", first_line=5)
    assert (err.line, err.file) == (7, FILE)
    assert err.message.startswith('the link "file:///etc/passwd" is not allowed')
    assert "file on this computer" in err.message


def test_entity_obfuscated_javascript_is_refused():
    with pytest.raises(ContentError):
        clean('<a href="&#106;avascript&#58;alert(1)">x</a>')
    with pytest.raises(ContentError):
        clean('<a href="jav&#x09;ascript:alert(1)">x</a>')


@pytest.mark.parametrize("markup", ["<!DOCTYPE html>", "<?php echo 1 ?>",
                                    "<![CDATA[x]]>"])
def test_declarations_and_processing_instructions_are_refused(markup):
    with pytest.raises(ContentError):
        clean(f"Tekst\n\n{markup}")


def test_line_is_the_first_line_without_source():
    with pytest.raises(ContentError) as info:
        sanitize.raw_html("<p>x</p><script>y</script>", FILE, 17)
    assert info.value.line == 17


# --- images -------------------------------------------------------------------------------

def test_an_image_in_content_is_resolved(root):
    html = clean("![Mapa](img/mapa.png \"Polska\")", root=root)
    # relative to the documents' base URL: no absolute path of this computer in the HTML
    assert ('<img src="content/pl/img/mapa.png" alt="Mapa" data-source="content/pl/01-pim.md:5">'
            '<figcaption>Polska</figcaption>') in html
    assert str(root) not in html


def test_an_image_path_with_spaces_and_dot_segments(root):
    (root / "pl" / "img" / "mapa Polski.png").write_bytes(PNG)
    html = clean("![Mapa](./img/../img/mapa%20Polski.png)", root=root)
    assert 'src="content/pl/img/mapa%20Polski.png"' in html


def test_an_image_from_the_other_language_folder(root):
    html = clean("![Mapa](../pl/img/mapa.png)", root=root)
    assert 'src="content/pl/img/mapa.png"' in html


def test_a_missing_image_names_the_file(root):
    err = refused("Tekst.\n\n![mapa](img/brak.png)", first_line=5, root=root)
    assert err.line == 7
    assert err.message.startswith("image not found: content/pl/img/brak.png")


@pytest.mark.parametrize("src", ["https://example.com/x.png", "http://example.com/x.png",
                                 "file:///etc/x.png", "/etc/x.png", "//example.com/x.png",
                                 "data:image/png;base64,iVBORw0KGgo=", "C:/obrazy/x.png",
                                 "\\\\serwer\\x.png"])
def test_an_image_must_be_a_relative_path(src, root):
    err = refused(f'<img src="{src}" alt="x">', root=root)
    assert "must be a relative path" in err.message


def test_an_image_outside_content_is_refused(root):
    (root.parent / "styles").mkdir()
    (root.parent / "styles" / "logo.png").write_bytes(PNG)
    err = refused("![logo](../../styles/logo.png)", root=root)
    assert "lies outside the content folder" in err.message


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_link_to_a_file_outside_content_is_refused(root, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    (root / "pl" / "img" / "skrot.png").symlink_to(secret)
    err = refused("Tekst\n\n![x](img/skrot.png)", first_line=3, root=root)
    assert err.line == 5
    assert err.message.startswith(f"the image content/pl/img/skrot.png is a link to {secret}")


def test_a_linked_folder_leading_outside_is_refused(root, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.png").write_bytes(PNG)
    (root / "pl" / "zdjecia").symlink_to(tmp_path / "elsewhere")
    assert "is a link to" in refused("![x](zdjecia/x.png)", root=root).message


def test_a_link_to_a_non_image_is_refused(root):
    (root / "pl" / "notes.txt").write_text("tajne", encoding="utf-8")
    (root / "pl" / "img" / "notes.png").symlink_to(root / "pl" / "notes.txt")
    assert "not to a PNG" in refused("![x](img/notes.png)", root=root).message


@pytest.mark.parametrize("src", ["img/notes.txt", "img/mapa.png.html", "img/"])
def test_an_image_must_be_an_image_file(src, root):
    assert "must be a PNG, JPEG, GIF or SVG" in refused(f"![x]({src})", root=root).message


def test_a_folder_is_not_an_image(root):
    (root / "pl" / "img" / "folder.png").mkdir()
    assert "not a regular file" in refused("![x](img/folder.png)", root=root).message


def test_without_root_an_image_is_only_checked_to_be_relative():
    assert '<img src="img/mapa.png" alt="x" data-source="content/pl/01-pim.md:5">' in \
        clean("![x](img/mapa.png)")
    with pytest.raises(ContentError):
        clean("![x](file:///etc/hostname.png)")


def test_quotes_in_attribute_values_stay_inside_them(root):
    html = clean("Tekst <a href='https://example.com' title='\" onclick=x'>x</a>", root=root)
    assert 'title="&quot; onclick=x"' in html
    tags = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, dict(attrs)))

    Tags().feed(html)
    assert tags == [("p", {}), ("a", {"href": "https://example.com", "title": '" onclick=x'})]
