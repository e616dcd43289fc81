"""The press-ready editions (print/pim-{pl,en}-print.pdf) and their booklets: page count,
no "Notes" padding, trim and bleed boxes, PDF/X-4 output intent, CMYK, bleed, imposition (the A3
booklet from the print edition, the office A4 booklet from the native A5 edition)."""
import io
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageCms
from pypdf import PdfReader

import inprocess
from brochure import colour
from brochure.press.impose import CROP_MARK_LENGTH_PT, CROP_MARK_OFFSET_PT, MM, booklet_order
from conftest import PROJECT, edit, page_texts
from test_bilingual import FOOTER_BAND, crop_text, footer_of

A4 = (210 * MM, 297 * MM)                      # 595.28 x 841.89 pt
SHEETS = {"a3": (420 * MM, 297 * MM), "a4": (297 * MM, 210 * MM)}   # landscape
NOTES = {"pl": "Notatki", "en": "Notes"}
STYLES = PROJECT / "brochure" / "themes" / "default" / "styles"


def print_pdf(built, lang) -> Path:
    return built["dir"] / "print" / f"pim-{lang}-print.pdf"


def css_hex(selector_pattern: str, prop: str) -> str:
    """The #hex value of `prop` in the first rule of styles/brochure.css matching the pattern
    (a var(--token) read from styles/tokens.css, as the builder writes it out in @page rules)."""
    css = (STYLES / "brochure.css").read_text(encoding="utf-8")
    rule = re.search(selector_pattern + r"\s*\{([^}]*)", css)
    assert rule, selector_pattern
    value = re.search(rf"(?:^|[;{{\s]){prop}:\s*(#[0-9a-fA-F]{{3,6}}\b|var\(--([\w-]+)\))",
                      rule.group(1))
    assert value, (selector_pattern, prop, rule.group(1))
    if value.group(2):
        tokens = (STYLES / "tokens.css").read_text(encoding="utf-8")
        return re.search(rf"--{value.group(2)}:\s*(#[0-9a-fA-F]{{3,6}})", tokens).group(1)
    return value.group(1)


def known_cmyk(pub):
    return {n.colour.lower(): n.cmyk for n in pub.networks}


def cmyk_fills(content: str) -> list:
    """(c, m, y, k) of every non-stroking CMYK colour set in a content stream."""
    fills = [tuple(float(v) for v in m) for m in re.findall(
        r"/DeviceCMYK cs\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+scn", content)]
    fills += [tuple(float(v) for v in m) for m in re.findall(
        r"(?<![\w.])(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+k\b", content)]
    return fills


RGB_OPERATOR = re.compile(r"(?<![\w./])(-?[\d.]+\s+-?[\d.]+\s+-?[\d.]+)\s+(rg|RG)(?![\w])")


def close(a, b, tolerance=0.002):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


@pytest.fixture(scope="module", params=["pl", "en"])
def lang(request):
    return request.param


@pytest.fixture(scope="module")
def pdf(built, lang):
    return print_pdf(built, lang)


@pytest.fixture(scope="module")
def reader(pdf):
    return PdfReader(pdf)


# ------------------------------------------------------------------ pages


def test_page_count_is_a_multiple_of_four(reader):
    assert len(reader.pages) % 4 == 0, len(reader.pages)


def test_print_lays_out_like_the_screen_edition_without_padding(built, lang, pdf, reader):
    """The page plan fills a multiple of four pages, so the print edition is the screen
    edition page for page (only colours and bleed differ): the same text on every page, no
    blank "Notes" page added before the back cover, and no padding reported."""
    screen = built["dir"] / f"pim-{lang}.pdf"
    texts, screen_texts = page_texts(pdf), page_texts(screen)
    assert len(texts) == len(screen_texts), (len(texts), len(screen_texts))
    differing = [n for n, (a, b) in enumerate(zip(texts, screen_texts), start=1) if a != b]
    assert not differing, f"pages whose text differs from the screen edition: {differing}"
    notes = [n for n, text in enumerate(texts, start=1) if text.strip() == NOTES[lang]]
    assert not notes, notes
    assert not re.search(rf'print/pim-{lang}-print\.pdf: added \d+ "{NOTES[lang]}"',
                         built["stdout"]), built["stdout"]


# ------------------------------------------------------------------ boxes


def test_trim_bleed_and_media_boxes(pub, reader):
    bleed = pub.print_options["bleed_mm"] * MM
    assert abs(bleed - 8.504) < 0.01
    media_margin = bleed
    if pub.print_options["crop_marks"]:
        media_margin += CROP_MARK_OFFSET_PT + CROP_MARK_LENGTH_PT
    for number, page in enumerate(reader.pages, start=1):
        assert "/TrimBox" in page and "/BleedBox" in page, number
        trim = [float(v) for v in page.trimbox]
        assert abs(trim[2] - trim[0] - A4[0]) < 0.1 and abs(trim[3] - trim[1] - A4[1]) < 0.1, \
            (number, trim)
        grown = [trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed]
        assert close([float(v) for v in page.bleedbox], grown, 0.01), (number, page.bleedbox)
        media = [trim[0] - media_margin, trim[1] - media_margin,
                 trim[2] + media_margin, trim[3] + media_margin]
        assert close([float(v) for v in page.mediabox], media, 0.01), (number, page.mediabox)


# ------------------------------------------------------------------ PDF/X-4


def test_output_intent_is_pdfx_with_the_cmyk_profile(pub, reader):
    intents = reader.trailer["/Root"].get("/OutputIntents")
    assert intents, "no /OutputIntents"
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFX"
    assert intent.get("/OutputConditionIdentifier")
    profile = intent["/DestOutputProfile"].get_object()
    data = profile.get_data()
    assert data[16:20] == b"CMYK", data[12:24]
    assert data[36:40] == b"acsp"                     # an ICC profile
    assert profile.get("/N") == 4
    # the configured profile (WeasyPrint re-serialises it through LittleCMS, so not byte-equal)
    embedded = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
    configured = ImageCms.ImageCmsProfile(str(STYLES.parent / pub.print_options["icc"])).profile
    for attribute in ("profile_description", "xcolor_space", "device_class", "copyright"):
        assert getattr(embedded, attribute) == getattr(configured, attribute), attribute
    # a registered printing condition (the ICC registry's FOGRA39), named readably
    assert "FOGRA39" in configured.profile_description
    assert intent["/OutputConditionIdentifier"] == "FOGRA39"
    assert intent["/RegistryName"] == "http://www.color.org"
    assert intent["/OutputCondition"] == "Coated FOGRA39 (ISO 12647-2:2004)"
    assert intent["/Info"] == configured.profile_description


def test_xmp_declares_pdfx4_only(reader):
    """PDF/X-4 identifies itself by pdfxid:GTS_PDFXVersion in XMP; the pdfx: keys of
    PDF/X-1a and X-3 (GTS_PDFXConformance) have no place in it."""
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfxid:GTS_PDFXVersion(?:>|=\")PDF/X-4", xmp), xmp[:2000]
    assert "GTS_PDFXConformance" not in xmp and "<pdfx:" not in xmp, xmp[:2000]
    for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate", "xmpMM:DocumentID",
                "xmpMM:VersionID", "xmpMM:RenditionClass", "dc:title", "pdf:Trapped"):
        assert key in xmp, key
    assert reader.metadata.title and reader.metadata.get("/Trapped") == "/False"


def test_pdf_version_and_no_annotations(pdf, reader):
    """PDF/X-4 is PDF 1.6; links mean nothing on paper and preflight rejects annotations
    inside the bleed box: the print edition has none, on any page, nor any left behind."""
    assert pdf.read_bytes()[:8] == b"%PDF-1.6"
    annotations = {n: len(page["/Annots"]) for n, page in enumerate(reader.pages, start=1)
                   if page.get("/Annots")}
    assert not annotations, f"page: annotations {annotations}"
    with pikepdf.open(pdf) as document:
        leftovers = [obj.objgen for obj in document.objects
                     if isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/Link"]
    assert not leftovers, leftovers


def test_cover_is_painted_in_cmyk(pub, reader):
    """Page 1 sets its background (the navy of @page cover) and the network bands as CMYK, and
    has no RGB fill."""
    content = reader.pages[0].get_contents().get_data().decode("latin-1")
    fills = cmyk_fills(content)
    assert fills, "no CMYK fill on the cover"
    navy = colour.cmyk(css_hex(r"@page cover", "background"), known_cmyk(pub))
    assert close(fills[0], navy), f"first fill {fills[0]}, cover navy {navy}"
    for network in pub.networks:
        want = tuple(v / 100 for v in network.cmyk)
        assert any(close(f, want) for f in fills), f"{network.id} band {want} not in {fills}"
    assert not RGB_OPERATOR.findall(content), RGB_OPERATOR.findall(content)


TEXT_FILL = re.compile(r"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) scn\s*BT\b")


def test_small_text_prints_on_the_black_plate_only(pub, reader):
    """The text colours of the design tokens carry their print inks (--ink-print: 0 0 0 100):
    body and table text is solid black ink (100 % K, not a screened 90 %), never spread over
    four plates a press can misregister."""
    fills = Counter()
    for page in reader.pages[1:-1]:
        content = page.get_contents().get_data().decode("latin-1")
        fills.update(tuple(float(v) for v in m.groups()) for m in TEXT_FILL.finditer(content))
    body = fills.most_common(1)[0][0]
    assert body == (0, 0, 0, 1), fills.most_common(4)
    plain = colour.cmyk("#1c2430", {})                 # what a plain conversion would give
    assert plain[0] > 0.3 and all(not close(f, plain) for f in fills), plain


def text_runs(page) -> list:
    """(size in pt, base font) of every text-showing operator of a page (pikepdf page)."""
    fonts = {str(k): str(v.get("/BaseFont", "")) for k, v in page.Resources.get("/Font", {}).items()}
    scale, saved, matrix, font = 1.0, [], 1.0, ("", 0.0)
    runs = []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            saved.append(scale)
        elif op == "Q":
            scale = saved.pop()
        elif op == "cm":
            scale *= abs(float(operands[0])) or abs(float(operands[1]))
        elif op == "BT":
            matrix = 1.0
        elif op == "Tm":
            matrix = abs(float(operands[0])) or abs(float(operands[1]))
        elif op == "Tf":
            font = (fonts.get(str(operands[0]), ""), float(operands[1]))
        elif op in ("TJ", "Tj", "'", '"'):
            runs.append((round(font[1] * matrix * scale, 2), font[0]))
    return runs


def test_small_type_on_the_navy_is_9pt_bold(pdf):
    """The covers' navy is three plates (C75 M39 K69): type reversed out of it, or in a tint
    on it, is 9 pt bold at the least (or 11.5 pt and more in any weight), never the 7.5 pt
    kicker or the 8.5 pt partner line a slight misregistration fills in."""
    with pikepdf.open(pdf) as document:
        for number in (0, len(document.pages) - 1):
            for size, font in text_runs(document.pages[number]):
                bold = any(w in font for w in ("Bold", "Heavy", "Black"))
                assert size >= 11.5 or (size >= 9 and bold), (number + 1, size, font)


def test_no_device_rgb_anywhere(reader):
    """PDF/X-4 with a CMYK output intent: no DeviceRGB colour may be set (preflight reports
    every rg/RG, even for an invisible fill), in page content or in form XObjects."""
    found = Counter()
    for number, page in enumerate(reader.pages, start=1):
        content = page.get_contents().get_data().decode("latin-1")
        found[f"page {number}"] += len(RGB_OPERATOR.findall(content))
    xobjects = reader.pages[0]["/Resources"].get("/XObject") or {}
    for name, xobject in xobjects.items():
        data = xobject.get_object().get_data().decode("latin-1")
        found[f"xobject {name}"] += len(RGB_OPERATOR.findall(data))
    found = {k: v for k, v in found.items() if v}
    assert not found, f"DeviceRGB colour operators: {found}"


# ------------------------------------------------------------------ bleed (rendered)


DPI = 30


def render_page(pdf, number, tmp_path) -> Image.Image:
    stem = tmp_path / f"page{number}"
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-f", str(number), "-l", str(number),
                    str(pdf), str(stem)], check=True, capture_output=True)
    image = next(tmp_path.glob(f"page{number}*.png"))
    return Image.open(image).convert("RGB")


def near(a, b, tolerance=24):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def geometry(pub, page):
    """(pixels per point, bleed in pixels, MediaBox width and height in pixels) of a page."""
    scale = DPI / 72
    return (scale, pub.print_options["bleed_mm"] * MM * scale,
            float(page.mediabox.width) * scale, float(page.mediabox.height) * scale)


def test_cover_artwork_reaches_into_the_bleed(pub, pdf, reader, tmp_path):
    """Each corner of the bleed (sampled half way into it: pdftoppm's last pixel column is only
    partly on the page) is not paper white but the colour the cover has just inside the trim
    at that corner (the navy background, or a network band that runs on into the bleed)."""
    page = reader.pages[0]
    assert "/TrimBox" in page
    outside = float(page.trimbox.left) - float(page.mediabox.left)
    assert abs(outside - pub.print_options["bleed_mm"] * MM) < 0.01, "no bleed outside the trim"
    image = render_page(pdf, 1, tmp_path)
    scale, bleed, width, height = geometry(pub, page)
    assert bleed >= 3
    reference = image.getpixel((int(bleed + 5 * MM * scale), int(height / 2)))   # inside trim
    navy = colour.rgb(css_hex(r"@page cover", "background"))
    assert near(reference, [round(255 * v) for v in navy], 40), reference
    inset, inside = bleed / 2, bleed + 1.5 * MM * scale
    wrong = []
    for x, y, x_in, y_in in ((inset, inset, inside, inside),
                             (width - inset, inset, width - inside, inside),
                             (inset, height - inset, inside, height - inside),
                             (width - inset, height - inset, width - inside, height - inside)):
        pixel, trim_pixel = image.getpixel((int(x), int(y))), image.getpixel((int(x_in), int(y_in)))
        if pixel == (255, 255, 255) or not near(pixel, trim_pixel, 12):
            wrong.append(((round(x), round(y)), pixel, trim_pixel))
    assert not wrong, f"(bleed corner px, its colour, colour inside the trim): {wrong}"
    corners_bottom = [image.getpixel((int(x), int(height - inset))) for x in (inset, width - inset)]
    assert all(near(p, reference, 12) for p in corners_bottom), corners_bottom


@pytest.mark.parametrize("where", ["cover-top", "back-bottom"])
def test_network_bands_at_the_trim_edge_bleed_off(pub, pdf, reader, tmp_path, where):
    """The network bands touch the trim edge (top of the cover, bottom of the back cover), so
    they must run on into the bleed: the bleed next to each band has the band's colour, or a
    trim a little outside the line leaves a navy sliver."""
    number = 1 if where == "cover-top" else len(reader.pages)
    image = render_page(pdf, number, tmp_path)
    scale, bleed, width, height = geometry(pub, reader.pages[number - 1])
    into_trim = bleed + 2 * MM * scale                  # 2 mm inside the trim edge
    in_bleed = bleed / 2
    if where == "back-bottom":
        into_trim, in_bleed = height - into_trim, height - in_bleed
    wrong = []
    for i in range(len(pub.networks)):
        x = int(bleed + (i + 0.5) * (width - 2 * bleed) / len(pub.networks))
        band = image.getpixel((x, int(into_trim)))
        beyond = image.getpixel((x, int(in_bleed)))
        if not near(band, beyond, 12):
            wrong.append((pub.networks[i].id, band, beyond))
    assert not wrong, f"(network, band colour inside trim, colour in the bleed): {wrong}"


# ------------------------------------------------------------------ booklets


@pytest.fixture(scope="module", params=["a3", "a4"])
def sheet(request):
    return request.param


def words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text))


def booklet_source(built, lang, sheet) -> Path:
    """What a booklet is imposed from at 100 %: the A4 print edition for the A3 sheets, the
    native A5 edition for the office A4 sheets."""
    if sheet == "a3":
        return print_pdf(built, lang)
    return built["dir"] / "a5" / f"pim-{lang}-a5.pdf"


def test_booklet_sheets_follow_booklet_order(built, lang, sheet):
    """Each sheet side holds, left and right, the pages booklet_order(n) names: the page number
    printed in each half's footer, or, for the pages without one (covers, the map, blank
    pages), the text of that page of the edition the booklet is imposed from."""
    booklet = built["dir"] / "print" / f"pim-{lang}-booklet-{sheet}.pdf"
    pdf = booklet_source(built, lang, sheet)
    sides = PdfReader(booklet).pages
    n = len(PdfReader(pdf).pages)
    assert len(sides) == n // 2
    source = [words(subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"],
                                   capture_output=True, text=True, check=True).stdout)
              for p in range(1, n + 1)]
    wrong = []
    for index, (side, pair) in enumerate(zip(sides, booklet_order(n)), start=1):
        width, height = float(side.trimbox.width), float(side.trimbox.height)
        assert close((width, height), SHEETS[sheet], 0.5), (index, width, height)
        left = float(side.trimbox.left) - float(side.mediabox.left)     # the sheet's bleed
        top = float(side.mediabox.top) - float(side.trimbox.top)
        for half, expected in enumerate(pair):
            x = left + half * width / 2
            text = crop_text(booklet, index, x, top, width / 2, height)
            band = height * FOOTER_BAND
            number, _ = footer_of(crop_text(booklet, index, x, top + height - band, width / 2,
                                            band), n)
            if expected is None:
                ok = not text.strip()
            elif number is not None:
                ok = number == expected
            else:
                ok = words(text) == source[expected - 1]
            if not ok:
                wrong.append((index, "left" if half == 0 else "right", expected, number,
                              " ".join(text.split())[:60]))
    assert not wrong, wrong
    sheet_footers = [footer_of(crop_text(booklet, i, x, h - h * FOOTER_BAND, w / 2,
                                         h * FOOTER_BAND), n)
                     for i, side in enumerate(sides, start=1)
                     for w, h in [(float(side.mediabox.width), float(side.mediabox.height))]
                     for x in (0, w / 2)]
    numbered = sum(1 for number, _ in sheet_footers if number is not None)
    assert numbered >= n // 2, sheet_footers    # the footer reading really sees page numbers


def test_booklet_cover_sheet_has_back_cover_left_and_cover_right(pub, built, lang, sheet):
    booklet = built["dir"] / "print" / f"pim-{lang}-booklet-{sheet}.pdf"
    side = PdfReader(booklet).pages[0]
    width, height = float(side.mediabox.width), float(side.mediabox.height)
    left = " ".join(crop_text(booklet, 1, 0, 0, width / 2, height).split())
    right = " ".join(crop_text(booklet, 1, width / 2, 0, width / 2, height).split())
    # the cover's key lists the networks its map draws (not one whose cities are mostly unknown)
    network_names = [n.name[lang] for n in pub.networks if not n.mostly_unknown(len(pub.cities_of(n.id)))]
    assert len(network_names) >= 2 and all(name in right for name in network_names), right
    assert pub.title[lang] in right and pub.title[lang] in left
    assert str(pub.date.year) in right.split()                         # the cover's year
    web = pub.imprint["web"]
    assert web in left.split() and web not in right, (left, right)    # the back cover's address
    assert not all(name in left for name in network_names), left


def test_a3_booklet_is_pdfx4_with_the_bleed_on_its_outer_edges(pub, built, lang, reader):
    """The A3 booklet is for a print shop: PDF/X-4 like its source (PDF 1.6, the same output
    intent, XMP identification, title, language, Trapped), no annotations; each sheet's trim
    is the 420 x 297 mm spread, its BleedBox the trim plus the bleed on all four sides, its
    MediaBox the BleedBox (plus the crop marks' room when they are asked for)."""
    booklet = built["dir"] / "print" / f"pim-{lang}-booklet-a3.pdf"
    assert booklet.read_bytes()[:8] == b"%PDF-1.6"
    imposed = PdfReader(booklet)
    root, source = imposed.trailer["/Root"], reader.trailer["/Root"]
    intent, original = root["/OutputIntents"][0].get_object(), \
        source["/OutputIntents"][0].get_object()
    for key in ("/S", "/OutputConditionIdentifier", "/RegistryName", "/OutputCondition"):
        assert intent[key] == original[key], key
    assert intent["/DestOutputProfile"].get_object().get_data() == \
        original["/DestOutputProfile"].get_object().get_data()
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfxid:GTS_PDFXVersion(?:>|=\")PDF/X-4", xmp)
    assert pub.title[lang] in xmp
    assert imposed.metadata.title == reader.metadata.title
    assert imposed.metadata.get("/Trapped") == "/False"
    assert root["/Lang"] == source["/Lang"]
    bleed = pub.print_options["bleed_mm"] * MM
    room = CROP_MARK_OFFSET_PT + CROP_MARK_LENGTH_PT if pub.print_options["crop_marks"] else 0
    for number, side in enumerate(imposed.pages, start=1):
        assert "/Annots" not in side, number
        trim = [float(v) for v in side.trimbox]
        assert close((trim[2] - trim[0], trim[3] - trim[1]), SHEETS["a3"], 0.1), trim
        grown = [trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed]
        assert close([float(v) for v in side.bleedbox], grown, 0.01), side.bleedbox
        media = [grown[0] - room, grown[1] - room, grown[2] + room, grown[3] + room]
        assert close([float(v) for v in side.mediabox], media, 0.01), side.mediabox


def test_a4_booklet_carries_title_and_language(built, lang, reader):
    booklet = built["dir"] / "print" / f"pim-{lang}-booklet-a4.pdf"
    assert booklet.read_bytes()[:8] >= b"%PDF-1.4"
    imposed = PdfReader(booklet)
    assert imposed.metadata.title == reader.metadata.title
    assert imposed.trailer["/Root"]["/Lang"] == reader.trailer["/Root"]["/Lang"]


@pytest.mark.parametrize("sheet", ["a4", "a3"])
def test_booklets_preset_short_edge_duplex_at_100_percent(built, lang, sheet):
    """A print dialog that reads /ViewerPreferences offers the booklet double-sided, turned
    over the short edge, unscaled: with a driver's defaults (long edge, fit to page) every back
    side comes out upside down and every page shrinks off the fold."""
    booklet = PdfReader(built["dir"] / "print" / f"pim-{lang}-booklet-{sheet}.pdf")
    hints = booklet.trailer["/Root"]["/ViewerPreferences"]
    assert hints["/Duplex"] == "/DuplexFlipShortEdge", hints
    assert hints["/PrintScaling"] == "/None", hints


def test_crop_marks_when_asked_for_lie_outside_the_bleed(tmp_path):
    """print: crop_marks: true in publication.yaml enlarges the media box beyond the bleed and
    keeps the trim and bleed boxes; the default build (above) has none."""
    root = tmp_path / "content"
    shutil.copytree(PROJECT / "tests" / "fixtures" / "mini", root)
    edit(root, "publication.yaml", "languages: [pl, en]",
         "languages: [pl, en]\nprint: {bleed_mm: 3, crop_marks: true}")
    run = inprocess.run(["--content", str(root), "--output", str(tmp_path / "out"), "--lang", "pl", "--quiet"])
    assert run.returncode == 0, run.stderr
    page = PdfReader(tmp_path / "out" / "print" / "pim-pl-print.pdf").pages[0]
    bleed, media, trim = page.bleedbox, page.mediabox, page.trimbox
    assert float(trim.width) == pytest.approx(595.28, abs=0.1)
    assert float(bleed.left) == pytest.approx(float(trim.left) - 8.504, abs=0.01)
    assert float(media.left) < float(bleed.left) - 3 and float(media.top) > float(bleed.top) + 3
    marks = page.get_contents().get_data()
    assert b"0 0 0 1 K" in marks
    side = PdfReader(tmp_path / "out" / "print" / "pim-pl-booklet-a3.pdf").pages[0]
    assert float(side.trimbox.width) == pytest.approx(420 * MM, abs=0.1)
    assert float(side.bleedbox.left) == pytest.approx(float(side.trimbox.left) - 8.504, abs=0.01)
    assert float(side.mediabox.left) < float(side.bleedbox.left) - 3
    assert b"0 0 0 1 K" in side.get_contents().get_data()


def test_output_intent_of_an_unregistered_profile_is_custom():
    """A profile naming no registered condition gets OutputConditionIdentifier "Custom" and its
    own description as OutputCondition, and no RegistryName (PDF/X-4 allows that with the
    profile embedded); the shipped one gets FOGRA39."""
    import pydyf

    from brochure.typeset import finish

    for data, identifier in ((b"not an ICC profile", "Custom"),
                             ((STYLES / "icc" / "coated-fogra39-argyll.icc").read_bytes(),
                              "FOGRA39")):
        pdf = pydyf.PDF()
        profile = pydyf.Stream([data], pydyf.Dictionary({"N": 4}))
        pdf.add_object(profile)
        intent = pydyf.Dictionary({"Type": "/OutputIntent", "S": "/GTS_PDFX",
                                   "RegistryName": pydyf.String("x"),
                                   "DestOutputProfile": profile.reference})
        pdf.catalog["OutputIntents"] = pydyf.Array([intent])
        finish.press_ready(None, pdf)
        assert intent["OutputConditionIdentifier"].string == identifier
        assert ("RegistryName" in intent) == (identifier == "FOGRA39")
        assert intent["OutputCondition"].string
