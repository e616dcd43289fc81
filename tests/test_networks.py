"""Any number of networks, up to six: a fourth network in the data and a section for it build
without code changes; tabs step down the page, one step per network, each shape its own."""
import re
import shutil

from pypdf import PdfReader

import inprocess
from brochure import content
from brochure.render import html as render
from brochure.content.publication import SHAPES
from conftest import EDITIONS, PROJECT, normalise

FOURTH = """
- id: czwarta
  name:  {pl: "Sieć Czwarta", en: "Fourth Network"}
  short: {pl: "Czwarta", en: "Fourth"}
  colour: "#6b4c00"
  cmyk: [0, 30, 100, 60]
  shape: frame
  cities_expected: 2
"""
CITY = """
- name: Olsztyn
  network: czwarta
  lat: 53.78
  lon: 20.49
  mid: {pl: "Temat czwartej sieci", en: "A topic of the fourth network"}
"""
SECTION = "---\ntitle: {title}\nlayout: network\nnetwork: czwarta\n---\n{text}\n\n[[mid-table]]\n"


def four_networks(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(PROJECT / "content", root)
    with open(root / "data" / "networks.yaml", "a", encoding="utf-8") as f:
        f.write(FOURTH)
    with open(root / "data" / "cities.yaml", "a", encoding="utf-8") as f:
        f.write(CITY)
    for lang, title, text in (("pl", "Sieć Czwarta", "Czwarta sieć tematyczna."),
                              ("en", "Fourth Network", "The fourth thematic network.")):
        (root / lang / "07-siec-czwarta.md").write_text(SECTION.format(title=title, text=text),
                                                        encoding="utf-8")
    publication = root / "publication.yaml"
    text = publication.read_text(encoding="utf-8")
    old = "  - {file: 06-spotkania, pages: {A4: 2, A5: 2}}"
    assert old in text
    publication.write_text(text.replace(old, "  - {file: 07-siec-czwarta, pages: 1}\n" + old),
                           encoding="utf-8")
    return root


def test_tabs_step_down_the_page_one_step_per_network(tmp_path):
    pub = content.load(four_networks(tmp_path))
    css = render.stylesheet(pub, next(e for e in EDITIONS if e.id == "pl"))
    tops = {n: re.search(rf"@page net-{n}:right {{ @right-top {{[^}}]*margin: ([\d.]+)mm", css)
            for n in ("zielona", "ppp", "cyfrowa", "czwarta")}
    offsets = [float(m.group(1)) for m in tops.values()]
    assert offsets == sorted(offsets) and len(set(offsets)) == 4
    heights = set(re.findall(r"@right-top \{[^}]*height: ([\d.]+)mm", css))
    assert heights == {f"{(297 - 20 - 19) / 4:.2f}"}


def test_a_fourth_network_builds_without_code_changes(tmp_path):
    root = four_networks(tmp_path)
    out = tmp_path / "out"
    run = inprocess.run(["--content", str(root), "--output", str(out), "--lang", "pl", "--quiet"])
    assert run.returncode == 0, run.stdout + run.stderr
    pages = [normalise(p.extract_text() or "") for p in PdfReader(out / "pim-pl.pdf").pages]
    assert "Sieć Czwarta" in pages[0]                           # the cover lists four networks
    assert any("Olsztyn" in p and "Temat czwartej sieci" in p for p in pages)


def test_six_networks_have_six_shapes():
    assert len(SHAPES) == len(set(SHAPES)) == 6
