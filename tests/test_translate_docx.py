"""brochure import FILE.docx (commands/word.py, translate/docx.py): a real Word document made by pandoc
and python-docx with every element the import handles, imported into the mini publication and
built; tracked changes and comments are check warnings at their lines; Word typography is
normalised; what cannot be carried is reported; a picture without alt text is refused."""
import shutil

import docx
import pypandoc
import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import parse_xml
from docx.shared import RGBColor
from PIL import Image
from pypdf import PdfReader

import inprocess
from brochure import content
from brochure.content import translation
from brochure.translate import staleness
from conftest import MINI

SOURCE = '''# Sieć Testowa

Pierwszy akapit z **pogrubieniem**, *kursywą* i [linkiem](https://example.org). Cytat: „tekst”.[^1]

## Podtytuł

- punkt pierwszy
    - punkt zagnieżdżony
- punkt drugi INSERTED

1. numer jeden
2. numer dwa

| Miasto | Temat MID |
|--------|-----------|
| Gdańsk | Zieleń przyuliczna |
| Lublin | Zielone Serce Miasta |

![Zielony prostokąt na białym tle](pic.png "Rysunek 1. Prostokąt")

Akapit z COMMENTED i dalej.

[^1]: Przypis pierwszy.
'''.replace("INSERTED", '[wstawiony]{.insertion author="Anna Nowak" date="2024-01-05T10:00:00Z"}'
                        '[usunięty]{.deletion author="Jan Kowalski" date="2024-01-05T10:00:00Z"}'
              ).replace("COMMENTED", '[Sprawdzić liczbę miast.]{.comment-start id="0" author="Ewa Lis" '
                                     'date="2024-01-05T10:00:00Z"}komentowanym fragmentem'
                                     '[]{.comment-end id="0"}')
VML = "urn:schemas-microsoft-com:vml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx(folder, alt=True):
    """pandoc writes the structure, comments and tracked changes; python-docx adds what Word
    users add: soft hyphens, no-break spaces, a manual line break, colours, highlighting,
    empty paragraphs and a text box."""
    # 1,240 x 827 px: printed across the 105 mm column at 300 ppi (a smaller picture would
    # print blurred, and the build refuses it)
    Image.new("RGB", (1240, 827), (0, 112, 74)).save(folder / "pic.png")
    source = SOURCE if alt else SOURCE.replace("![Zielony prostokąt na białym tle]", "![]")
    path = folder / ("word.docx" if alt else "noalt.docx")
    pypandoc.convert_text(source, "docx", format="markdown", outputfile=str(path),
                          extra_args=[f"--resource-path={folder}"])
    document = docx.Document(str(path))
    document.add_paragraph("")
    document.add_paragraph("   ")
    paragraph = document.add_paragraph("Samo\u00adrząd ma 500\u00a0tys. mieszkańców")
    paragraph.runs[0].add_break()
    coloured = paragraph.add_run("i kolorowy tekst")
    coloured.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    coloured.font.highlight_color = WD_COLOR_INDEX.YELLOW
    box = document.add_paragraph()
    box._p.append(parse_xml(
        f'<w:r xmlns:w="{W}" xmlns:v="{VML}"><w:pict><v:shape><v:textbox><w:txbxContent>'
        f'<w:p><w:r><w:t>Tekst w ramce</w:t></w:r></w:p></w:txbxContent></v:textbox>'
        f'</v:shape></w:pict></w:r>'))
    document.save(str(path))
    return path


def findings(root) -> list:
    """What check and the build say about the translations (Diagnostics)."""
    pub = content.load(root)
    return translation.problems(pub) + staleness.problems(pub)


def cli(*args):
    return inprocess.run(args)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("word")
    root = folder / "content"
    shutil.copytree(MINI, root)
    path = make_docx(folder)
    runs = [cli("import", path, "--section", "03-word", "--lang", lang, "--content", root)
            for lang in ("pl", "en")]
    return {"root": root, "docx": path, "runs": runs, "folder": folder}


def test_the_document_becomes_the_sections_markdown(imported):
    run = imported["runs"][0]
    assert run.returncode == 0, run.stderr
    text = (imported["root"] / "pl" / "03-word.md").read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    assert head == "---\ntitle: Sieć Testowa\nlayout: text"
    for expected in (
            'Pierwszy akapit z **pogrubieniem**, *kursywą* i [linkiem](https://example.org). '
            'Cytat: "tekst".<sup>1</sup>',
            "### Podtytuł", "- punkt pierwszy\n  - punkt zagnieżdżony", "- punkt drugi wstawiony\n",
            "1.  numer jeden", "| Gdańsk | Zieleń przyuliczna   |",
            '![Zielony prostokąt na białym tle](img/03-word/picture-1.png "Rysunek 1. Prostokąt")',
            'Akapit z komentowanym fragmentem i dalej.',
            '!!! note "Przypisy"\n    1.  Przypis pierwszy.',
            "Samorząd ma 500 tys. mieszkańców i kolorowy tekst"):
        assert expected in body, expected
    assert "usunięty" not in body.replace('"usunięty"', "")      # only in its review note
    assert "\u00ad" not in text and "\u00a0" not in text and "„" not in text
    assert "\n\n\n" not in body                                   # empty paragraphs dropped
    picture = imported["root"] / "pl" / "img" / "03-word" / "picture-1.png"
    assert Image.open(picture).size == (1240, 827)


def test_changes_comments_and_what_is_not_carried_are_reported(imported):
    stderr = imported["runs"][0].stderr
    lines = (imported["root"] / "pl" / "03-word.md").read_text(encoding="utf-8").split("\n")

    def at(fragment):
        return next(i + 1 for i, line in enumerate(lines) if fragment in line)
    assert (f'content/pl/03-word.md:{at("tracked insertion")}: warning: Word tracked insertion '
            f'by Anna Nowak, 2024-01-05: "wstawiony" (kept in the text; check it)') in stderr
    assert f'content/pl/03-word.md:{at("tracked deletion")}: warning: Word tracked deletion by ' \
           f'Jan Kowalski, 2024-01-05: "usunięty"' in stderr
    assert f'content/pl/03-word.md:{at("comment by")}: warning: Word comment by Ewa Lis, ' \
           f'2024-01-05: "Sprawdzić liczbę miast."' in stderr
    assert at("comment by") == at("komentowanym fragmentem") + 2      # right after its paragraph
    docx_name = str(imported["docx"])
    for fragment in ('not carried: a text box ("Tekst w ramce"): left out; copy its text',
                     "not carried: 1 runs of coloured text", "not carried: 1 highlighted runs",
                     "Word typography normalised (the build sets its own): 2 quotes, "
                     "1 soft hyphens, 1 no-break spaces, 1 manual line breaks",
                     "Word typography normalised: 2 empty paragraphs removed"):
        assert any(ln.startswith(f"{docx_name}: warning: ") and fragment in ln
                   for ln in stderr.splitlines()), fragment


def test_check_and_the_build_warn_at_each_review_note_until_it_is_deleted(imported, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(imported["root"], root)
    publication = root / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8").replace(
        "  - {file: 02-siec, pages: 2}", "  - {file: 02-siec, pages: 2}\n  - {file: 03-word}"),
        encoding="utf-8")
    notes = [str(d) for d in findings(root) if "Word " in d.message]
    assert len(notes) == 6 and all(ln.endswith("resolve it in the text, then delete this line")
                                   for ln in notes)
    markdown = root / "pl" / "03-word.md"
    markdown.write_text("\n".join(ln for ln in markdown.read_text(encoding="utf-8").split("\n")
                                  if "<!-- word:" not in ln), encoding="utf-8")
    assert len([d for d in findings(root) if "Word " in d.message]) == 3


def test_the_brochure_builds_from_the_imported_section(imported, tmp_path):
    root = imported["root"]
    publication = root / "publication.yaml"
    text = publication.read_text(encoding="utf-8")
    if "03-word" not in text:
        publication.write_text(text.replace("  - {file: 02-siec, pages: 2}",
                                            "  - {file: 02-siec, pages: 2}\n"
                                            "  - {file: 03-word, pages: 2}"), encoding="utf-8")
    out = tmp_path / "out"
    run = cli("--content", root, "--output", out, "--lang", "pl")
    assert run.returncode == 0, run.stdout + run.stderr
    assert 'content/pl/03-word.md:29: warning: Word comment by Ewa Lis' in run.stderr   # the build
    pages = [p.extract_text() for p in PdfReader(out / "pim-pl.pdf").pages]
    page = next(p for p in pages if "Sieć Testowa" in p and "Podtytuł" in p)
    for expected in ("Pierwszy akapit z pogrubieniem, kursywą i linkiem.", "„tekst”",
                     "punkt zagnieżdżony", "Gdańsk", "Zieleń przyuliczna", "Rysunek 1. Prostokąt",
                     "Przypisy", "Przypis pierwszy.", "Samorząd ma 500 tys. mieszkańców"):
        assert expected in page, expected
    html = (out / "html" / "pim-pl.html").read_text(encoding="utf-8")
    assert 'alt="Zielony prostokąt na białym tle"' in html


def test_a_picture_without_alt_text_is_refused_and_nothing_written(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(MINI, root)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    path = make_docx(tmp_path, alt=False)
    run = cli("import", path, "--section", "03-word", "--lang", "pl", "--content", root)
    assert run.returncode == 2
    first = run.stderr.splitlines()[0]
    assert first.startswith(f"{path}:") and ": error: picture 1 (block " in first
    assert "has no description: in Word, right-click the picture, choose Edit Alt Text" in first
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


@pytest.mark.parametrize("args, message", [
    (["--section", "../x", "--lang", "pl"], '--section "../x": give a plain name'),
    (["--section", "01-wstep", "--lang", "pl"], "exists; add --force"),
    (["--section", "03-x", "--lang", "de"], "--lang de: not a language of this publication"),
])
def test_bad_arguments_are_refused(imported, tmp_path, args, message):
    root = tmp_path / "content"
    shutil.copytree(MINI, root)
    run = cli("import", imported["docx"], *args, "--content", root)
    assert run.returncode == 2 and message in run.stderr.splitlines()[0]
    assert run.stderr.splitlines()[0].startswith(f'{imported["docx"]}:1: error: ')


def test_a_file_that_is_not_a_word_document_is_refused(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(MINI, root)
    fake = tmp_path / "fake.docx"
    fake.write_text("not a zip", encoding="utf-8")
    run = cli("import", fake, "--section", "03-x", "--lang", "pl", "--content", root)
    assert run.returncode == 2
    assert run.stderr.startswith(f"{fake}:1: error: not a Word document")
