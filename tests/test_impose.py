"""Tests for brochure.impose: booklet order, imposition, crop marks."""
import re
import tempfile
import subprocess
import sys
from pathlib import Path

import pytest
import weasyprint
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from brochure.press.impose import (  # noqa: E402
    MM, add_crop_marks, booklet_order, impose_booklet)

A3_LANDSCAPE = (1190.55, 841.89)
PAGE_POINTS = {"A4": (595.28, 841.89)}
A4_LANDSCAPE = (841.89, 595.28)
SHEET_SIZE = {"A3": A3_LANDSCAPE, "A4": A4_LANDSCAPE}
PAGE_SIZE = {"A3": "A4", "A4": "A5"}     # the page size each sheet takes at 100 %
BLEED = 3 * MM
ICC = Path(__file__).resolve().parents[1] / "brochure/themes/default/styles/icc/coated-fogra39-argyll.icc"
TOL = 0.05

LEFT_RGB = (255, 136, 136)     # even (left-hand) pages: #f88
RIGHT_RGB = (136, 136, 255)    # odd (right-hand) pages: #88f
WHITE = (255, 255, 255)

# name: (pages, @page extra CSS)
FIXTURES = {
    "8": (8, ""),
    "12": (12, ""),
    "16": (16, ""),
    "10": (10, ""),
    "bleed8": (8, "bleed: 3mm;"),
}


def numbered_html(n, page_css, size="A4"):
    """n pages (A4 or A5), each with big "PAGE k" top left; left pages red, right blue."""
    css = (f"@page {{ size: {size}; margin: 20mm; {page_css} }}"
           "@page :left { background: #f88 } @page :right { background: #88f }"
           "section { font: bold 60pt DejaVu Sans }"
           "section + section { break-before: page }")
    body = "".join(f"<section>PAGE {k}</section>" for k in range(1, n + 1))
    return f"<style>{css}</style>{body}"


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sources")
    paths = {}
    for name, (n, page_css) in FIXTURES.items():
        for size in ("A4", "A5"):
            key = name if size == "A4" else (name, size)
            paths[key] = folder / f"{name}-{size}.pdf"
            weasyprint.HTML(string=numbered_html(n, page_css, size)).write_pdf(paths[key])
    return paths


def source_for(sources, name, sheet):
    """The fixture in the page size the sheet takes (A4 pages on A3, A5 pages on A4)."""
    return sources[name] if sheet == "A3" else sources[name, "A5"]


@pytest.fixture(scope="module")
def imposed(sources, tmp_path_factory):
    """imposed(name, sheet) -> path of the imposed PDF, made once."""
    folder = tmp_path_factory.mktemp("imposed")
    cache = {}

    def make(name, sheet):
        if (name, sheet) not in cache:
            cache[name, sheet] = folder / f"{name}-{sheet}.pdf"
            impose_booklet(source_for(sources, name, sheet), cache[name, sheet], sheet=sheet)
        return cache[name, sheet]
    return make


@pytest.fixture(scope="module")
def marked(sources, tmp_path_factory):
    path = tmp_path_factory.mktemp("marked") / "bleed8-marks.pdf"
    add_crop_marks(sources["bleed8"], path, BLEED)
    return path


# ------------------------------------------------------------ helpers


def mult(m, n):
    """Product of two PDF matrices [a b c d e f] (m first, then n)."""
    return [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]]


def page_labels(page):
    """[(k, matrix)] for every "PAGE k" text, read by poppler as it draws the page (so text
    inside Form XObjects is placed where it is shown); matrix is (h, 0, 0, h, x, y): the
    height of the word's box and its lower-left corner in the page's user space."""
    writer = PdfWriter()
    writer.add_page(page)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.pdf"
        writer.write(path)
        html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="([\d.]+)">([^<]*)</word>', html)
    box = page.mediabox
    found = []
    for (x0, y0, _x1, y1, text), following in zip(words, words[1:] + [None]):
        if text == "PAGE" and following and following[4].isdigit():
            height = float(y1) - float(y0)
            found.append((int(following[4]), (height, 0, 0, height, float(box.left) + float(x0),
                                              float(box.top) - float(y1))))
    return found


def read_side(page):
    """(left, right) page numbers on a sheet side, None for an empty half."""
    fold = float(page.mediabox.width) / 2
    halves = {"left": [], "right": []}
    for number, matrix in page_labels(page):
        halves["left" if matrix[4] < fold else "right"].append(number)
    assert all(len(v) <= 1 for v in halves.values()), halves
    return tuple(v[0] if v else None for v in halves.values())


def qpdf_check(path):
    result = subprocess.run(["qpdf", "--check", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr


def render(path, dpi, folder):
    """All pages of `path` as RGB images (pdftoppm)."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path),
                    str(folder / "p")], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(folder.glob("p-*.png"))]


def near(a, b, tol=TOL):
    return abs(float(a) - float(b)) <= tol


def box(rect):
    return [float(v) for v in rect]


# ------------------------------------------------------ booklet_order


def test_booklet_order_8_pages():
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]


def test_booklet_order_16_pages_start():
    assert booklet_order(16)[:4] == [(16, 1), (2, 15), (14, 3), (4, 13)]
    assert booklet_order(16)[-1] == (8, 9)


def test_booklet_order_pads_with_blanks():
    assert booklet_order(10) == [
        (None, 1), (2, None), (10, 3), (4, 9), (8, 5), (6, 7)]
    assert booklet_order(1) == [(None, 1), (None, None)]


@pytest.mark.parametrize("n", range(1, 34))
def test_booklet_order_properties(n):
    total = -(-n // 4) * 4
    order = booklet_order(n)
    assert len(order) == total // 2
    numbers = [p for side in order for p in side]
    assert sorted(p for p in numbers if p is not None) == list(range(1, n + 1))
    assert numbers.count(None) == total - n
    full = booklet_order(total)
    # padding: the same layout as the padded count, pages past n blank
    assert order == [tuple(p if p <= n else None for p in side) for side in full]
    for left, right in full:
        assert left + right == total + 1          # facing in the spread
    for front, back in zip(full[0::2], full[1::2]):
        # short-edge flip: behind the front's right half is the back's left
        assert back == (front[1] + 1, front[0] - 1)


def test_booklet_order_rejects_no_pages():
    with pytest.raises(ValueError):
        booklet_order(0)


# ----------------------------------------------------- impose_booklet


CASES = [(name, sheet) for name in FIXTURES for sheet in ("A3", "A4")]


@pytest.mark.parametrize("name,sheet", CASES)
def test_imposed_sides_follow_booklet_order(imposed, name, sheet):
    path = imposed(name, sheet)
    pages = PdfReader(path).pages
    n = FIXTURES[name][0]
    assert [read_side(page) for page in pages] == booklet_order(n)
    width, height = SHEET_SIZE[sheet]
    bleed = BLEED if name == "bleed8" and sheet == "A3" else 0     # A4 office sheets: no bleed
    for page in pages:
        assert near(page.mediabox.left, 0) and near(page.mediabox.bottom, 0)
        assert near(page.trimbox.width, width) and near(page.trimbox.height, height)
        assert near(page.trimbox.left, bleed) and near(page.trimbox.bottom, bleed)
        assert near(page.mediabox.width, width + 2 * bleed)
        assert near(page.mediabox.height, height + 2 * bleed)
        assert box(page.bleedbox) == pytest.approx(box(page.mediabox))
    qpdf_check(path)


@pytest.mark.parametrize("name,sheet", CASES)
def test_pages_upright_and_against_the_fold(sources, imposed, name, sheet):
    """Each label sits where it sat on its trimmed page, at 100 %, unrotated.

    The left page ends at the fold, the right page starts there; front
    and back sides alike (short-edge flip: no rotation of the back).
    """
    source = PdfReader(source_for(sources, name, sheet)).pages
    scale = 1.0
    order = booklet_order(FIXTURES[name][0])
    for page, (left, _right) in zip(PdfReader(imposed(name, sheet)).pages, order):
        assert page.get("/Rotate", 0) == 0
        fold = (float(page.trimbox.left) + float(page.trimbox.right)) / 2
        for number, matrix in page_labels(page):
            trim = source[number - 1].trimbox
            (_, src), = page_labels(source[number - 1])
            origin = fold - scale * float(trim.width) if number == left else fold
            assert near(matrix[4], origin + scale * (src[4] - float(trim.left)), 0.5)
            assert near(matrix[5], float(page.trimbox.bottom)
                        + scale * (src[5] - float(trim.bottom)), 0.5)
            assert all(near(a, scale * b, 1e-3) for a, b in zip(matrix[:4], src[:4]))
            assert matrix[0] > 0 and matrix[3] > 0


def test_back_sides_read_correctly_after_short_edge_flip(imposed):
    """Turned over the short edge, page k+1 is behind page k."""
    sides = [read_side(p) for p in PdfReader(imposed("16", "A3")).pages]
    for front, back in zip(sides[0::2], sides[1::2]):
        assert back[0] == front[1] + 1
        assert back[1] == front[0] - 1


@pytest.mark.parametrize("sheet", ["A3", "A4"])
def test_blank_positions_stay_empty(imposed, sheet, tmp_path):
    """10 pages: the missing pages 11 and 12 leave white halves."""
    images = render(imposed("10", sheet), 10, tmp_path)
    for image, (left, right) in zip(images, booklet_order(10)):
        w, h = image.size
        for x, number, colour in ((w // 4, left, LEFT_RGB), (3 * w // 4, right, RIGHT_RGB)):
            expected = WHITE if number is None else colour
            assert image.getpixel((x, 3 * h // 4)) == expected


@pytest.mark.parametrize("sheet", ["A3", "A4"])
def test_bleed_is_cut_off_at_the_fold(imposed, sheet, tmp_path):
    """The right page's 3 mm bleed must not cover the left page (and v.v.)."""
    dpi = 40
    sides = PdfReader(imposed("bleed8", sheet)).pages
    for image, side in zip(render(imposed("bleed8", sheet), dpi, tmp_path), sides):
        fold = (float(side.trimbox.left) + float(side.trimbox.right)) / 2 * dpi / 72
        y = image.size[1] // 2
        assert image.getpixel((int(fold) - 2, y)) == LEFT_RGB
        assert image.getpixel((int(fold) + 2, y)) == RIGHT_RGB


def test_bleed_pt_used_without_trimbox(sources, imposed, tmp_path):
    writer = PdfWriter(clone_from=sources["bleed8"])
    for page in writer.pages:
        del page["/TrimBox"]
        del page["/BleedBox"]
    bare = tmp_path / "bare.pdf"
    writer.write(bare)
    out = tmp_path / "out.pdf"
    impose_booklet(bare, out, bleed_pt=BLEED)
    expected = [page_labels(p) for p in PdfReader(imposed("bleed8", "A3")).pages]
    got = [page_labels(p) for p in PdfReader(out).pages]
    assert [[n for n, _ in side] for side in got] == [[n for n, _ in side] for side in expected]
    for side_got, side_expected in zip(got, expected):
        for (_, m1), (_, m2) in zip(side_got, side_expected):
            assert all(near(a, b, 0.01) for a, b in zip(m1, m2))


def test_scale_to(sources, imposed, tmp_path):
    """A4 pages on A4 sheets only when asked to shrink them (scale_to="A5"); by default an A4
    page is never shrunk: it does not fit half an A4 sheet, a clear ValueError."""
    out = tmp_path / "a5.pdf"
    impose_booklet(sources["8"], out, sheet="A4", scale_to="A5")
    native = PdfReader(imposed("8", "A4")).pages
    for page, reference in zip(PdfReader(out).pages, native):
        assert read_side(page) == read_side(reference)
        (_, shrunk), (_, full) = page_labels(page)[0], page_labels(reference)[0]
        assert shrunk[0] == pytest.approx(full[0] * 148 / 210, rel=0.02)   # 71 %, as asked
    for options in ({}, {"scale_to": 1.0}):
        with pytest.raises(ValueError, match="does not fit half of an A4 sheet"):
            impose_booklet(sources["8"], tmp_path / "big.pdf", sheet="A4", **options)


def test_a5_pages_on_a4_sheets_at_full_size(sources, imposed):
    """The office booklet: A5 pages at 100 %, the label as tall as on the A5 page."""
    (_, on_page), = page_labels(PdfReader(sources["8", "A5"]).pages[0])
    side = PdfReader(imposed("8", "A4")).pages[0]
    labels = dict(page_labels(side))
    assert labels[1][0] == pytest.approx(on_page[0], abs=0.01)


def test_a3_keeps_the_bleed_on_the_outer_edges(imposed, tmp_path):
    """A3 sheets from pages with 3 mm bleed: the sheet's bleed (outside its trim) shows the
    page colour on all four sides of both halves, white nowhere; the fold has none (above)."""
    dpi = 40
    path = imposed("bleed8", "A3")
    sides = PdfReader(path).pages
    for image, _side, (_left, _right) in zip(render(path, dpi, tmp_path), sides,
                                          booklet_order(8)):
        scale = dpi / 72
        inset = BLEED / 2 * scale                         # half way into the bleed
        w, h = image.size
        colours = {"left": LEFT_RGB, "right": RIGHT_RGB}
        samples = {"left": [(inset, h / 2), (w / 4, inset), (w / 4, h - inset)],
                   "right": [(w - inset, h / 2), (3 * w / 4, inset), (3 * w / 4, h - inset)]}
        for half, points in samples.items():
            for x, y in points:
                assert image.getpixel((int(x), int(y))) == colours[half], (half, x, y)


def test_a3_crop_marks_outside_the_bleed(sources, tmp_path):
    out = tmp_path / "marks.pdf"
    impose_booklet(sources["bleed8"], out, sheet="A3", crop_marks=True)
    for side in PdfReader(out).pages:
        trim, bleed, media = box(side.trimbox), box(side.bleedbox), box(side.mediabox)
        assert trim[2] - trim[0] == pytest.approx(A3_LANDSCAPE[0], abs=0.05)
        assert [b - t for b, t in zip(bleed, trim)] == pytest.approx(
            [-BLEED, -BLEED, BLEED, BLEED], abs=0.01)
        assert [m - b for m, b in zip(media, bleed)] == pytest.approx(
            [-(3 + 5 * MM), -(3 + 5 * MM), 3 + 5 * MM, 3 + 5 * MM], abs=0.01)
        data = side.get_contents().get_data().decode("latin-1")
        assert "0 0 0 1 K" in data
        found = segments(data)
        assert len(found) == 8
        for (x1, y1), (x2, y2) in found:
            gap = 3 - 0.01                                   # marks are written to 0.001 pt
            outside = (max(x1, x2) <= bleed[0] - gap or min(x1, x2) >= bleed[2] + gap or
                       max(y1, y2) <= bleed[1] - gap or min(y1, y2) >= bleed[3] + gap)
            assert outside, ((x1, y1), (x2, y2), bleed)
    qpdf_check(out)


@pytest.fixture(scope="module")
def pdfx_source(tmp_path_factory):
    """An 8-page PDF/X-4 source with a title, a language and a CMYK output intent."""
    path = tmp_path_factory.mktemp("pdfx") / "x4.pdf"
    html = numbered_html(8, "bleed: 3mm;").replace("<style>", (
        '<html lang="pl-PL"><head><title>Tytuł próbny</title>'
        '<meta name="dcterms.created" content="2023-08-02"><style>'
        "@color-profile device-cmyk { components: cyan, magenta, yellow, black; "
        f"src: url({ICC.as_uri()}) }}"), 1).replace("</style>", "</style></head><body>", 1)
    weasyprint.HTML(string=html + "</body></html>").write_pdf(path, pdf_variant="pdf/x-4")
    return path


@pytest.mark.parametrize("sheet", ["A3", "A4"])
def test_booklet_keeps_the_sources_description(pdfx_source, tmp_path, sheet):
    """Title, language, Info and XMP of the source; its output intent, so PDF 1.6 (X-4)."""
    out = tmp_path / "booklet.pdf"
    impose_booklet(pdfx_source, out, sheet=sheet, scale_to=None if sheet == "A3" else "A5")
    source, booklet = PdfReader(pdfx_source), PdfReader(out)
    assert out.read_bytes()[:8] == b"%PDF-1.6"
    assert booklet.metadata.title == source.metadata.title == "Tytuł próbny"
    assert booklet.metadata.get("/Trapped") == "/False"
    assert booklet.trailer["/Root"]["/Lang"] == "pl-PL"
    intent = booklet.trailer["/Root"]["/OutputIntents"][0].get_object()
    original = source.trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/OutputConditionIdentifier"] == original["/OutputConditionIdentifier"]
    assert intent["/DestOutputProfile"].get_object().get_data() == \
        original["/DestOutputProfile"].get_object().get_data()
    xmp = booklet.trailer["/Root"]["/Metadata"].get_object()
    assert xmp["/Type"] == "/Metadata" and xmp["/Subtype"] == "/XML"
    data = xmp.get_data().decode("utf-8")
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in data
    assert "Tytuł próbny" in data
    source_xmp = source.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    document_id = re.compile(r"<xmpMM:DocumentID>([^<]+)<")
    assert document_id.search(data).group(1) != document_id.search(source_xmp).group(1)
    for side in booklet.pages:
        assert "/TrimBox" in side and "/BleedBox" in side and "/Annots" not in side
    qpdf_check(out)


def test_booklet_of_a_screen_source_claims_neither_pdfx_nor_pdfua(tmp_path):
    """Without an output intent the booklet is PDF 1.4 (transparency) and says nothing of
    PDF/X; the source's PDF/UA claim is not copied (a booklet is not tagged)."""
    source, out = tmp_path / "ua.pdf", tmp_path / "booklet.pdf"
    html = numbered_html(4, "").replace("<style>", '<html lang="en"><title>Screen</title><style>')
    weasyprint.HTML(string=html).write_pdf(source, pdf_variant="pdf/ua-1")
    assert b"pdfuaid:part" in PdfReader(source).trailer["/Root"]["/Metadata"].get_data()
    impose_booklet(source, out, sheet="A3")
    assert out.read_bytes()[:8] == b"%PDF-1.4"
    booklet = PdfReader(out)
    root = booklet.trailer["/Root"]
    assert "/OutputIntents" not in root and "/StructTreeRoot" not in root
    assert b"pdfuaid:part" not in root["/Metadata"].get_data()
    assert booklet.metadata.title == "Screen" and root["/Lang"] == "en"


def test_pages_without_contents_are_imposed_blank(tmp_path):
    """A page may have no /Contents (a blank page: PDF 1.7, 7.7.3.3); its half of the sheet
    stays empty (it was an AttributeError)."""
    writer = PdfWriter()
    for _ in range(4):
        writer.add_blank_page(*PAGE_POINTS["A4"])
    source, out = tmp_path / "blank.pdf", tmp_path / "booklet.pdf"
    writer.write(source)
    assert all(page.get_contents() is None for page in PdfReader(source).pages)
    impose_booklet(source, out, sheet="A3")
    sides = PdfReader(out).pages
    assert [box(side.mediabox)[2:] for side in sides] == [pytest.approx(A3_LANDSCAPE)] * 2
    assert [read_side(side) for side in sides] == [(None, None)] * 2
    qpdf_check(out)
    with tempfile.TemporaryDirectory() as folder:
        assert all(image.getextrema() == ((255, 255),) * 3
                   for image in render(out, 20, Path(folder)))


# ----------------------------------------------------- add_crop_marks


def marks_stream(page):
    contents = page["/Contents"].get_object()
    assert len(contents) == 2
    return contents[-1].get_object().get_data().decode("ascii")


def segments(stream):
    pattern = r"(\S+) (\S+) m (\S+) (\S+) l S"
    return [((float(a), float(b)), (float(c), float(d)))
            for a, b, c, d in re.findall(pattern, stream)]


def test_crop_marks_boxes(sources, marked):
    margin = 3 + 5 * MM                    # offset + length beyond the bleed
    before = PdfReader(sources["bleed8"]).pages
    after = PdfReader(marked).pages
    assert len(after) == len(before)
    for old, new in zip(before, after):
        assert box(new.trimbox) == pytest.approx(box(old.trimbox))
        assert box(new.bleedbox) == pytest.approx(box(old.bleedbox))
        assert box(new.bleedbox) == pytest.approx(box(old.mediabox))
        bleed = box(new.bleedbox)
        grown = [bleed[0] - margin, bleed[1] - margin, bleed[2] + margin, bleed[3] + margin]
        assert box(new.mediabox) == pytest.approx(grown)
        assert box(new.cropbox) == pytest.approx(grown)       # marks visible
    qpdf_check(marked)


def test_crop_marks_in_process_black(marked):
    for page in PdfReader(marked).pages:
        stream = marks_stream(page)
        tokens = stream.split()
        assert "0 0 0 1 K" in stream
        assert "0.25 w" in stream
        for operator in ("rg", "RG", "g", "G", "k", "sc", "SC", "scn", "SCN", "CS", "cs"):
            assert operator not in tokens
        assert tokens[0] == "q" and tokens[-1] == "Q"


def test_crop_marks_outside_bleed_on_trim_lines(marked):
    for page in PdfReader(marked).pages:
        left, bottom, right, top = box(page.trimbox)
        b_left, b_bottom, b_right, b_top = box(page.bleedbox)
        m_left, m_bottom, m_right, m_top = box(page.mediabox)
        found = segments(marks_stream(page))
        assert len(found) == 8
        for (x1, y1), (x2, y2) in found:
            if y1 == y2:                                    # horizontal
                assert any(near(y1, v, 0.01) for v in (bottom, top))
                assert (max(x1, x2) <= b_left - 3 or min(x1, x2) >= b_right + 3)
                assert near(abs(x2 - x1), 5 * MM, 0.01)
            else:                                           # vertical
                assert x1 == x2
                assert any(near(x1, v, 0.01) for v in (left, right))
                assert (max(y1, y2) <= b_bottom - 3 or min(y1, y2) >= b_top + 3)
                assert near(abs(y2 - y1), 5 * MM, 0.01)
            for x, y in ((x1, y1), (x2, y2)):
                assert m_left - 0.01 <= x <= m_right + 0.01
                assert m_bottom - 0.01 <= y <= m_top + 0.01
        ends = {(round(x, 2), round(y, 2)) for s in found for x, y in s}
        assert len(ends) == 16


def test_original_content_wrapped_and_kept(sources, marked):
    before = PdfReader(sources["bleed8"]).pages
    reader = PdfReader(marked)
    for number, (old, new) in enumerate(zip(before, reader.pages), 1):
        original = ContentStream(new["/Contents"].get_object()[0], reader)
        operators = [op for _, op in original.operations]
        assert operators[0] == b"q" and operators[-1] == b"Q"
        depth = 0
        for i, op in enumerate(operators):
            depth += {b"q": 1, b"Q": -1}.get(op, 0)
            assert depth > 0 or i == len(operators) - 1
        assert depth == 0
        for (n_new, m_new), (n_old, m_old) in zip(page_labels(new), page_labels(old)):
            assert n_new == n_old and all(near(a, b, 1e-3) for a, b in zip(m_new, m_old))
        assert [n for n, _ in page_labels(new)] == [number]


def test_crop_marks_custom_offset_and_length(sources, tmp_path):
    out = tmp_path / "marks.pdf"
    add_crop_marks(sources["bleed8"], out, BLEED, offset_pt=6, length_pt=20)
    page = PdfReader(out).pages[0]
    bleed, media = box(page.bleedbox), box(page.mediabox)
    assert [m - b for m, b in zip(media, bleed)] == pytest.approx([-26, -26, 26, 26])
    (x1, y1), (x2, y2) = segments(marks_stream(page))[0]
    assert near(min(abs(x1), abs(x2)), BLEED + 6, 0.01)
    assert near(max(abs(x1), abs(x2)), BLEED + 26, 0.01)
    qpdf_check(out)


def test_crop_marks_reject_wrong_bleed(sources, tmp_path):
    with pytest.raises(ValueError):
        add_crop_marks(sources["8"], tmp_path / "x.pdf", BLEED)
    with pytest.raises(ValueError):
        add_crop_marks(sources["bleed8"], tmp_path / "y.pdf", 0)


def test_crop_marks_pin_implicit_boxes(sources, tmp_path):
    """Without explicit /BleedBox and /TrimBox in the source they are written."""
    writer = PdfWriter(clone_from=sources["bleed8"])
    trims = [box(page.trimbox) for page in writer.pages]
    bleeds = [box(page.bleedbox) for page in writer.pages]
    for page in writer.pages:
        del page["/BleedBox"]
    bare, out = tmp_path / "bare.pdf", tmp_path / "marks.pdf"
    writer.write(bare)
    add_crop_marks(bare, out, BLEED)
    for page, trim, bleed in zip(PdfReader(out).pages, trims, bleeds):
        assert box(page["/TrimBox"]) == pytest.approx(trim)
        assert box(page["/BleedBox"]) == pytest.approx(bleed)
    qpdf_check(out)
