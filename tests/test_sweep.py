"""Issue 22, class 5: a sweep of every field of every data file, of publication.yaml, of the
labels and of a front matter with wrong types and extreme values.

The fields are not listed here: they are read from the schema as the loader applies it. A
first load of a publication that uses every optional block records each mapping the loader
checks (`Record.only`: the keys it allows, present or not), and the label keys come from
`labels.KEYS`; the first item of every list is a field too. Each field is then set, in a copy of
the folder, to each value of HOSTILE, and loading plus rendering (the A4 and A5 HTML and the
web pages) must either succeed, printing no control character, or raise a ContentError at a
file and line of the content folder: never another exception ("internal error").
"""
import copy
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from brochure import content
from brochure.content import labels as labels_module, publication, schema, source
from brochure.errors import ContentError
from brochure.render import html as render, web

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"

HOSTILE = [None, True, 0, -1, 10 ** 30, float("inf"), float("nan"), 1.5, "", "x" * 201,
           "{n:>999999999}", "%s %d", "a\u202eb", "a\nb", "a\x1bb", dt.date(9999, 12, 31),
           dt.date(1000, 1, 1), [], [10 ** 30], {}, {"pl": "x", "en": "y"},
           {"pl": 5, "en": None}]

EXTRA = {
    "publication.yaml": """
print: {bleed_mm: 3, crop_marks: false, icc: styles/icc/coated-fogra39-argyll.icc}
imprint:
  web: www.example.pl
  isbn: "978-83-0000-000-0"
  copyright: {pl: "© Wydawca", en: "© Publisher"}
  disclaimer: {pl: "Zastrzeżenie", en: "Disclaimer"}
logos:
  - {file: img/logo.svg, alt: {pl: "Logo", en: "Logo"}}
editions:
  - {id: pl, languages: [pl], size: A4, print: false, booklets: false, pdf: pim-pl.pdf, html: html/pim-pl.html}
  - {id: pl-a5, languages: [pl], size: A5}
""",
    "data/cities.yaml": """
- name: Kołobrzeg
  network: ppp
  status: candidate
  source: {id: PIESZ, url: "https://example.pl/a", confidence: inferred, note: "a note"}
""",
    "data/timeline.yaml": """
- start: 2022-08-09
  end: unknown
  kind: online
  network: unknown
  number: 2
  title: {pl: "Spotkanie", en: "Meeting"}
  note: "for editors"
""",
    "data/figures.yaml": """
- value: 12
  group: products
  label: {pl: "produktów", en: "products"}
  note: {pl: "nota", en: "note"}
""",
}
ALL_COMPONENTS = ("\n\n[[map]]\n\n[[network-map side]]\n\n[[city-list]]\n\n[[ppp-stages]]\n\n"
                  "[[nbs-benefits]]\n\n[[timeline]]\n\n[[key-figures products]]\n")
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<rect width="10" height="10" fill="#123456"/></svg>')


def base(root: Path) -> Path:
    """The mini publication with every optional block and every component."""
    shutil.copytree(MINI, root)
    for name, extra in EXTRA.items():
        with (root / name).open("a", encoding="utf-8") as handle:
            handle.write(extra)
    for lang in ("pl", "en"):
        with (root / lang / "02-siec.md").open("a", encoding="utf-8") as handle:
            handle.write(ALL_COMPONENTS)
    (root / "img").mkdir()
    (root / "img" / "logo.svg").write_text(LOGO, encoding="utf-8")
    return root


ENV = render.environment()
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)      # only the test's own YAML
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def load_and_render(root: Path, every_edition=True, env=ENV) -> str:
    """The HTML of the editions (without every_edition: the first, the A4 screen edition, which
    shows every component) and of the web pages."""
    pub = content.load(root)
    editions = pub.editions if every_edition else pub.editions[:1]
    html = "".join(render.render(pub, e, env) for e in editions)
    downloads = [web.Download("pdf/pim-pl.pdf", 123456, 12, "pl", "pl", "pl", False)]
    return html + "".join(page.decode() for _, page in web.pages(pub, downloads, env=env))


def schema_sites(root: Path) -> list:
    """(file, path to a mapping or list, key or index) of every field the loader checks."""
    checked, trees = [], {}
    real_only, real_load_yaml = schema.Record.only, source.load_yaml

    def only(record, *allowed):
        checked.append((record.file, record.data, allowed))
        return real_only(record, *allowed)

    def load_yaml(folder, name, **options):
        data, display = real_load_yaml(folder, name, **options)
        trees[display] = data
        return data, display

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema.Record, "only", only)
        for module in (source, publication, labels_module):
            patch.setattr(module, "load_yaml", load_yaml)
        pub = content.load(root)
    for section in pub.sections:
        trees[pub.text_file(section, "pl")] = section.meta["pl"]
    paths = {}
    for display, tree in trees.items():
        for path, node in _walk(tree, []):
            paths[id(node)] = (display, path)
    sites = []
    for _, data, allowed in checked:
        if id(data) in paths:            # a record made by the loader itself has no place
            display, path = paths[id(data)]
            sites += [(display, path, key) for key in allowed]
    for display, tree in trees.items():  # the first item of every list: the item itself
        sites += [(display, path, 0) for path, node in _walk(tree, []) if isinstance(node, list)]
    sites += _label_sites(labels_module.KEYS, ["pl"])
    unique = {}             # the items of a list share their schema: one site per field
    for file, path, key in sites:
        general = (file, tuple("*" if isinstance(step, int) else step for step in path), key)
        unique.setdefault(general, (file, path, key))
    return list(unique.values())


def _walk(node, path):
    """(path, node) of every mapping and list of a YAML tree."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, path + [key])
    elif isinstance(node, list):
        yield path, node
        for index, item in enumerate(node):
            yield from _walk(item, path + [index])


def _label_sites(keys, path):
    for key, kind in keys.items():
        yield "content/labels.yaml", path, key
        if kind is True:
            yield "content/labels.yaml", path + [key], "one"
        elif isinstance(kind, dict):
            yield from _label_sites(kind, path + [key])


def mutate(root: Path, file: str, path: list, key, value) -> None:
    """Set the field to value in the folder's file (YAML, or a Markdown front matter)."""
    target = root / Path(file).relative_to("content")
    text = target.read_text(encoding="utf-8")
    body = None
    if target.suffix == ".md":
        _, front, body = text.split("---\n", 2)
        text = front
    data = yaml.load(text, Loader=LOADER)
    node = data
    for step in path:
        node = node[step]
    if isinstance(node, list) and key >= len(node):
        node.append(value)
    else:
        node[key] = value
    text = yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=1000)
    target.write_text(f"---\n{text}---\n{body}" if body is not None else text, encoding="utf-8")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    root = base(tmp_path_factory.mktemp("sweep") / "content")
    load_and_render(root)                         # the base itself is valid
    return root, schema_sites(root)


def test_the_sweep_covers_every_file_and_optional_block(prepared):
    _, sites = prepared
    files = {file for file, _, _ in sites}
    assert {"content/publication.yaml", "content/labels.yaml", "content/data/networks.yaml",
            "content/data/cities.yaml", "content/data/timeline.yaml",
            "content/data/figures.yaml", "content/data/ppp-stages.yaml",
            "content/data/nbs-benefits.yaml", "content/pl/01-wstep.md"} <= files
    keys = {key for _, _, key in sites}
    assert {"bleed_mm", "isbn", "editions", "booklets", "status", "confidence", "end",
            "cities_expected", "cmyk", "computed", "strip_title", "decimal", "source-hash",
            "running-head"} <= keys
    assert len(sites) > 120


def cached_parse(real):
    """parse_yaml that parses each text once: the sweep changes one file at a time, the
    others are read again and again (a copy each time: the loader may change what it gets)."""
    parsed = {}

    def parse(text, display):
        if (text, display) not in parsed:
            try:
                parsed[text, display] = ("data", real(text, display))
            except ContentError as err:
                parsed[text, display] = ("error", err)
        kind, value = parsed[text, display]
        if kind == "error":
            raise value
        return copy.deepcopy(value)
    return parse


def test_every_field_with_every_hostile_value_is_used_or_an_error_at_a_line(prepared,
                                                                            monkeypatch):
    root, sites = prepared
    monkeypatch.setattr(source, "parse_yaml", cached_parse(source.parse_yaml))
    failures = []
    for file, path, key in sites:
        target = root / Path(file).relative_to("content")
        original = target.read_bytes()
        for value in HOSTILE:
            mutate(root, file, path, key, value)
            where = f"{file} {'.'.join(map(str, path + [key]))} = {value!r:.40}"
            try:
                html = load_and_render(root, every_edition=file.endswith(".md"))
            except ContentError as err:
                if not (err.file.startswith("content/") and isinstance(err.line, int)
                        and err.line >= 1 and "\n" not in str(err) and len(str(err)) < 1200):
                    failures.append(f"{where}: a bad message: {str(err)[:200]}")
                continue
            except Exception as err:                        # noqa: BLE001 (what we look for)
                failures.append(f"{where}: {type(err).__name__}: {str(err)[:200]}")
                continue
            finally:
                target.write_bytes(original)
            if "\u202e" in html or "\x1b" in html:
                failures.append(f"{where}: a control character reached the HTML")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])
