"""The web edition (output/web/): self-contained, relative links only, the PDFs of the same build
with their sizes, accessible structure; and in a real browser (Debian's chromium driven by
playwright-core, tests/web/axe.mjs): no axe-core WCAG 2.1 AA violation, no failed request, no
request outside the folder, no sideways scroll, at 1280 and 375 px."""
import functools
import hashlib
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import LABELS

from brochure import content
from brochure.render import web

PROJECT = Path(__file__).resolve().parent.parent
STYLES = PROJECT / "brochure" / "themes" / "default" / "styles"
NODE_DIR = PROJECT / "tests" / "web"
CHROMIUM = Path("/usr/bin/chromium")
PAGES = ("index.html", "en/index.html")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


class Page(HTMLParser):
    """What the tests look at in one HTML file: links, ids, headings, landmarks, languages."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.links, self.ids, self.headings, self.tags, self.langs = [], set(), [], [], []
        self.svgs = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        for name in ("href", "src"):
            if name in attrs:
                self.links.append((tag, attrs[name]))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if "lang" in attrs:
            self.langs.append((tag, attrs["lang"]))
        if tag == "svg":
            self.svgs.append(attrs)


@pytest.fixture(scope="module")
def site(built):
    return built["dir"] / "web"


@functools.lru_cache
def parse(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def test_the_build_writes_a_page_per_language_and_says_so(site, built):
    for name in PAGES:
        assert (site / name).is_file(), name
    assert re.search(r"web/\s+\d+ KB\s+\d+ files \(web edition\)", built["stdout"]), built["stdout"]
    assert re.search(r"web edition \(output/web\)\s+\d+\.\d+ s", built["stdout"])
    pl, en = parse(site / "index.html"), parse(site / "en/index.html")
    assert ("html", "pl") in pl.langs and ("html", "en-GB") in en.langs
    assert "Partnerska Inicjatywa Miast 2021–2023" in (site / "index.html").read_text()
    assert "Cities’ Partnership Initiative 2021–2023" in (site / "en/index.html").read_text()


def test_every_link_is_relative_and_resolves_to_a_file_in_the_folder(site):
    checked = 0
    for page in sorted(site.rglob("*.html")):
        parsed = parse(page)
        assert not any(tag == "base" for tag, _ in parsed.tags), f"{page}: a <base> element"
        for tag, link in parsed.links:
            checked += 1
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc and not link.startswith("/"), \
                f"{page.relative_to(site)}: <{tag}> {link} is not relative"
            if not parts.path:
                assert parts.fragment in parsed.ids, f"{page.relative_to(site)}: no #{parts.fragment}"
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_relative_to(site.resolve()), f"{page}: {link} leaves the folder"
            assert target.is_file(), f"{page.relative_to(site)}: {link} does not exist"
    css = (site / "web.css").read_text(encoding="utf-8")
    for url in CSS_URL.findall(css):
        checked += 1
        assert not urlsplit(url).scheme and not url.startswith("/"), url
        assert (site / url).is_file(), f"web.css: {url} does not exist"
    assert checked > 40, checked
    assert "@import" not in css


def test_the_pdfs_of_the_same_build_are_linked_with_their_sizes(site, built):
    out = built["dir"]
    pdfs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")
                  if not p.is_relative_to(site))
    assert len(pdfs) == 11, pdfs        # 3 screen, 2 print and 2 A5 editions, 4 booklets
    for lang, name in (("pl", "index.html"), ("en", "en/index.html")):
        page = parse(site / name)
        prefix = "" if name == "index.html" else "../"
        links = {h for _, h in page.links if h.endswith(".pdf")}
        assert links == {f"{prefix}pdf/{p}" for p in pdfs}, name
        html = (site / name).read_text(encoding="utf-8")
        for rel in pdfs:
            copy = site / "pdf" / rel
            assert hashlib.sha256(copy.read_bytes()).digest() == \
                hashlib.sha256((out / rel).read_bytes()).digest(), rel
            size = web.file_size(copy.stat().st_size, LABELS[lang])
            item = re.search(rf'href="{re.escape(prefix)}pdf/{re.escape(rel)}".*?'
                             rf'<span class="download-details">([^<]*)</span>', html, re.S)
            assert item and item.group(1).endswith(size), (rel, item and item.group(1), size)
    assert web.file_size(111_172, LABELS["pl"]) == "111 kB" and web.file_size(2_345_678, LABELS["pl"]) == "2,3 MB"
    assert web.file_size(2_345_678, LABELS["en"]) == "2.3 MB"


def test_only_the_fonts_the_stylesheet_names_are_copied(site):
    css = (site / "web.css").read_text(encoding="utf-8")
    named = {u for u in CSS_URL.findall(css) if u.startswith("fonts/")}
    copied = {p.relative_to(site).as_posix() for p in (site / "fonts").rglob("*.*")
              if p.suffix != ".txt"}
    assert copied == named and len(named) == 6, (copied, named)     # 3 weights, TTF + WOFF2
    for name in copied:
        assert (site / name).read_bytes() == (STYLES / name).read_bytes()
    assert (site / "fonts" / "OFL.txt").is_file()
    for network in content.load(PROJECT / "content").networks:    # the colours of the data
        assert re.search(rf"\.net-{network.id}\s*\{{\s*--net:\s*{network.colour}\s*;", css), \
            (network.id, network.colour)


def test_the_small_fonts_cover_every_character_of_the_pages(site):
    """The WOFF2 subsets answer for the unicode-range web.css gives them and every character
    of the pages is in it: a browser never needs the 660 KB TTFs for this content."""
    from fontTools.ttLib import TTFont
    sys.path.insert(0, str(PROJECT / "tools"))
    import make_web_fonts
    css = (site / "web.css").read_text(encoding="utf-8")
    ranges = re.findall(r"unicode-range: ([^;]+);", css)
    assert ranges and set(ranges) == {make_web_fonts.css_range()}, ranges
    wanted = {c for a, b in make_web_fonts.UNICODE_RANGE for c in range(a, b + 1)}
    for weight in make_web_fonts.WEIGHTS:
        cmap = set(TTFont(site / "fonts" / "web" / f"Lato-{weight}.woff2").getBestCmap())
        full = set(TTFont(STYLES / "fonts" / f"Lato-{weight}.ttf").getBestCmap())
        assert cmap == wanted & full, weight
    for name in PAGES:
        text = re.sub(r"<[^>]+>", "", (site / name).read_text(encoding="utf-8"))
        outside = {c for c in text if ord(c) not in wanted and c not in "\n\t"}
        assert not outside, f"{name}: characters outside the small fonts: {sorted(outside)}"


def test_structure_languages_landmarks_headings_and_graphics(site):
    for name, _lang, other in (("index.html", "pl", "en-GB"), ("en/index.html", "en-GB", "pl")):
        page = parse(site / name)
        tags = [t for t, _ in page.tags]
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in tags, (name, landmark)
        first_link = next(attrs for t, attrs in page.tags if t == "a")
        assert first_link.get("class") == "skip-link" and first_link["href"] == "#main"
        assert "main" in page.ids
        # an icon of its own: else a browser asks the server's root for /favicon.ico
        assert any(t == "link" and a.get("rel") == "icon" for t, a in page.tags), name
        assert page.headings[0] == 1 and page.headings.count(1) == 1, page.headings
        assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:])), page.headings
        switch = [a for t, a in page.tags if t == "a" and a.get("hreflang") == other
                  and not a["href"].endswith(".pdf")]
        assert switch and switch[0].get("lang") == other, name
        assert len(page.svgs) >= 3, name              # cover map, map, timeline
        assert all(s.get("role") == "img" for s in page.svgs), name
        text = (site / name).read_text(encoding="utf-8")
        assert len(re.findall(r"<title[ >]", text)) == len(page.svgs) + 1, name   # page, SVGs
        assert 'class="table-box" role="region" tabindex="0" aria-label=' in text
        assert "<script" not in text and not re.search(r"\sstyle=", text), name


def test_web_site_of_one_language_has_it_as_the_index():
    pub = content.load(PROJECT / "content")
    files = dict((rel, data) for rel, data, _ in web.site(pub, [], languages={"en"}))
    assert "web/index.html" in files and "web/en/index.html" not in files
    assert b'<html lang="en-GB">' in files["web/index.html"]
    assert b"language-switch" not in files["web/index.html"]
    assert not any(rel.startswith("web/pdf/") for rel in files)
    assert LABELS["en"]["contents"].encode() in files["web/index.html"]


# --- a real browser -------------------------------------------------------------------------

needs_browser = pytest.mark.skipif(
    not CHROMIUM.exists() or not shutil.which("node"),
    reason="no browser: /usr/bin/chromium or node is not installed (bash tools/system-deps.sh "
           "--test installs them)")


def in_browser(folder: Path, pages, *options) -> tuple:
    """(report, exit code) of tests/web/axe.mjs visiting pages of folder, served over HTTP on
    127.0.0.1 by a Python http.server of its own."""
    assert (NODE_DIR / "node_modules" / "playwright-core").is_dir(), \
        "tests/web/node_modules is missing: run npm ci --prefix tests/web (make test does)"
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                               "127.0.0.1", "--directory", str(folder)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/"
        _wait_for(base)
        run = subprocess.run(["node", str(NODE_DIR / "axe.mjs"), base, *pages, *options],
                             capture_output=True, text=True, timeout=300)
    finally:
        server.terminate()
        server.wait(10)
    assert run.stdout, run.stderr
    return json.loads(run.stdout), run.returncode


@needs_browser
def test_in_a_browser_no_axe_violation_no_failed_request_no_sideways_scroll(site, tmp_path,
                                                                            record_property):
    served = tmp_path / "copy" / "web"            # copied elsewhere: nothing may point back
    shutil.copytree(site, served)
    report, code = in_browser(served, PAGES, "--shots", str(tmp_path / "shots"))
    lines = []
    for r in report["results"]:
        weight = sum((served / u).stat().st_size for u in r["requested"] if (served / u).is_file())
        lines.append(f"{r['page']:<14} {r['width']:>4} px: {len(r['violations'])} violations, "
                     f"{r['passes']} rules passed, {r['requests']} requests "
                     f"({weight / 1024:.0f} KB), scrollWidth {r['scrollWidth']}/"
                     f"{r['innerWidth']}, fonts {r['fonts']}")
    print(f"\naxe-core {report['axe']} ({', '.join(report['tags'])}):\n" + "\n".join(lines))
    record_property("axe", lines)
    assert len(report["results"]) == 3 * len(PAGES)      # 1280, 768 and 375 px
    for r in report["results"]:
        where = f"{r['page']} at {r['width']} px"
        assert not r["violations"], f"{where}: " + json.dumps(r["violations"], indent=1)
        assert not r["failed"], f"{where}: failed requests {r['failed']}"
        assert not r["outside"], f"{where}: requests outside the folder {r['outside']}"
        assert not r["errors"], f"{where}: script errors {r['errors']}"
        assert r["scrollWidth"] <= r["innerWidth"], f"{where}: scrolls sideways"
        assert r["focus"][0]["element"].startswith("a.skip-link"), r["focus"][0]
        assert all(f["visible"] for f in r["focus"]), f"{where}: focus not shown {r['focus']}"
        assert r["passes"] > 10 and r["requests"] >= 3, where   # axe ran; CSS and fonts loaded
        assert len(r["fonts"]) >= 2, f"{where}: fonts not loaded: {r['fonts']}"
        assert not [u for u in r["requested"] if u.endswith(".ttf")], r["requested"]
        assert all(u.startswith("fonts/web/") for u in r["requested"] if "fonts/" in u)
        assert_meetings_drawn(r["meetings"], r["width"], where)
    assert code == 0
    assert len(list((tmp_path / "shots").glob("*.png"))) == 3 * len(PAGES)


def assert_meetings_drawn(meetings, width, where):
    """The meetings as the stylesheet must draw them: no month label of a printed page break,
    every network mark a visible shape, and on a phone each meeting's title the table's width
    (a block under its date), not a column of a third of the screen."""
    assert not meetings["continued"], f"{where}: page-break month labels on screen {meetings['continued']}"
    assert meetings["marks"] >= 10, f"{where}: {meetings}"       # the key, chips, city lists
    assert not meetings["blank"], f"{where}: network marks with no visible shape {meetings['blank']}"
    if width <= 400:
        assert meetings["titleShare"] > 0.9, f"{where}: meeting titles in a narrow column {meetings}"


@needs_browser
def test_the_meetings_check_fails_on_shown_page_break_labels_blank_marks_and_columns(tmp_path):
    """The page as the stylesheet of before the merges left it: continuation rows shown, marks
    without a rule, three columns on a phone; each is caught."""
    (tmp_path / "old.html").write_text(
        '<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>stara</title></head>'
        '<body><main><h1>Spotkania</h1><table class="meeting-table"><tbody>'
        '<tr class="month"><th colspan="3">maj 2022</th></tr>'
        '<tr data-row="a"><td>10–12.05.2022</td><td>Indywidualne spotkanie Sieci #1</td><td></td></tr>'
        '<tr class="month continued"><th colspan="3">maj 2022 (cd.)</th></tr>'
        '<tr data-row="b"><td>31.05–3.06.2022</td><td>Wizyta studyjna</td>'
        '<td><span class="chip"><span class="shape shape-circle"></span>Zielona</span></td></tr>'
        '</tbody></table></main></body></html>', encoding="utf-8")
    report, _ = in_browser(tmp_path, ["old.html"], "--widths", "375")
    (r,) = report["results"]
    with pytest.raises(AssertionError, match="page-break month labels"):
        assert_meetings_drawn(r["meetings"], 375, "old")
    assert r["meetings"]["continued"] == ["maj 2022 (cd.)"]
    assert len(r["meetings"]["blank"]) == r["meetings"]["marks"] == 1
    assert r["meetings"]["titleShare"] < 0.9


@needs_browser
def test_from_file_urls_too_every_request_succeeds_and_stays_in_the_folder(site, tmp_path):
    copy = tmp_path / "elsewhere" / "web"
    shutil.copytree(site, copy)
    run = subprocess.run(["node", str(NODE_DIR / "axe.mjs"), copy.as_uri() + "/", *PAGES,
                          "--widths", "1280"], capture_output=True, text=True, timeout=300)
    report = json.loads(run.stdout)
    for r in report["results"]:
        assert not r["failed"] and not r["outside"] and not r["violations"], r
        assert {"web.css", "fonts/web/Lato-Regular.woff2"} <= set(r["requested"]), r["requested"]
        assert len(r["fonts"]) == 3, r["fonts"]
    assert run.returncode == 0 and len(report["results"]) == len(PAGES)


@needs_browser
def test_the_browser_check_fails_on_a_violation_a_stray_request_and_sideways_scroll(tmp_path):
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>zła</title></head>'
        '<body><main><h1>Strona</h1><p style="color:#bbb">za jasny tekst</p>'
        '<img src="http://example.invalid/x.png" alt="x"><img src="missing.png" alt="y">'
        '<div style="width:2000px">szeroko</div></main></body></html>', encoding="utf-8")
    report, code = in_browser(tmp_path, ["bad.html"], "--widths", "375")
    (r,) = report["results"]
    assert code == 1 and not r["passed"]
    assert [v["id"] for v in r["violations"]] == ["color-contrast"]
    assert r["outside"] == ["http://example.invalid/x.png"]
    assert any("missing.png: HTTP 404" in f for f in r["failed"]), r["failed"]
    assert r["scrollWidth"] > r["innerWidth"] == 375


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url, timeout=10.0):
    import time
    from urllib.request import urlopen
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urlopen(url, timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
