"""Pictures in the texts: a caption, a size class, always inside the text column, and a
description (alt text) that screen readers read, required."""
import page
import pikepdf
import pytest
from PIL import Image

from brochure.typeset import adapters
from brochure.commands import cli
from brochure import content
from brochure.render import prose
from brochure.render import html as render
from brochure.typeset import pdf as typeset
from brochure.errors import ContentError
from conftest import normalise, pdf_text

TALL = "![Schemat sieci miast od północy do południa](img/wysoki.png \"Schemat - 2021-2023\")"
HALF = "![Wykres udziału miast](img/szeroki.png \"Udział miast\")\n{: .half }"


def test_a_lone_image_is_a_figure_with_its_size_and_caption():
    html = prose.to_html('![Wykres "udziału"](a.png "Podpis"){: .small }\n', "content/pl/x.md",
                         5, "pl")
    assert html.startswith('<figure class="picture small"><img src="a.png" '
                           'alt="Wykres &quot;udziału&quot;" data-source="content/pl/x.md:5">'
                           '<figcaption>Podpis</figcaption></figure>')
    assert prose.to_html("![Wykres](a.png)\n", "f", 1, "pl").startswith(
        '<figure class="picture full">')          # no size: the column's width
    inline = prose.to_html("Tekst ![znak](a.png) w zdaniu.\n", "f", 1, "pl")
    assert inline.startswith("<p>Tekst <img") and "figure" not in inline


def test_an_image_without_a_description_is_an_error_at_its_line():
    with pytest.raises(ContentError) as info:
        prose.to_html("Tekst.\n\n![](img/a.png \"Podpis\")\n", "content/pl/x.md", 5, "pl")
    assert (info.value.file, info.value.line) == ("content/pl/x.md", 7)
    assert "has no description" in info.value.message and "![" in info.value.message


def test_an_image_path_is_relative_to_its_markdown_file_and_the_hint_says_so(tree):
    with pytest.raises(ContentError) as info:
        prose.to_html("![Wykres](img/brak.png)\n", "content/pl/01-wstep.md", 5, "pl",
                      root=tree)
    assert "content/pl/img/brak.png" in info.value.message
    assert "relative to the folder of its Markdown file" in info.value.message


@pytest.fixture
def pictured(tree):
    (tree / "pl" / "img").mkdir()
    Image.new("RGB", (300, 1600), (30, 90, 160)).save(tree / "pl" / "img" / "wysoki.png")
    Image.new("RGB", (1600, 900), (200, 90, 30)).save(tree / "pl" / "img" / "szeroki.png")
    intro = tree / "pl" / "01-wstep.md"
    intro.write_text(intro.read_text(encoding="utf-8") + f"\n{TALL}\n\n{HALF}\n",
                     encoding="utf-8")
    return tree


def _boxes(box, tag):
    box = adapters.placed_box(box)
    if getattr(box, "element_tag", None) == tag:
        yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child, tag)


def test_pictures_stay_inside_the_text_column(pictured):
    pub = content.load(pictured)
    edition = next(e for e in pub.editions if e.id == "pl")
    document = typeset.lay_out(render.render(pub, edition, render.environment()),
                               content=pub.root)
    found = {}
    for laid_out in document.pages:
        page_box = adapters.page_box(laid_out)
        bottom = page_box.content_box_y() + page_box.height
        for figure in _boxes(page_box, "figure"):
            img = next(_boxes(figure, "img"))
            column = figure.containing_block.width if hasattr(figure, "containing_block") \
                else None
            found[img.element.get("alt")] = (img, figure, bottom, column)
    assert set(found) == {"Schemat sieci miast od północy do południa", "Wykres udziału miast"}
    tall, tall_figure, bottom, _ = found["Schemat sieci miast od północy do południa"]
    half, half_figure, _, _ = found["Wykres udziału miast"]
    assert tall.position_y + tall.height <= bottom            # scaled down, not off the page
    assert tall.width <= tall_figure.width + 0.5
    assert abs(half_figure.width / tall_figure.width - 0.5) < 0.01, \
        (half_figure.width, tall_figure.width)


def test_the_pdf_describes_each_picture_and_prints_its_caption(pictured, tmp_path):
    out = tmp_path / "out"
    assert cli.main(["--content", str(pictured), "--output", str(out), "--lang", "pl",
                     "--quiet"]) == 0
    text = normalise(pdf_text(out / "pim-pl.pdf"))
    assert "Schemat – 2021–2023" in text and "Udział miast" in text
    with pikepdf.open(out / "pim-pl.pdf") as pdf:
        alts = {str(obj.get("/Alt")) for obj in pdf.objects
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure"
                and "/Alt" in obj}
    assert {"Schemat sieci miast od północy do południa", "Wykres udziału miast"} <= alts, alts
    report = page.validate_pdf(str(out / "pim-pl.pdf"), profile=page.ValidationProfile("ua1"))
    assert report.rules.total >= 100 and report.rules.failed == 0, \
        [f.message for f in report.failures][:5]
