"""Themes (brochure/resources.py): a publication's own theme/ overrides the default theme file
by file, publication.yaml names a theme or sets tokens, page geometry comes from tokens, a
theme inside the publication is sandboxed like its content, and a publication without any of
the data components (networks, cities, map, meetings, key figures) builds."""
import re
import shutil

import pytest
from pypdf import PdfReader

import inprocess
from brochure import content, resources
from brochure.errors import ContentError
from brochure.render import html as render
from brochure.typeset import fetch
from conftest import EDITIONS, PROJECT, edit, load_error, normalise

PL = next(e for e in EDITIONS if e.id == "pl")
A5 = next(e for e in EDITIONS if e.id == "pl-a5")


def own_theme(tree):
    """tree (a copy of the mini publication) with a theme/ folder of its own."""
    (tree / "theme" / "templates").mkdir(parents=True)
    (tree / "theme" / "styles").mkdir()
    return tree / "theme"


def test_the_default_theme_alone_without_a_theme_folder(tree):
    pub = content.load(tree)
    assert [f.shown for f in pub.theme.folders] == ["brochure/themes/default"]
    assert pub.theme.text_families() == ["Lato"] and len(pub.theme.font_faces()) == 6


def test_a_template_of_the_publication_overrides_the_default_s_one_by_one(tree):
    theme = own_theme(tree)
    base = (resources.templates_folder() / "back-cover.html").read_text(encoding="utf-8")
    (theme / "templates" / "back-cover.html").write_text(
        base.replace('<div class="back-block">', '<div class="back-block"><p>OWN BACK</p>'),
        encoding="utf-8")
    html = render.render(content.load(tree), PL)
    assert "OWN BACK" in html                                     # the publication's file
    assert 'class="cover' in html and "cover-map" in html         # the default's others


def test_tokens_css_adds_up_and_publication_yaml_tokens_come_last(tree):
    theme = own_theme(tree)
    (theme / "styles" / "tokens.css").write_text(":root { --navy: #0b3d2e; --font: Lato; }\n")
    publication = tree / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8")
                           + "tokens: {tint: \"#f0f0e8\", size-body: 10pt}\n", encoding="utf-8")
    pub = content.load(tree)
    tokens = pub.theme.design_tokens()
    assert tokens["navy"] == "#0b3d2e" and tokens["tint"] == "#f0f0e8"
    assert tokens["size-body"] == "10pt" and tokens["ink"] == "#1c2430"     # the default's
    css = str(render.stylesheet(pub, PL))
    assert css.index("--navy: #0b3d2e") > css.index("--navy: #14304f")     # after the default
    assert css.rstrip().endswith(":root { --tint: #f0f0e8; --size-body: 10pt; }")
    # tokens reach the @page rules, where custom properties do not: the covers are green
    assert "@page cover { margin: 0; background: #0b3d2e;" in css
    assert "var(--" not in "".join(part.split("}")[0] for part in css.split("@page")[1:])


def test_page_geometry_comes_from_the_tokens(tree):
    publication = tree / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8")
                           + "tokens: {page-a4: 216mm 279mm, margin-a4: 25mm 20mm 25mm}\n",
                           encoding="utf-8")
    pub = content.load(tree)
    css = str(render.stylesheet(pub, PL))
    assert "size: 216mm 279mm;" in css and "margin: 25mm 20mm 25mm;" in css
    slot = (279 - 25 - 25) / 3                     # the thumb-index tabs: thirds of the text block
    assert f"height: {slot:.2f}mm" in css and "15.0mm" in css      # inset: 20 mm less the tab
    assert "size: 148mm 210mm;" in str(render.stylesheet(pub, A5))  # A5: its own tokens


def test_a_token_publication_yaml_does_not_know_or_cannot_hold_is_an_error(tree):
    publication = tree / "publication.yaml"
    text = publication.read_text(encoding="utf-8")
    publication.write_text(text + "tokens: {nav: \"#000000\"}\n", encoding="utf-8")
    err = load_error(tree)
    assert err.file.endswith("publication.yaml") and '"nav" is not a design token' in err.message
    assert "navy" in err.message
    publication.write_text(text + "tokens: {navy: \"red; } body { x: y\"}\n", encoding="utf-8")
    assert "one CSS value" in load_error(tree).message


def test_publication_yaml_names_a_theme_folder_or_a_theme_of_the_builder(tree):
    (tree / "looks" / "quiet" / "templates").mkdir(parents=True)
    publication = tree / "publication.yaml"
    text = publication.read_text(encoding="utf-8")
    publication.write_text(text + "theme: looks/quiet\n", encoding="utf-8")
    assert [f.shown for f in content.load(tree).theme.folders] == \
        ["content/looks/quiet", "brochure/themes/default"]
    publication.write_text(text + "theme: default\n", encoding="utf-8")
    assert len(content.load(tree).theme.folders) == 1
    publication.write_text(text + "theme: ../../elsewhere\n", encoding="utf-8")
    err = load_error(tree)
    assert err.line == len(text.splitlines()) + 1
    assert 'theme "../../elsewhere" is neither a folder inside content/' in err.message


def test_a_theme_file_linking_out_of_the_publication_is_refused(tree, tmp_path):
    theme = own_theme(tree)
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }\n")
    (theme / "styles" / "theme.css").symlink_to(secret)
    err = load_error(tree)                          # its fonts are read when it is loaded
    assert err.file == "content/theme/styles/theme.css" and "it is a link to" in err.message
    (theme / "styles" / "theme.css").unlink()
    (theme / "templates" / "notes.html").symlink_to(secret)
    with pytest.raises(ContentError) as info:
        render.render_notes(content.load(tree), PL, 1)
    assert info.value.file == "content/theme/templates/notes.html"
    assert "outside content" in info.value.message


def test_the_fetcher_serves_styles_through_the_theme_and_records_the_publication_s(tree):
    theme = own_theme(tree)
    (theme / "styles" / "fonts").mkdir()
    shutil.copy(resources.fonts_folder() / "Lato-Bold.ttf", theme / "styles" / "fonts" / "x.ttf")
    pub = content.load(tree)
    path, shown = fetch.locate(fetch.BASE_URL + "styles/fonts/x.ttf", pub.theme, tree)
    assert path == (theme / "styles" / "fonts" / "x.ttf").resolve()
    assert shown == "content/theme/styles/fonts/x.ttf"           # the cache checks it
    path, shown = fetch.locate(fetch.BASE_URL + "styles/brochure.css", pub.theme, tree)
    assert path == (resources.styles_folder() / "brochure.css").resolve() and shown == "styles/brochure.css"
    with pytest.raises(fetch.NotServed, match="file not found: styles/none.css"):
        fetch.locate(fetch.BASE_URL + "styles/none.css", pub.theme, tree)


def test_templates_run_in_jinja_s_sandbox(tree):
    theme = own_theme(tree)
    (theme / "templates" / "notes.html").write_text(
        "{{ pub.__class__.__init__.__globals__ }}\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        render.render_notes(content.load(tree), PL, 1)
    assert info.value.file == "content/theme/templates/notes.html" and info.value.line == 1
    assert "template error" in info.value.message and "unsafe" in info.value.message


def test_a_template_s_syntax_error_names_its_file_and_line(tree):
    theme = own_theme(tree)
    (theme / "templates" / "notes.html").write_text("<p>\n{% if %}\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        render.render_notes(content.load(tree), PL, 1)
    assert (info.value.file, info.value.line) == ("content/theme/templates/notes.html", 2)


def test_the_glyph_check_knows_the_theme_s_fonts(tree):
    """A character Lato has and the theme's font does not is refused in that theme."""
    theme = own_theme(tree)
    report = PROJECT / "examples" / "report" / "theme" / "styles"
    shutil.copytree(report / "fonts", theme / "styles" / "fonts")
    shutil.copy(report / "fonts.css", theme / "styles" / "fonts.css")
    (theme / "styles" / "tokens.css").write_text(":root { --font: Vollkorn; }\n")
    edit(tree, "pl/01-wstep.md", "Projekt", "Projekt \u0199")      # ƙ: in Lato only
    err = load_error(tree)
    assert err.file == "content/pl/01-wstep.md" and "(Vollkorn)" in err.message


def test_components_of_the_theme_are_macros_fed_by_their_data_file(tree):
    theme = own_theme(tree)
    components = (resources.templates_folder() / "components.html").read_text(encoding="utf-8")
    (theme / "templates" / "components.html").write_text(components + (
        "{% macro partners(pub, lang, labels, items) %}<ul class=\"partners\">{% for p in items %}"
        "<li>{{ p.name[lang] }}</li>{% endfor %}</ul>{% endmacro %}\n"), encoding="utf-8")
    (tree / "data" / "partners.yaml").write_text(
        '- name: {pl: "Biblioteka", en: "Library"}\n', encoding="utf-8")
    edit(tree, "pl/01-wstep.md", "\n[[", "\n[[partners]]\n\n[[")
    edit(tree, "en/01-wstep.md", "\n[[", "\n[[partners]]\n\n[[")
    html = render.render(content.load(tree), PL)
    assert re.search(r'<ul [^>]*class="partners"><li>Biblioteka</li></ul>', html)
    (tree / "data" / "partners.yaml").write_text('- name: {pl: "Biblioteka"}\n', encoding="utf-8")
    err = load_error(tree)
    assert err.file == "content/data/partners.yaml" and "has no en text" in err.message


def test_a_component_s_data_is_checked_against_the_shape_the_theme_declares(tree):
    """templates/components.yaml declares each component's data: a wrong value is an error at
    its line in the data file, not a template error inside the theme."""
    theme = own_theme(tree)
    (theme / "templates" / "components.yaml").write_text(
        "partners:\n  - name: text\n    seats?: number\n", encoding="utf-8")
    data = tree / "data" / "partners.yaml"
    data.write_text('- name: {pl: "Biblioteka", en: "Library"}\n  seats: 12\n'
                    '- name: {pl: "Szkoła", en: "School"}\n', encoding="utf-8")
    assert content.load(tree).data["partners"] == [
        {"name": {"pl": "Biblioteka", "en": "Library"}, "seats": 12},
        {"name": {"pl": "Szkoła", "en": "School"}}]
    for text, line, words in [
            ('- name: {pl: "B", en: "L"}\n- name: {pl: "S", en: "S"}\n  seats: many\n', 3,
             '"seats" of item 2 of the data of [[partners]] must be a number, not \'many\''),
            ('- name: {pl: "B", en: "L"}\n- 7\n', 2, "item 2 of the data of [[partners]] must be "
             'a mapping with "name", "seats" (may be left out)'),
            ('- name: {pl: "B", en: "L"}\n  colour: red\n', 2, 'has "colour", which the theme'),
            ('- seats: 3\n', 1, 'has no "name"'),
            ('name: x\n', 1, "must be a list")]:
        data.write_text(text, encoding="utf-8")
        err = load_error(tree)
        assert (err.file, err.line) == ("content/data/partners.yaml", line), err
        assert words in err.message, err
    (theme / "templates" / "components.yaml").write_text("partners: [colour]\n", encoding="utf-8")
    err = load_error(tree)
    assert err.file.endswith("theme/templates/components.yaml") and "unknown shape" in err.message


def test_the_engine_names_no_component_of_pim():
    """No PIM component, file or place in the engine's code (its docstrings may cite PIM)."""
    import ast

    found = []
    for path in (PROJECT / "brochure").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                      and isinstance(node.body[0], ast.Expr)}
        words = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
                 and isinstance(n.value, str) and id(n) not in docstrings]
        words += [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]
        words += [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)]
        found += [(path.name, w) for w in words for name in
                  ("ppp", "nbs", "PHI1", "LAT0", "poland", "Poland", "SEA_TARGET") if name in w]
    assert not found, found


def bare_publication(root):
    """A publication with texts only: no networks, cities, map, meetings or key figures."""
    shutil.copytree(PROJECT / "tests" / "fixtures" / "mini", root)
    for name in ("networks", "cities", "timeline", "figures", "ppp-stages", "nbs-benefits"):
        (root / "data" / f"{name}.yaml").unlink()
    for name in ("poland.json", "poland.SOURCE.md"):
        (root / "data" / name).unlink()
    publication = root / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8").replace(
        "map: data/poland.json", ""), encoding="utf-8")
    for lang in ("pl", "en"):
        for section in root.glob(f"{lang}/*.md"):
            text = section.read_text(encoding="utf-8")
            lines = [line for line in text.split("\n") if not line.startswith("[[")
                     and not line.startswith("network:")]
            section.write_text("\n".join(lines).replace("layout: network", "layout: text"),
                               encoding="utf-8")
    return root


def test_a_publication_without_data_components_builds_every_edition(tmp_path):
    root = bare_publication(tmp_path / "content")
    pub = content.load(root)
    assert not pub.networks and not pub.cities and pub.outline is None and not pub.figures
    out = tmp_path / "out"
    run = inprocess.run(["--content", str(root), "--output", str(out), "--quiet"])
    assert run.returncode == 0, run.stdout + run.stderr
    cover = normalise(PdfReader(out / "pim-pl.pdf").pages[0].extract_text())
    assert "Mała publikacja" in cover and "Sieć" not in cover
    assert len(PdfReader(out / "print" / "pim-pl-print.pdf").pages) % 4 == 0
    assert (out / "a5" / "pim-en-a5.pdf").is_file()
    assert b"<svg" not in (out / "web" / "index.html").read_bytes()     # no cover map


def test_a_map_component_without_an_outline_says_what_to_add(tmp_path):
    root = bare_publication(tmp_path / "content")
    edit(root, "pl/01-wstep.md", "\n\n", "\n\n[[map]]\n\n")
    with pytest.raises(ContentError) as info:
        render.render(content.load(root), PL)
    assert "map: (a GeoJSON outline" in info.value.message


def test_a_city_outside_the_outline_is_refused_with_the_outline_s_extent(tree):
    edit(tree, "data/cities.yaml", "lon: ", "lon: 3")
    err = load_error(tree)
    assert err.file == "content/data/cities.yaml" and "lies outside the map" in err.message
    assert "content/data/poland.json reaches lat 49.0–54.8 and lon 14.1–24.1" in err.message
