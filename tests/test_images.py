"""Issue 22, class 2: SVG pictures and the `data:` images inside them are checked recursively,
with the limits of an image file (no code, no file or network references, the 64-megapixel
limit for all the rasters an image holds), when the text is rendered and again when WeasyPrint
loads them through the fetcher."""
import base64
import io
import struct
import zlib

import pytest
from PIL import Image

from brochure import content
from brochure.content import images
from brochure.errors import ContentError
from brochure.render import html as render
from brochure.typeset import pdf as typeset
from conftest import edit


def png(width=2, height=2) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def png_header(width, height) -> bytes:
    """A PNG that claims width x height pixels (its header only: no pixel data)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + b"\x00\x00\x00\x00IEND\xaeB`\x82")


def uri(data: bytes, media: str) -> str:
    return f"data:{media};base64,{base64.b64encode(data).decode()}"


def svg(inner: str) -> bytes:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
            f' width="20" height="20" viewBox="0 0 20 20">{inner}</svg>').encode()


def image(href: str, attribute="href") -> str:
    return f'<image {attribute}="{href}" width="10" height="10"/>'


SCRIPTED = svg("<script>alert(1)</script>")
REMOTE = svg(image("https://example.com/x.png"))
LOCAL = svg(image("file:///etc/passwd", "xlink:href"))


@pytest.mark.parametrize("picture, words", [
    (svg(image(uri(SCRIPTED, "image/svg+xml"))), "<script> element"),
    (svg(image(uri(REMOTE, "image/svg+xml"))), 'refers to "https://example.com/x.png"'),
    (svg(image(uri(LOCAL, "image/svg+xml"), "xlink:href")), 'refers to "file:///etc/passwd"'),
    (svg(image(uri(png_header(13_000, 13_000), "image/png"))), "more than 64,000,000"),
    (svg(image(uri(png_header(9_000, 8_000), "image/png"))), "9000 x 8000 pixels"),
    (svg(f'<rect width="5" height="5" style="fill: url({uri(SCRIPTED, "image/svg+xml")})"/>'),
     "<script> element"),
    (svg(image(uri(b"<html><script>x</script></html>", "text/html"))), 'of type "text/html"'),
    (svg(image(uri(b"%!PS-Adobe-3.0 EPSF-3.0\n", "image/png"))), "PNG, JPEG, GIF or WebP"),
    (svg(image("data:image/png;base64,!!!")), "base64 data that is not valid"),
])
def test_an_svg_with_a_bad_embedded_image_is_refused(picture, words):
    found = images.data_problem(picture, "image/svg+xml")
    assert found and words in found, found


def test_the_rasters_of_an_svg_count_together(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 100_000)
    one = image(uri(png(300, 300), "image/png"))
    assert images.data_problem(svg(one), "image/svg+xml") is None
    found = images.data_problem(svg(one + one), "image/svg+xml")
    assert "300 x 300 pixels, more than 100,000 in all" in found


def test_svg_images_nest_at_most_three_deep():
    inner = svg('<rect width="5" height="5"/>')
    for _ in range(3):
        inner = svg(image(uri(inner, "image/svg+xml")))
    assert images.data_problem(inner, "image/svg+xml") is None
    deeper = svg(image(uri(inner, "image/svg+xml")))
    assert "more than 3 deep" in images.data_problem(deeper, "image/svg+xml")


def test_an_svg_may_embed_a_small_picture():
    assert images.data_problem(svg(image(uri(png(), "image/png"))), "image/svg+xml") is None


def test_a_raster_that_is_another_format_is_refused(tmp_path):
    eps = tmp_path / "x.png"
    eps.write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n")
    assert "PNG, JPEG, GIF or WebP" in images.problem(eps)


def test_the_markdown_picture_with_a_nested_script_is_an_error_at_its_line(tree):
    (tree / "pl" / "img").mkdir()
    (tree / "pl" / "img" / "a.svg").write_bytes(svg(image(uri(SCRIPTED, "image/svg+xml"))))
    edit(tree, "pl/01-wstep.md", "[[key-figures]]", "[[key-figures]]\n\n![Opis](img/a.svg)")
    pub = content.load(tree)
    with pytest.raises(ContentError) as info:
        render.render(pub, pub.editions[0])
    assert (info.value.file, info.value.line) == ("content/pl/01-wstep.md", 9)
    assert "an image embedded in it: it holds a <script> element" in info.value.message


@pytest.mark.parametrize("picture", [
    svg(image(uri(SCRIPTED, "image/svg+xml"))),
    svg(image(uri(png_header(13_000, 13_000), "image/png"))),
])
def test_the_fetcher_checks_the_images_it_serves(picture):
    """The same check at typesetting: an HTML that names such an SVG is not typeset."""
    html = (f'<html><body><img src="{uri(picture, "image/svg+xml")}" alt="x">'
            f'</body></html>')
    with pytest.raises(typeset.TypesetError) as info:
        typeset.typeset(html, "pdf/ua-1", "test")
    assert "the image cannot be used" in str(info.value)


def test_a_truncated_picture_is_refused_after_weasyprint_is_imported():
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES when imported (the build imports it before
    the last editions are rendered): the check must not become lenient."""
    import weasyprint  # noqa: F401

    truncated = png(64, 64)[:-30]
    assert "cannot be decoded" in images.data_problem(truncated)
