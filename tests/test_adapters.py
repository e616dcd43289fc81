"""Pins of what brochure/adapters.py relies on in WeasyPrint 70.0 beyond its public API, and of
the one-layout, two-PDFs typesetting built on it."""
import io
import re

import pikepdf
import pypdf
import pytest

from brochure.typeset import adapters
from brochure.typeset import pdf as typeset
from brochure.model import PRINT_DEFAULTS

GREEN, GREEN_CMYK = "#00704a", (100, 0, 80, 30)
HTML = f"""<!doctype html><html lang="pl"><head><style>
@color-profile device-cmyk {{ components: cyan, magenta, yellow, black; src: url({PRINT_DEFAULTS['icc']}) }}
@page {{ size: A4; margin: 20mm; bleed: 3mm }}
p {{ color: {GREEN}; font-family: Lato }}
div {{ background: #777777; height: 10mm }}
</style></head><body><p>Zielona</p><div></div></body></html>"""
A4_PT = (595.28, 841.89)


def _outputs():
    return [typeset.Output(typeset.SCREEN, "test"), typeset.Output(typeset.PRINT, "test")]


@pytest.fixture(scope="module")
def pdfs():
    results = typeset.typeset_outputs(HTML, _outputs(), cmyk={GREEN: GREEN_CMYK})
    return [r.pdf for r in results]


def _content(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return "".join(page.Contents.read_bytes().decode("latin-1") for page in document.pages)


def _icc_profiles(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return sum(1 for obj in document.objects if isinstance(obj, pikepdf.Stream)
                   and obj.stream_dict.get("/N") == 4)


def test_one_font_configuration_per_process():
    from weasyprint.text.fonts import FontConfiguration

    first = adapters.font_configuration()
    assert isinstance(first, FontConfiguration)
    assert adapters.font_configuration() is first


def test_print_paints_the_designed_cmyk_and_no_rgb(pdfs):
    content = _content(pdfs[1])
    assert re.search(r"/DeviceCMYK cs\s+1 0 0\.8 0\.3 scn", content)   # the network's own CMYK
    assert re.search(r"/DeviceCMYK cs\s+0 0 0 0\.533 scn", content)     # grey: black ink only
    assert not re.search(r"[\d.]+ [\d.]+ [\d.]+ (rg|RG)\b", content)


def test_screen_keeps_srgb_and_the_painter_is_restored(pdfs):
    content = _content(pdfs[0])
    assert re.search(r"0 0\.439\d* 0\.290\d* rg", content)         # #00704a
    assert "DeviceCMYK" not in content
    from weasyprint.pdf.stream import Stream
    with adapters.device_cmyk_colours({}):
        assert Stream.set_color.__name__ == "set_color" and Stream.set_color.__qualname__ != \
            "Stream.set_color"
    assert Stream.set_color.__qualname__ == "Stream.set_color"


def test_only_print_carries_the_profile_and_an_output_intent(pdfs):
    screen, print_ = (pypdf.PdfReader(io.BytesIO(p)) for p in pdfs)
    assert "/OutputIntents" not in screen.trailer["/Root"]
    assert _icc_profiles(pdfs[0]) == 0 and _icc_profiles(pdfs[1]) == 1
    intent = print_.trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFX"
    assert len(pdfs[0]) < len(pdfs[1]) - 100_000        # the profile is about 200 KB


def test_screen_is_cut_to_the_trim_and_print_keeps_its_bleed(pdfs):
    screen, print_ = (pypdf.PdfReader(io.BytesIO(p)).pages[0] for p in pdfs)
    assert (float(screen.mediabox.width), float(screen.mediabox.height)) == \
        pytest.approx(A4_PT, abs=0.05)
    bleed = 3 / 25.4 * 72
    assert (float(print_.mediabox.width), float(print_.mediabox.height)) == \
        pytest.approx((A4_PT[0] + 2 * bleed, A4_PT[1] + 2 * bleed), abs=0.05)
    assert (float(print_.trimbox.width), float(print_.trimbox.height)) == \
        pytest.approx(A4_PT, abs=0.05)


def test_one_layout_gives_the_same_pages_to_both(pdfs):
    texts = [pypdf.PdfReader(io.BytesIO(p)).pages[0].extract_text() for p in pdfs]
    assert texts[0] == texts[1] and "Zielona" in texts[0]


def test_box_tree_access():
    from weasyprint.formatting_structure import boxes

    document = typeset.lay_out('<html><body><p style="position: absolute">a</p>'
                               '<p><span lang="en">b</span></p></body></html>')
    root = adapters.page_box(document.pages[0])
    assert isinstance(root, boxes.PageBox)

    def walk(box):
        yield box
        for child in getattr(box, "children", ()):
            yield from walk(child)
    placed = [adapters.placed_box(b) for b in walk(root)]
    assert any(isinstance(b, boxes.BlockBox) and b.style["position"] == "absolute" for b in placed)
    assert adapters.pdf_tag("span") == "Span" and adapters.pdf_tag("p") == "P"
    assert adapters.pdf_tag("table") == "Table"


def test_stream_tags_are_shared_per_page():
    import pydyf

    seen = {}

    def finisher(document, pdf):
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Stream) and adapters.stream_tags(obj) is not None:
                seen.setdefault(id(adapters.stream_tags(obj)), 0)
                seen[id(adapters.stream_tags(obj))] += 1
    typeset.typeset('<html lang="pl"><body><p>a</p><p style="break-before: page">b</p>'
                    '</body></html>', typeset.SCREEN, "tags", finisher=lambda anchors: finisher)
    assert len(seen) == 2          # one numbering per page


def test_pypdf_writer_objects_identifier_and_info():
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (ArrayObject, ByteStringObject, DictionaryObject, NameObject,
                               TextStringObject)

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    reference = adapters.add_object(writer, DictionaryObject({NameObject("/X"): NameObject("/Y")}))
    writer.root_object[NameObject("/Test")] = reference
    identifier = ByteStringObject(b"0123456789abcdef")
    adapters.set_identifier(writer, ArrayObject([identifier, identifier]))
    adapters.set_info(writer, DictionaryObject({NameObject("/Trapped"): NameObject("/False")}))
    adapters.info(writer)[NameObject("/Producer")] = TextStringObject("test")
    out = io.BytesIO()
    writer.write(out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert reader.trailer["/Root"]["/Test"]["/X"] == "/Y"
    assert reader.trailer["/ID"][0].original_bytes == b"0123456789abcdef"
    assert reader.trailer["/Info"]["/Trapped"] == "/False"
    assert reader.metadata["/Producer"] == "test"


def _photo_html(width_px=1800) -> str:
    import base64

    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise((width_px, width_px // 2), 40).convert("RGB").save(out, "JPEG")
    uri = "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()
    return ('<!doctype html><html lang="pl"><head><style>@page { size: A4; margin: 20mm }'
            'img { width: 60mm }</style></head><body>'
            f'<img src="{uri}" alt="x" data-source="content/pl/x.md:3"></body></html>')


def _image_widths(pdf: bytes) -> list:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [int(image.Width) for page in document.pages
                for image in page.get_images().values()]


def test_pictures_are_embedded_at_the_resolution_of_each_output_of_one_layout():
    """image_resolution sets WeasyPrint's dpi on the layout's images for one PDF and gives each
    image its data back: the second PDF is not downsampled from the first one's copy."""
    outputs = [typeset.Output(typeset.SCREEN, "a", ppi=150),
               typeset.Output(typeset.PRINT, "a", ppi=300),
               typeset.Output(typeset.SCREEN, "a", ppi=None)]
    screen, press, full = typeset.typeset_outputs(_photo_html(), outputs)
    # 60 mm: 354 px at 150 ppi, 708 at 300 (rounded down); without a limit, the 1800 px
    assert _image_widths(screen.pdf) == [354]
    assert _image_widths(press.pdf) == [708]
    assert _image_widths(full.pdf) == [1800]
    placed = screen.pictures
    assert [(p.source, p.pixels, p.printed_mm) for p in placed] == \
        [("content/pl/x.md:3", (1800, 900), (60.0, 30.0))]
    assert round(placed[0].ppi) == 762


def test_raster_image_reads_the_pixels_of_a_replaced_box():
    import weasyprint

    document = weasyprint.HTML(string=_photo_html(300)).render()
    found = []
    for page in document.pages:
        stack = [adapters.page_box(page)]
        while stack:
            box = stack.pop()
            stack += getattr(box, "children", [])
            image = adapters.raster_image(box)
            if image:
                found.append(image[:2])
    assert found == [(300, 150)]
