"""Issue 22, class 8: pictures fit for publication.

- The PDFs embed a picture at most at the resolution their edition needs, from its printed
  size: 300 ppi in the print editions, 150 in the screen editions (a 3 MB photo went into
  every PDF at 1,453 ppi, 120 KB -> 3.1 MB).
- A picture that would print blurred (below 150 ppi) is an error at its line that names it,
  its pixels and its ppi; a far oversized one is a warning.
- The web edition carries every picture it shows: downsized copies in output/web/img/ with
  srcset (it referred to content/… and copied nothing).
- All of it is reproducible: the same bytes at every build.
"""
import hashlib
import io
import re
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageFilter

from brochure.commands import cli
from brochure.typeset import pictures
from conftest import edit

EDITIONS = ("editions:\n  - {id: pl, languages: [pl]}\n"
            "  - {id: pl-print, languages: [pl], print: true, booklets: false}\n")


def photo(width, height, quality=90) -> bytes:
    """A photo-like JPEG (noise, softened): it does not compress away."""
    noise = Image.effect_noise((width, height), 50).convert("RGB")
    out = io.BytesIO()
    noise.filter(ImageFilter.GaussianBlur(1)).save(out, "JPEG", quality=quality)
    return out.getvalue()


def with_picture(tree, data: bytes, name="foto.jpg", size=".small") -> Path:
    (tree / "pl" / "img").mkdir(exist_ok=True)
    (tree / "pl" / "img" / name).write_bytes(data)
    edit(tree, "pl/01-wstep.md", "[[key-figures]]",
         f'[[key-figures]]\n\n![Zdjęcie z warsztatów](img/{name} "Warsztaty")\n{{: {size} }}')
    with (tree / "publication.yaml").open("a", encoding="utf-8") as handle:
        handle.write(EDITIONS)
    return tree


def build(tree, out, capsys):
    code = cli.main(["--content", str(tree), "--output", str(out)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def images_of(pdf: Path) -> list:
    """(width, height) of every image XObject the PDF draws, each once."""
    found = {}
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            for image in page.get_images().values():
                found[image.objgen] = (int(image.Width), int(image.Height))
    return list(found.values())


@pytest.fixture(scope="module")
def big_photo():
    return photo(3000, 2250)


def test_pdfs_embed_a_picture_at_the_resolution_of_their_edition(tree, tmp_path, capsys,
                                                                 big_photo):
    with_picture(tree, big_photo)
    code, printed = build(tree, tmp_path / "out", capsys)
    assert code == 0, printed
    # .small: a third of the 105 mm column, 35 mm: 207 px at 150 ppi, 413 px at 300 ppi
    screen, press = images_of(tmp_path / "out" / "pim-pl.pdf"), \
        images_of(tmp_path / "out" / "print" / "pim-pl-print.pdf")
    assert len(screen) == 1 and 200 <= screen[0][0] <= 210, screen
    assert len(press) == 1 and 405 <= press[0][0] <= 420, press
    assert screen[0][0] * 3 == pytest.approx(screen[0][1] * 4, abs=4)    # the shape kept
    assert (tmp_path / "out" / "pim-pl.pdf").stat().st_size < len(big_photo) / 4
    warning = next(line for line in printed.splitlines() if "the picture" in line)
    assert warning.startswith("content/pl/01-wstep.md:9: warning: the picture "
                              "content/pl/img/foto.jpg (3000 x 2250 px, printed 35 x 26.2 mm")
    assert "2,177 ppi" in warning and "about 413 px wide would do" in warning


def test_the_downsampled_pictures_are_the_same_bytes_at_every_build(tree, tmp_path, capsys,
                                                                   big_photo):
    with_picture(tree, big_photo)
    digests = []
    for name in ("a", "b"):
        code, printed = build(tree, tmp_path / name, capsys)
        assert code == 0, printed
        digests.append({p.relative_to(tmp_path / name).as_posix():
                        hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in (tmp_path / name).rglob("*") if p.is_file()
                        and ".cache" not in p.parts})
    assert digests[0] == digests[1]


def test_a_picture_that_would_print_blurred_is_an_error_at_its_line(tree, tmp_path, capsys):
    with_picture(tree, photo(300, 200), size=".full")
    code, printed = build(tree, tmp_path / "out", capsys)
    assert code == 2
    error = next(line for line in printed.splitlines() if ": error: " in line)
    assert error.startswith("content/pl/01-wstep.md:9: error: the picture "
                            "content/pl/img/foto.jpg (300 x 200 px, printed 105 x 70 mm, A4) "
                            "has 73 ppi and would print blurred"), error
    assert "about 1240 px wide" in error
    assert not (tmp_path / "out" / "pim-pl.pdf").exists()


def test_check_names_a_blurred_picture_too(tree, capsys):
    with_picture(tree, photo(300, 200), size=".full")
    assert cli.main(["check", "--content", str(tree)]) == 2
    assert "content/pl/01-wstep.md:9: error: the picture content/pl/img/foto.jpg" in \
        capsys.readouterr().err


def test_the_resolution_of_each_edition():
    from brochure.content.editions import standard

    ppi = {e.id: pictures.ppi_for(e) for e in standard("pim", ["pl", "en"])}
    assert ppi == {"pl": 150, "en": 150, "pl-en": 150, "pl-print": 300, "en-print": 300,
                   "pl-a5": 300, "en-a5": 300}            # A5 is printed as a booklet


# --- the web edition ----------------------------------------------------------------------

def referenced(page: Path) -> list:
    """Every file a web page refers to: src, srcset and href of its own folder."""
    html = page.read_text(encoding="utf-8")
    found = re.findall(r'\s(?:src|href)="([^"#:]+)"', html)
    for srcset in re.findall(r'\ssrcset="([^"]+)"', html):
        found += [item.split()[0] for item in srcset.split(",")]
    return found


def test_the_web_edition_carries_its_pictures_downsized_with_srcset(tree, tmp_path, capsys,
                                                                   big_photo):
    with_picture(tree, big_photo)
    edit(tree, "publication.yaml", "  - {id: pl-print", "  - {id: en, languages: [en]}\n  - {id: pl-print")
    (tree / "en" / "img").mkdir()
    (tree / "en" / "img" / "znak.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10" fill="#2e7d32"/></svg>', encoding="utf-8")
    edit(tree, "en/01-wstep.md", "[[key-figures]]", "[[key-figures]]\n\n![A sign](img/znak.svg)")
    code, printed = build(tree, tmp_path / "out", capsys)
    assert code == 0, printed
    web = tmp_path / "out" / "web"
    for page in (web / "index.html", web / "en" / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert "content/" not in html and "data-source" not in html
        for path in referenced(page):
            assert (page.parent / path).resolve().is_file(), (page, path)
    polish = (web / "index.html").read_text(encoding="utf-8")
    img = re.search(r"<img [^>]*>", polish).group(0)
    assert 'srcset="img/' in img and "400w" in img and "1600w" in img and 'sizes="' in img
    copies = sorted((web / "img").glob("*.jpg"))
    widths = sorted(Image.open(p).size[0] for p in copies)
    assert widths == [400, 800, 1600]
    assert sum(p.stat().st_size for p in copies) < len(big_photo) / 2
    assert len(list((web / "img").glob("*.svg"))) == 1
    english = (web / "en" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<img src="\.\./img/[0-9a-f]{16}\.svg" alt="A sign"', english)
