#!/usr/bin/env python3
"""The editor-change matrix: what ordinary editor changes do to every edition.

    .venv/bin/python tools/editor_matrix.py [--case NAME ...] [--work DIR] [--report FILE]
                                            [--json FILE] [--editions ID,...] [--no-lift]
    .venv/bin/python tools/editor_matrix.py --from-json FILE --report FILE

Each case copies the real content/ into a temporary folder, applies ONE editor change, and
builds every edition with the builder's command line (python build.py --content DIR --output
OUT), so the tool does not depend on the builder's modules. Then it measures the files the build
wrote (page counts with pypdf, text with pdftotext, emptiness with pdftoppm at 20 dpi) and checks
the invariants an editor relies on: exit 0, every edition written, print and A5 editions in
fours, booklets imposing the final count, the build's messages true, no blank page beyond the
unchanged build's, the new content printed in both languages.

When a build stops at a page budget (exit 2, nothing written), the case is built a second time
with every budget lifted (`pages: 99`), which changes no layout, only the gate, to show the page
plan the change produced. --no-lift skips that.

Reuse (tests/test_editor_matrix.py): CASES is a list of (name, change), change(content_dir)
applies the edit and returns a Change (the text it added, per language); INVARIANTS is a list
of (name, check), check(outputs, run) -> list of failures, where outputs = Outputs(out_dir)
measures the files of an output folder and run = Run(...) holds the build's exit code and
messages; build(content_dir, out_dir) runs the builder; run_case(...) does one case.

The report also gives, for each case, the page counts the design of docs/page-plan-design.md
would give the same sections (design_plan()). The raw results (--json) can be turned into the
report again without building (--from-json). Needs pdftoppm and pdftotext (poppler-utils).

Exit code: 0 when every case passed every invariant, 1 when some failed, 2 on bad arguments.
"""
from __future__ import annotations

import argparse
import functools
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PYTHON = ROOT / ".venv" / "bin" / "python"
BUILD_TIMEOUT = 900          # seconds for one build
LIFTED_BUDGET = 99           # pages: a budget no section reaches (the gate off, the layout unchanged)
MARK = "Mxq"                 # the prefix of every marker the cases add: unique, never hyphenated


# --- the editions and their files -------------------------------------------------------

@dataclass(frozen=True)
class File:
    column: str              # the column of the report
    path: str                # under the output folder ({name} is publication.yaml's name:)
    kind: str                # screen | volume | print | a5 | booklet
    languages: tuple
    source: str | None = None    # a booklet: the column of the edition it imposes


FILES = (
    File("pl", "{name}-pl.pdf", "screen", ("pl",)),
    File("en", "{name}-en.pdf", "screen", ("en",)),
    File("pl-en", "{name}-pl-en.pdf", "volume", ("pl", "en")),
    File("print pl", "print/{name}-pl-print.pdf", "print", ("pl",)),
    File("print en", "print/{name}-en-print.pdf", "print", ("en",)),
    File("A3 pl", "print/{name}-pl-booklet-a3.pdf", "booklet", ("pl",), "print pl"),
    File("A3 en", "print/{name}-en-booklet-a3.pdf", "booklet", ("en",), "print en"),
    File("A5 pl", "a5/{name}-pl-a5.pdf", "a5", ("pl",)),
    File("A5 en", "a5/{name}-en-a5.pdf", "a5", ("en",)),
    File("A4bk pl", "print/{name}-pl-booklet-a4.pdf", "booklet", ("pl",), "A5 pl"),
    File("A4bk en", "print/{name}-en-booklet-a4.pdf", "booklet", ("en",), "A5 en"),
)
# the standard edition ids, for --editions (publication.yaml's editions: list)
EDITION_IDS = ("pl", "en", "pl-en", "pl-print", "en-print", "pl-a5", "en-a5")
EDITION_OF = {"pl": "pl", "en": "en", "pl-en": "pl-en", "print pl": "pl-print",
              "print en": "en-print", "A3 pl": "pl-print", "A3 en": "en-print",
              "A5 pl": "pl-a5", "A5 en": "en-a5", "A4bk pl": "pl-a5", "A4bk en": "en-a5"}
MARGINS_MM = {"A4": (20, 19, 18), "A5": (16, 16, 20)}    # top, bottom, sides (styles, render.py)
NOTES_LABEL = {"pl": "Notatki", "en": "Notes"}           # content/labels.yaml: notes


# --- editing a content folder ----------------------------------------------------------

@dataclass
class Change:
    """What a case changed: the text it added, which every edition of that language must
    print (markers per language), and a line for the report."""
    summary: str
    markers: dict = field(default_factory=dict)      # lang -> [strings]


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def split_front_matter(text: str) -> tuple:
    """(front matter with its --- lines, body) of a Markdown file."""
    end = text.index("\n---", 3) + len("\n---\n")
    return text[:end], text[end:]


def blocks(body: str) -> list:
    return [b for b in re.split(r"\n\s*\n", body.strip("\n")) if b.strip()]


def is_prose(block: str) -> bool:
    """A plain paragraph: not a component, a heading, a box, a list, a table or attributes."""
    first = block.lstrip("\n")
    return not (first.startswith(("[[", "!!!", "#", "-", "*", "|", "{:", " ", ">", "!["))
                or re.match(r"\d+\.", first))


def text_length(body: str) -> int:
    """Characters of the text an editor writes (component lines left out)."""
    return sum(len(line.strip()) for line in body.splitlines()
               if line.strip() and not line.strip().startswith("[["))


def section_file(content: Path, lang: str, file: str) -> Path:
    return content / lang / f"{file}.md"


def edit_body(path: Path, edit) -> None:
    head, body = split_front_matter(read(path))
    write(path, head + edit(body))


def grow(body: str, factor: float, marker: str, in_place: bool = False, like=None):
    """The body with copies of its paragraphs inserted, each after its original and starting
    with the marker, until the text is factor times as long; in_place: the copies continue
    their paragraphs instead (a translation keeps its source's paragraphs). like: the shares
    of the source language's copies ({paragraph: [share of it copied, ...]}), so that a
    translation grows by the same paragraphs and keeps its source's structure. Returns the
    body and the shares."""
    parts = blocks(body)
    prose = [i for i, b in enumerate(parts) if is_prose(b)]
    shares = like if like is not None else _shares(parts, prose, text_length(body) * (factor - 1))
    added = {i: [] for i in prose}
    for i, fractions in shares.items():
        words = parts[i].split() if i < len(parts) else []
        for share in fractions if words else ():
            take = words[:max(5, round(len(words) * share))] if share < 1 else words
            added[i].append(f"{marker} " + " ".join(take).rstrip(",;:")
                            + ("" if take[-1][-1] in ".!?" else "."))
    out = []
    for i, block in enumerate(parts):
        if in_place:
            out.append(" ".join([block] + added.get(i, [])))
        else:
            out += [block] + added.get(i, [])
    return "\n\n".join(out) + "\n", shares


def _shares(parts, prose, need) -> dict:
    """{paragraph: [share of its words each copy takes]} adding about `need` characters."""
    shares: dict = {i: [] for i in prose}
    while need > 0 and prose:
        for i in prose:
            if need <= 0:
                break
            words = parts[i].split()
            take = words if len(" ".join(words)) <= need else _words_upto(words, need)
            shares[i].append(len(take) / len(words))
            need -= len(" ".join(take)) + 4
    return shares


def _words_upto(words, chars) -> list:
    taken, length = [], 0
    for word in words:
        if length + len(word) > chars and len(taken) >= 5:
            break
        taken.append(word)
        length += len(word) + 1
    return taken


def shrink(body: str) -> str:
    """The body with every line of text cut to half its words (components, headings and box
    openers kept): about half as long."""
    out = []
    for line in body.splitlines():
        stripped = line.strip()
        if (not stripped or stripped.startswith(("[[", "!!!", "#", "{:"))
                or len(stripped.split()) < 6):
            out.append(line)
            continue
        indent = line[:len(line) - len(line.lstrip())]
        bullet = re.match(r"([-*]|\d+\.)\s+", stripped)
        lead = bullet.group(0) if bullet else ""
        words = stripped[len(lead):].split()
        kept = " ".join(words[:max(3, len(words) // 2)]).rstrip(",;:")
        out.append(f"{indent}{lead}{kept}" + ("" if kept.endswith((".", "!", "?")) else "."))
    return "\n".join(out) + "\n"


def insert_after_first_paragraph(body: str, block: str) -> str:
    """The body with block after its first plain paragraph (at the end when it has none)."""
    parts = blocks(body)
    where = next((i + 1 for i, b in enumerate(parts) if is_prose(b)), len(parts))
    return "\n\n".join(parts[:where] + [block] + parts[where:]) + "\n"


SECTION_LINE = re.compile(r"^  - \{file: ([\w-]+)(?:, pages: (\d+|\{[^}]*\}))?(?:, start: \w+)?\}"
                          r"\s*(#.*)?$", re.M)


def sections(content: Path) -> list:
    """[(file, pages as written: 2 or {A4: 2, A5: 3})] of publication.yaml's sections."""
    return [(m.group(1), m.group(2))
            for m in SECTION_LINE.finditer(read(content / "publication.yaml"))]


def planned(content: Path, size: str = "A4") -> dict:
    """file -> the pages publication.yaml plans for it at this size (None: no plan)."""
    found = {}
    for file, pages in sections(content):
        if pages and pages.isdigit():
            found[file] = int(pages) if size == "A4" else None
        else:
            sized = re.search(rf"\b{size}: (\d+)", pages or "")
            found[file] = int(sized.group(1)) if sized else None
    return found


def set_sections(content: Path, entries) -> None:
    """Rewrite publication.yaml's sections: list as [(file, pages as written, or None)]."""
    path = content / "publication.yaml"
    text = read(path)
    lines = [m for m in SECTION_LINE.finditer(text)]
    new = "\n".join(f"  - {{file: {f}" + (f", pages: {p}" if p else "") + "}"
                    for f, p in entries)
    write(path, text[:lines[0].start()] + new + text[lines[-1].end():])


def add_section(content: Path, file: str, pages: int, after: str | None = None) -> None:
    entries = sections(content)
    where = len(entries) if after is None else [f for f, _ in entries].index(after) + 1
    set_sections(content, entries[:where] + [(file, pages)] + entries[where:])


def lift_budgets(content: Path) -> None:
    set_sections(content, [(f, LIFTED_BUDGET) for f, _ in sections(content)])


def choose_editions(content: Path, ids) -> None:
    """Build only these standard editions (publication.yaml's editions: list)."""
    name = publication_name(content)
    lines = ["editions:"]
    for ident in ids:
        lang = ident.split("-")[0]
        langs = "[pl, en]" if ident == "pl-en" else f"[{lang}]"
        extra = (", print: true" if ident.endswith("-print")
                 else ", size: A5" if ident.endswith("-a5")
                 else f", pdf: {name}-{ident}.pdf, html: html/{name}-{ident}.html")
        lines.append(f"  - {{id: {ident}, languages: {langs}{extra}}}")
    path = content / "publication.yaml"
    write(path, read(path).rstrip("\n") + "\n" + "\n".join(lines) + "\n")


def publication_name(content: Path) -> str:
    found = re.search(r"^name:\s*([\w-]+)", read(content / "publication.yaml"), re.M)
    return found.group(1) if found else "publication"


def mark_reviewed(content: Path, lang_files) -> None:
    """Record the English files as checked against their changed Polish originals, as an editor
    does after updating both (python build.py reviewed), so that the stale-translation warning
    does not stand in for the layout's messages."""
    files = [str(content / "en" / f"{f}.md") for f in lang_files]
    done = command_line(["reviewed", "--content", str(content), *files], timeout=120)
    if done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, done.args, done.stdout, done.stderr)


def python() -> Path:
    return PYTHON if PYTHON.exists() else Path(sys.executable)


def command_line(args, timeout=BUILD_TIMEOUT) -> subprocess.CompletedProcess:
    """build.py ARGS in the project folder, in a process of its own (the tests put one that runs
    in their process in its place: tests/inprocess.py)."""
    return subprocess.run([str(python()), "build.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


# --- test material: cities, meetings, a picture ------------------------------------------

# towns inside Poland that content/data/cities.yaml does not list (candidates included)
NEW_CITIES = [
    ("Zamość", 50.72, 23.25), ("Przemyśl", 49.78, 22.77), ("Suwałki", 54.10, 22.93),
    ("Łomża", 53.18, 22.06), ("Chełm", 51.14, 23.47), ("Sanok", 49.56, 22.21),
    ("Krosno", 49.69, 21.77), ("Nysa", 50.47, 17.33), ("Kalisz", 51.76, 18.09),
    ("Leszno", 51.84, 16.57), ("Gniezno", 52.53, 17.60), ("Elbląg", 54.16, 19.40),
    ("Olsztyn", 53.78, 20.49), ("Augustów", 53.84, 22.98), ("Kłodzko", 50.43, 16.66),
    ("Tomaszów Lubelski", 50.45, 23.42),
]
MID_TOPICS = [
    ("Zielone dachy i ogrody deszczowe w centrum miasta", "Green roofs and rain gardens in the town centre"),
    ("Program odszczelniania podwórek szkolnych", "A programme to unseal school yards"),
    ("Zielona infrastruktura w planie miejscowym", "Green infrastructure in the local plan"),
    ("Retencja wód opadowych na osiedlach mieszkaniowych", "Rainwater retention on housing estates"),
    ("Cyfrowa mapa drzew miejskich", "A digital map of the town's trees"),
    ("Partnerstwo przy budowie parkingu wielopoziomowego", "A partnership to build a multi-storey car park"),
    ("Rewitalizacja bulwarów nad rzeką", "Regenerating the riverside boulevards"),
    ("Mikroretencja w parkach miejskich", "Small-scale retention in the town's parks"),
]


def city_yaml(name, lat, lon, network, topic) -> str:
    return (f"\n- name: {name}\n  network: {network}\n  lat: {lat}\n  lon: {lon}\n"
            f"  mid:\n    pl: \"{topic[0]}\"\n    en: \"{topic[1]}\"\n")


def add_cities(content: Path, network: str, names) -> list:
    """New cities of the network, with MID topics and coordinates (NEW_CITIES): their names."""
    where = {n: (lat, lon) for n, lat, lon in NEW_CITIES}
    text = "".join(city_yaml(n, *where[n], network, MID_TOPICS[i % len(MID_TOPICS)])
                   for i, n in enumerate(names))
    path = content / "data" / "cities.yaml"
    write(path, read(path).rstrip("\n") + "\n" + text)
    return list(names)


# cities whose labels the maps of every edition can place (tried one by one, on 37c727d)
DIGITAL_NEW = ("Suwałki", "Nysa", "Zamość", "Łomża", "Chełm", "Olsztyn", "Augustów", "Kłodzko")
PPP_NEW = ("Suwałki", "Nysa", "Zamość", "Łomża", "Chełm", "Olsztyn", "Augustów",
           "Tomaszów Lubelski")


MEETING_KINDS = ("online", "in-person", "study-visit", "online", "conference")
MEETING_NETWORKS = ("zielona", "ppp", "cyfrowa", "all")


def add_meetings(content: Path, count: int) -> list:
    """count new meetings inside the timeline's range (February 2022 - March 2023), each with
    a marker place: the markers."""
    text, markers = "", []
    for i in range(count):
        month = 3 + (i * 12) // max(count, 1)            # March 2022 .. February 2023
        year, month = (2022, month) if month <= 12 else (2023, month - 12)
        day = 3 + (i * 7) % 24
        marker = f"{MARK}e{i:02d}"
        markers.append(marker)
        text += (f"\n- start: {year}-{month:02d}-{day:02d}\n"
                 f"  kind: {MEETING_KINDS[i % len(MEETING_KINDS)]}\n"
                 f"  network: {MEETING_NETWORKS[i % len(MEETING_NETWORKS)]}\n"
                 f"  title: {{pl: \"Warsztat tematyczny\", en: \"Thematic workshop\"}}\n"
                 f"  place: {{pl: \"{marker}\", en: \"{marker}\"}}\n")
    path = content / "data" / "timeline.yaml"
    write(path, read(path).rstrip("\n") + "\n" + text)
    return markers


PICTURE = "img/matrix-photo.jpg"     # under the content folder


def make_picture(content: Path) -> str:
    """A 1500 x 1000 JPEG photograph stand-in (sky, hills, a building): its path in Markdown,
    relative to a language folder."""
    from PIL import Image, ImageDraw      # Pillow, a dependency of the builder

    image = Image.new("RGB", (1500, 1000), (148, 190, 222))
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 700), (400, 450), (800, 650), (1200, 420), (1500, 600), (1500, 1000),
                  (0, 1000)], fill=(70, 130, 70))
    draw.rectangle([560, 380, 900, 760], fill=(190, 160, 120), outline=(90, 60, 40), width=8)
    for x in range(600, 880, 70):
        draw.rectangle([x, 430, x + 40, 500], fill=(60, 80, 110))
    draw.ellipse([1180, 90, 1340, 250], fill=(250, 220, 120))
    path = content / PICTURE
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=85)
    return f"../{PICTURE}"


PICTURE_TEXT = {
    "pl": ("Zdjęcie poglądowe: budynek ratusza na tle zielonych wzgórz", "{m}: ratusz i zieleń miejska"),
    "en": ("Illustrative photograph: a town hall in front of green hills", "{m}: a town hall and urban greenery"),
}


def picture_block(src: str, lang: str, size: str, marker: str) -> str:
    alt, caption = PICTURE_TEXT[lang]
    return f'![{alt}]({src} "{caption.format(m=marker)}")\n{{: .{size} }}'


# --- the cases ---------------------------------------------------------------------------

LANGS = ("pl", "en")
GREEN = "05-siec-zielona"


def both(marker) -> dict:
    return {lang: [marker] for lang in LANGS}


def more_cities(network: str, names):
    def change(content: Path) -> Change:
        add_cities(content, network, names)
        return Change(f"{len(names)} cities added to network {network} (MID topic, lat/lon): "
                      + ", ".join(names),
                      {lang: names for lang in LANGS})
    return change


NEW_NETWORK = {
    "pl": ("Sieć Wodna", "Wodna", "Sieć Wodna", "Miasta Sieci Wodnej pracowały nad gospodarowaniem wodą "
           "opadową, ochroną przed suszą i powodzią oraz nad odzyskiem wody w budynkach publicznych. "
           "Wspólnie z ekspertami przygotowały plany działań i wskazały bariery prawne.",
           "Tematyka MID miast Sieci Wodnej"),
    "en": ("Water City Network", "Water", "Water City Network", "The cities of the Water City Network "
           "worked on managing rainwater, protecting against drought and floods and reusing water in "
           "public buildings. Together with the experts they prepared action plans and named the "
           "legal barriers.", "MAP topics of the Water City Network cities"),
}


def new_network(content: Path) -> Change:
    pl, en = NEW_NETWORK["pl"], NEW_NETWORK["en"]
    path = content / "data" / "networks.yaml"
    write(path, read(path).rstrip("\n") + f"""

- id: wodna
  name:  {{pl: "{pl[0]}", en: "{en[0]}"}}
  short: {{pl: "{pl[1]}", en: "{en[1]}"}}
  colour: "#0b5c73"
  cmyk: [95, 45, 30, 25]
  shape: diamond
  cities_expected: 3
""")
    names = add_cities(content, "wodna", ("Chełm", "Sanok", "Krosno"))
    for lang, (_, _, title, lead, heading) in NEW_NETWORK.items():
        write(section_file(content, lang, "07-siec-wodna"),
              f"---\ntitle: {title}\nlayout: network\nnetwork: wodna\n---\n"
              f"[[network-map side]]\n\n{MARK}w {lead}\n\n### {heading}\n\n[[mid-table]]\n\n"
              f"{lead}\n")
    add_section(content, "07-siec-wodna", 2, after="03-siec-cyfrowa")
    mark_reviewed(content, ["07-siec-wodna"])
    return Change("a new network: networks.yaml, 3 cities, a network section pl/en (2 pages)",
                  {lang: names + [f"{MARK}w"] for lang in LANGS})


def longer_text(file: str, factor: float, langs=LANGS):
    def change(content: Path) -> Change:
        marker = f"{MARK}t"
        shares = None          # the first language's copies, repeated in the others
        for lang in langs:
            def grown(body, lang=lang):
                nonlocal shares
                body, made = grow(body, factor, marker, like=shares)
                shares = shares if shares is not None else made
                return body
            edit_body(section_file(content, lang, file), grown)
        if "en" in langs:
            mark_reviewed(content, [file])
        return Change(f"{file}: text {factor:g}x as long ({', '.join(langs)})",
                      {lang: [marker] for lang in langs})
    return change


def shorter_text(file: str):
    def change(content: Path) -> Change:
        for lang in LANGS:
            edit_body(section_file(content, lang, file), shrink)
        mark_reviewed(content, [file])
        return Change(f"{file}: every line of text cut to half its words", {})
    return change


def english_longer(factor: float):
    def change(content: Path) -> Change:
        marker = f"{MARK}t"
        for file, _ in sections(content):
            edit_body(section_file(content, "en", file),
                      lambda b: grow(b, factor, marker, in_place=True)[0])
        mark_reviewed(content, [f for f, _ in sections(content)])
        return Change(f"every English section {factor:g}x as long as before", {"en": [marker]})
    return change


ANNEX = {
    "pl": ("Aneks: dane kontaktowe", f"{MARK}a Zespoły miejskie mogą kontaktować się z koordynatorami "
           "Sieci pod adresami podanymi poniżej.",
           "| Sieć | Koordynator | Adres |\n|---|---|---|\n| Zielona | Anna Nowak | zielona@example.org |\n"
           "| PPP | Jan Kowalski | ppp@example.org |\n| Cyfrowa | Ewa Wiśniewska | cyfrowa@example.org |"),
    "en": ("Annex: contacts", f"{MARK}a The city teams may contact the network coordinators at the "
           "addresses below.",
           "| Network | Coordinator | Address |\n|---|---|---|\n| Green | Anna Nowak | zielona@example.org |\n"
           "| PPP | Jan Kowalski | ppp@example.org |\n| Digital | Ewa Wiśniewska | cyfrowa@example.org |"),
}
NEW_SECTION_BODY = {
    "summary": {"pl": ("Podsumowanie drugiej edycji", f"{MARK}s Druga edycja programu rozwinie "
                       "współpracę miast w trzech Sieciach.\n\n[[key-figures products]]"),
                "en": ("Summary of the second edition", f"{MARK}s The second edition of the "
                       "programme will extend the cities' work in three networks.\n\n[[key-figures products]]")},
    "cities": {"pl": ("Miasta drugiej edycji", "[[map]]\n\n"
                      f"{MARK}c Do drugiej edycji zgłosiły się miasta ze wszystkich województw."),
               "en": ("Cities of the second edition", "[[map]]\n\n"
                      f"{MARK}c Cities from every region applied for the second edition.")},
    "network": {"pl": ("Sieć Zielona: wdrożenia", f"{MARK}n Po zakończeniu prac Sieci miasta "
                       "rozpoczęły wdrażanie pierwszych rozwiązań opartych na zasobach przyrody."),
                "en": ("Green City Network: putting it into practice", f"{MARK}n After the "
                       "network's work the cities began putting the first nature-based solutions in place.")},
    "timeline": {"pl": ("Plan spotkań na 2024 r.", f"{MARK}m W 2024 r. zaplanowano trzy spotkania "
                        "wszystkich Sieci.\n\n| Termin | Spotkanie |\n|---|---|\n| marzec 2024 | "
                        "Konferencja |\n| czerwiec 2024 | Wizyta studyjna |\n| październik 2024 | Warsztaty |"),
                 "en": ("Meetings planned for 2024", f"{MARK}m Three meetings of all networks are "
                        "planned for 2024.\n\n| Date | Meeting |\n|---|---|\n| March 2024 | Conference |\n"
                        "| June 2024 | Study visit |\n| October 2024 | Workshops |")},
}


NEW_SECTION_MARKER = {"summary": f"{MARK}s", "cities": f"{MARK}c", "network": f"{MARK}n",
                      "timeline": f"{MARK}m"}


def write_annex(content: Path) -> None:
    for lang, (title, lead, table) in ANNEX.items():
        write(section_file(content, lang, "07-aneks"),
              f"---\ntitle: \"{title}\"\nlayout: text\n---\n{lead}\n\n{table}\n")
    add_section(content, "07-aneks", 1)
    mark_reviewed(content, ["07-aneks"])


def new_section(layout: str):
    def change(content: Path) -> Change:
        if layout == "text":
            write_annex(content)
            return Change("a new one-page annex (layout text: a paragraph, a 3-row table)",
                          both(f"{MARK}a"))
        marker = NEW_SECTION_MARKER[layout]
        extra = "network: zielona\n" if layout == "network" else ""
        for lang, (title, body) in NEW_SECTION_BODY[layout].items():
            write(section_file(content, lang, f"07-nowa-{layout}"),
                  f"---\ntitle: \"{title}\"\nlayout: {layout}\n{extra}---\n{body}\n")
        add_section(content, f"07-nowa-{layout}", 1, after="06-spotkania" if layout != "summary"
                    else None)
        mark_reviewed(content, [f"07-nowa-{layout}"])
        return Change(f"a new one-page section of layout {layout} at the end", both(marker))
    return change


# the section a picture goes into for each layout (text: a new annex, the real content has none)
PICTURE_SECTION = {"text": "07-aneks", "summary": "01-pim", "cities": "02-miasta",
                   "network": GREEN, "timeline": "06-spotkania"}


def picture(layout: str, size: str):
    def change(content: Path) -> Change:
        if layout == "text":
            write_annex(content)
        src = make_picture(content)
        marker = f"{MARK}p"
        file = PICTURE_SECTION[layout]
        for lang in LANGS:
            block = picture_block(src, lang, size, marker)
            edit_body(section_file(content, lang, file),
                      lambda b, block=block: insert_after_first_paragraph(b, block))
        mark_reviewed(content, [file])
        where = "a new annex (layout text)" if layout == "text" else file
        return Change(f"a .{size} picture with a caption after the first paragraph of {where}",
                      both(marker))
    return change


def remove_section(file: str):
    def change(content: Path) -> Change:
        set_sections(content, [(f, p) for f, p in sections(content) if f != file])
        for lang in LANGS:              # as the build asks: "add it or delete it"
            section_file(content, lang, file).unlink()
        return Change(f"section {file} removed (publication.yaml and its two files)", {})
    return change


def reorder(order):
    def change(content: Path) -> Change:
        budgets = dict(sections(content))
        set_sections(content, [(f, budgets[f]) for f in order])
        return Change("sections reordered: " + ", ".join(order), {})
    return change


def more_meetings(count: int):
    def change(content: Path) -> Change:
        markers = add_meetings(content, count)
        return Change(f"{count} meetings added to data/timeline.yaml",
                      {lang: markers[::max(1, count // 3)] for lang in LANGS})
    return change


def unchanged(content: Path) -> Change:
    return Change("the real content, unchanged", {})


CASES = [
    ("cities-digital+3", more_cities("cyfrowa", DIGITAL_NEW[:3])),
    ("cities-digital+8", more_cities("cyfrowa", DIGITAL_NEW)),
    ("cities-ppp+8", more_cities("ppp", PPP_NEW)),
    # one Green city in the north: refused on 37c727d (the A5 editions' Green map, which A5
    # does not print, cannot place a label)
    ("cities-green+1-north", more_cities("zielona", ("Elbląg",))),
    ("network-new", new_network),
    ("text-green-1.5x", longer_text(GREEN, 1.5)),
    ("text-green-2x", longer_text(GREEN, 2.0)),
    ("text-green-0.5x", shorter_text(GREEN)),
    ("text-summary-1.5x", longer_text("01-pim", 1.5)),
    ("text-digital-2x", longer_text("03-siec-cyfrowa", 2.0)),
    *[(f"picture-{layout}-{size}", picture(layout, size))
      for layout in ("text", "summary", "cities", "network", "timeline")
      for size in ("small", "half", "full")],
    *[(f"section-new-{layout}", new_section(layout))
      for layout in ("text", "summary", "cities", "network", "timeline")],
    ("section-removed-cities", remove_section("02-miasta")),
    ("section-removed-ppp", remove_section("04-siec-ppp")),
    ("sections-reordered", reorder(["01-pim", "05-siec-zielona", "04-siec-ppp",
                                    "03-siec-cyfrowa", "02-miasta", "06-spotkania"])),
    ("meetings+6", more_meetings(6)),
    ("meetings+20", more_meetings(20)),
    ("english-1.3x", english_longer(1.3)),
]


# --- building ----------------------------------------------------------------------------

@dataclass
class Run:
    """One build of a case: the builder's exit code and messages."""
    case: str
    mode: str                 # "as edited" or "budgets lifted"
    exit: int
    stdout: str
    stderr: str
    seconds: float
    change: Change | None = None
    out: Path | None = None           # the output folder
    editions: list | None = None      # the edition ids built (None: all)
    baseline: "Outputs | None" = None  # the unchanged build's outputs, to compare with
    content: Path | None = None       # the content folder built

    @property
    def errors(self) -> list:
        return [line for line in self.stderr.splitlines() if ": error:" in line or line.startswith("error:")]

    @property
    def warnings(self) -> list:
        return [line for line in self.stderr.splitlines() if ": warning:" in line]

    @property
    def timings(self) -> dict:
        """stage [edition] -> seconds, from the build's stage lines."""
        found = {}
        for m in re.finditer(r"^  (\S.*?\[[\w-]+\])\s+([\d.]+) s$", self.stdout, re.M):
            found[re.sub(r"\s+", " ", m.group(1))] = float(m.group(2))
        return found


def build(content: Path, out: Path, case="", mode="as edited", change=None) -> Run:
    """Run the builder's command line on a content folder."""
    t = time.perf_counter()
    done = command_line(["--content", str(content), "--output", str(out)])
    return Run(case, mode, done.returncode, done.stdout, done.stderr,
               time.perf_counter() - t, change, out, content=content)


def stopped_by_budget(run: Run) -> bool:
    return run.exit == 2 and any("its budget is" in line for line in run.errors)


# --- measuring an output folder ----------------------------------------------------------

@dataclass
class Page:
    number: int
    kind: str                 # content | design (a coloured page with content) | blank | notes | sparse
    ink: float                # share of the text block's pixels that differ from the page colour
    reach: float              # how far down the text block the lowest ink reaches (0-1)
    dark: bool                # a coloured (navy) page
    notes_labels: int         # how often the notes label stands alone on a line


class Outputs:
    """The PDFs of one output folder, measured on demand."""

    def __init__(self, out: Path, name: str = "pim"):
        self.out, self.name = Path(out), name

    def path(self, file: File) -> Path:
        return self.out / file.path.format(name=self.name)

    @functools.lru_cache(maxsize=None)  # noqa: B019 (an Outputs lives as long as its case)
    def reader(self, column: str):
        path = self.path(by_column(column))
        return PdfReader(str(path)) if path.is_file() else None

    def pages(self, column: str) -> int | None:
        reader = self.reader(column)
        return len(reader.pages) if reader else None

    @functools.lru_cache(maxsize=None)  # noqa: B019 (an Outputs lives as long as its case)
    def anchors(self, column: str) -> dict:
        """Named destination -> 1-based page (section starts, divider, back cover)."""
        reader = self.reader(column)
        if reader is None:
            return {}
        return {name: reader.get_destination_page_number(dest) + 1
                for name, dest in reader.named_destinations.items()
                if not name.startswith("tl-")}

    @functools.lru_cache(maxsize=None)  # noqa: B019 (an Outputs lives as long as its case)
    def texts(self, column: str) -> list:
        """The text of each page (pdftotext), whitespace and hyphenated breaks joined."""
        path = self.path(by_column(column))
        if not path.is_file():
            return []
        raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                             capture_output=True, text=True, check=True).stdout
        return raw.split("\f")[:self.pages(column)]

    def text(self, column: str, lang: str | None = None) -> str:
        """The edition's text; in a volume, lang's part only (split at the dividers)."""
        pages = self.texts(column)
        languages = by_column(column).languages
        if lang and len(languages) > 1:
            starts = [1] + [self.anchors(column).get(f"divider-{other}", len(pages) + 1)
                            for other in languages[1:]] + [len(pages) + 1]
            i = languages.index(lang)
            pages = pages[starts[i] - 1:starts[i + 1] - 1]
        joined = "\n".join(pages)
        joined = re.sub("[\u2010\u00ad-]\n", "", joined)
        return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", joined)

    @functools.lru_cache(maxsize=None)  # noqa: B019 (an Outputs lives as long as its case)
    def page_list(self, column: str) -> list:
        """Each page measured: rendered at 20 dpi in grey, its text block (the trim less the
        margins, so without running head, folio and thumb tabs) looked at."""
        file = by_column(column)
        path, reader = self.path(file), self.reader(column)
        if reader is None or file.kind == "booklet":
            return []
        labels = NOTES_LABEL[file.languages[0]]
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run(["pdftoppm", "-r", "20", "-gray", str(path), f"{folder}/p"],
                           check=True, capture_output=True)
            images = sorted(Path(folder).glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[-1]))
            texts = self.texts(column)
            return [_page(i + 1, _read_pgm(image), reader.pages[i], texts[i] if i < len(texts)
                          else "", labels) for i, image in enumerate(images)]


def by_column(column: str) -> File:
    return next(f for f in FILES if f.column == column)


def _read_pgm(path: Path) -> tuple:
    """(width, height, bytes) of a binary PGM (pdftoppm -gray)."""
    data = path.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1:pos + 1 + width * height]


INK = 40                   # grey levels from the page colour that count as ink
BLANK_INK = 0.002          # below this share of ink the text block is empty
SPARSE_REACH = 0.35        # content reaching less than a third down the text block: near-empty


PT_PER_MM = 72 / 25.4


def _page(number, image, pdf_page, text, notes_label) -> Page:
    """A rendered page classed by its text block: blank, notes, sparse, design or content."""
    rows = _text_block(image, pdf_page)
    values = sorted(b for row in rows[::3] for b in row[::3])
    background = values[len(values) // 2] if values else 255
    inked = [sum(abs(b - background) > INK for b in row) for row in rows]
    ink = sum(inked) / max(1, sum(len(row) for row in rows))
    last = max((y for y, n in enumerate(inked) if n > 1), default=-1)
    reach = (last + 1) / len(rows) if rows else 0.0
    dark = background < 128
    labels = sum(1 for line in text.splitlines()
                 if line.strip().casefold() == notes_label.casefold())    # set in capitals
    if labels:
        kind = "notes"
    elif ink < BLANK_INK:
        kind = "blank"
    elif dark:
        kind = "design"
    elif reach < SPARSE_REACH:
        kind = "sparse"
    else:
        kind = "content"
    return Page(number, kind, round(ink, 4), round(reach, 3), dark, labels)


def _text_block(image, pdf_page) -> list:
    """The pixel rows of the page's text block: its trim box less the page margins (so no
    running head, folio or thumb tab), from a grey image of its media box."""
    width, height, pixels = image
    media, trim = pdf_page.mediabox, pdf_page.trimbox
    top, bottom, side = MARGINS_MM["A5" if float(trim.width) < 500 else "A4"]
    scale_x, scale_y = width / float(media.width), height / float(media.height)
    x0 = int((float(trim.left) - float(media.left) + side * PT_PER_MM) * scale_x)
    x1 = int((float(trim.right) - float(media.left) - side * PT_PER_MM) * scale_x)
    y0 = int((float(media.top) - float(trim.top) + top * PT_PER_MM) * scale_y)
    y1 = int((float(media.top) - float(trim.bottom) - bottom * PT_PER_MM) * scale_y)
    return [pixels[y * width + x0:y * width + x1] for y in range(y0, y1)]


# --- the invariants ----------------------------------------------------------------------

def exit_zero(outputs: Outputs, run: Run) -> list:
    if run.exit == 0:
        return []
    first = run.errors[0] if run.errors else (run.stderr.strip().splitlines() or ["?"])[-1]
    return [f"exit {run.exit}: {first}" + (f" (+{len(run.errors) - 1} more)"
                                          if len(run.errors) > 1 else "")]


def expected_files(outputs: Outputs, run: Run) -> list:
    """The files of the editions built (all, or those --editions chose)."""
    wanted = getattr(run, "editions", None)
    return [f for f in FILES if wanted is None or EDITION_OF[f.column] in wanted]


def every_edition_written(outputs: Outputs, run: Run) -> list:
    if run.exit != 0 and not any(outputs.path(f).is_file() for f in FILES):
        return []         # nothing written: exit_zero tells why
    return [f"{f.column}: {f.path.format(name=outputs.name)} not written"
            for f in expected_files(outputs, run) if outputs.pages(f.column) is None]


def in_fours(outputs: Outputs, run: Run) -> list:
    found = []
    for f in expected_files(outputs, run):
        pages = outputs.pages(f.column)
        if f.kind in ("print", "a5") and pages is not None and pages % 4:
            found.append(f"{f.column}: {pages} pages, not a multiple of 4")
    return found


def booklets_match(outputs: Outputs, run: Run) -> list:
    found = []
    for f in expected_files(outputs, run):
        sides, pages = outputs.pages(f.column), f.source and outputs.pages(f.source)
        if f.kind == "booklet" and sides is not None and pages is not None and sides * 2 != pages:
            found.append(f"{f.column}: {sides} sides for a {pages}-page edition "
                         f"(should be {pages / 2:g})")
    return found


def back_cover_last(outputs: Outputs, run: Run) -> list:
    found = []
    for f in expected_files(outputs, run):
        pages, anchors = outputs.pages(f.column), outputs.anchors(f.column)
        if f.kind == "booklet" or pages is None or "back-cover" not in anchors:
            continue
        if anchors["back-cover"] != pages:
            found.append(f"{f.column}: the back cover is page {anchors['back-cover']} of {pages}")
        elif f.kind in ("print", "a5") and pages % 2:
            found.append(f"{f.column}: the back cover is on an odd (right-hand) page {pages}")
    return found


def divider_right_hand(outputs: Outputs, run: Run) -> list:
    """A volume's further language: right after the first part on screen (no blank page
    before it); the standard set has no printed volume, where it would open a right-hand page."""
    page = outputs.anchors("pl-en").get("divider-en")
    blank = [p.number for p in outputs.page_list("pl-en") if p.kind in ("blank", "notes")]
    if page is not None and page - 1 in blank:
        return [f"pl-en: a blank page {page - 1} before the English divider of the screen volume"]
    return []


def notes_pages(outputs: Outputs, run: Run) -> list:
    """Notes pages: one label each; those that pad the edition to fours together right before
    the back cover; any other only in print, right before a section that opens on a left-hand
    page (a spread: the rule that needs the page)."""
    found = []
    for f in expected_files(outputs, run):
        pages = outputs.page_list(f.column)
        notes = [p.number for p in pages if p.kind == "notes"]
        twice = [p.number for p in pages if p.notes_labels > 1]
        if twice:
            found.append(f"{f.column}: the notes label printed more than once on page(s) "
                         f"{_ranges(twice)}")
        padding = []
        for number in reversed(range(1, len(pages))):
            if number not in notes:
                break
            padding.append(number)
        starts = {page for name, page, _ in section_pages(outputs, f.column)}
        stray = [n for n in notes if n not in padding
                 and not (f.kind in ("print", "a5") and n + 1 in starts and (n + 1) % 2 == 0)]
        if stray:
            found.append(f"{f.column}: notes pages {_ranges(stray)} are neither before the back "
                         f"cover nor before a spread")
    return found


PAGES_CLAIM = re.compile(r"(\d+) pages?\b(?!\()")
ADDED_CLAIM = re.compile(r"added (\d+) \"[^\"]+\" page")
MULTIPLE_CLAIM = re.compile(r"(\d+) pages, a multiple of (\d+)")
LISTING = re.compile(r"^\s+(\S+\.pdf)\s+\d+ KB\s+(\d+) (pages|sides)\s*$")


def messages_true(outputs: Outputs, run: Run) -> list:
    """Every page count the build prints about a file is that file's, every 'a multiple of N'
    holds, every 'added N pages' is the number of notes pages in the file."""
    found = []
    by_path = {f.path.format(name=outputs.name): f for f in FILES}
    for line in run.stdout.splitlines() + run.stderr.splitlines():
        listed = LISTING.match(line)
        path = listed.group(1) if listed else next((p for p in by_path if p in line), None)
        if path is None:
            continue
        rel = next((p for p in by_path if path.endswith(p)), None)
        if rel is None:
            continue
        f = by_path[rel]
        actual = outputs.pages(f.column)
        if actual is None:
            continue
        if listed and int(listed.group(2)) != actual:
            found.append(f"{f.column}: the build lists {listed.group(2)} {listed.group(3)}, the "
                         f"file has {actual}")
            continue
        for claim in MULTIPLE_CLAIM.finditer(line):
            stated, multiple = int(claim.group(1)), int(claim.group(2))
            if stated != actual or actual % multiple:
                found.append(f"{f.column}: the build says \"{claim.group(0)}\", the file has "
                             f"{actual} pages")
        for claim in ADDED_CLAIM.finditer(line):
            notes = sum(1 for p in outputs.page_list(f.column) if p.kind == "notes")
            if int(claim.group(1)) != notes:
                found.append(f"{f.column}: the build says it added {claim.group(1)} notes "
                             f"page(s), the file has {notes}")
    return found


def new_content_printed(outputs: Outputs, run: Run) -> list:
    found = []
    markers = run.change.markers if run.change else {}
    for f in expected_files(outputs, run):
        if f.kind == "booklet" or outputs.pages(f.column) is None:
            continue
        for lang in f.languages:
            text = outputs.text(f.column, lang)
            missing = [m for m in markers.get(lang, []) if m not in text]
            if missing:
                found.append(f"{f.column}: {lang} text not printed: {', '.join(missing)}")
    return found


def no_new_blank_pages(outputs: Outputs, run: Run) -> list:
    """No more blank pages than the unchanged build has (pages whose text block is empty:
    nothing but a running head and a folio, or a navy page with nothing on it)."""
    found, baseline = [], run.baseline
    if baseline is None:            # the unchanged build is the reference
        return []
    for f in expected_files(outputs, run):
        blank = [p.number for p in outputs.page_list(f.column) if p.kind == "blank"]
        before = sum(1 for p in baseline.page_list(f.column) if p.kind == "blank")
        if len(blank) > before:
            dark = [p.number for p in outputs.page_list(f.column) if p.kind == "blank" and p.dark]
            found.append(f"{f.column}: blank page(s) {_ranges(blank)}"
                         + (f" (navy: {_ranges(dark)})" if dark else "")
                         + (f"; the unchanged build has {before}" if before else ""))
    return found


def spreads_on_left(outputs: Outputs, run: Run) -> list:
    """The spread rule: in print (the press editions and the A5 booklet), a section planned on
    two pages opens on a left-hand (even) page, so that its pages face each other."""
    found = []
    for f in expected_files(outputs, run):
        if f.kind not in ("print", "a5") or run.content is None:
            continue
        plan = planned(run.content, "A5" if f.kind == "a5" else "A4")
        for section, start, _length in section_pages(outputs, f.column):
            if plan.get(section.split("-", 1)[1]) == 2 and start % 2:
                found.append(f"{f.column}: {section} (planned on two pages) opens on "
                             f"right-hand page {start}")
    return found


INVARIANTS = [
    ("exit 0", exit_zero),
    ("every edition written", every_edition_written),
    ("print and A5 in fours", in_fours),
    ("booklets impose the final count", booklets_match),
    ("back cover last", back_cover_last),
    ("divider on a right-hand page", divider_right_hand),
    ("notes pages", notes_pages),
    ("messages true", messages_true),
    ("new content in both languages", new_content_printed),
    ("no blank page beyond the unchanged build's", no_new_blank_pages),
    ("spreads open on a left-hand page (print)", spreads_on_left),
]


def section_pages(outputs: Outputs, column: str) -> list:
    """(section anchor, first page, own pages) of each section: from where it starts to where
    the next section (or the divider, or the back cover) starts, less the blank and notes
    pages in between, which are the page plan's, not the section's."""
    anchors = outputs.anchors(column)
    starts = sorted((page, name) for name, page in anchors.items()
                    if re.match(r"^(pl|en)-\d", name) or name.startswith("divider-")
                    or name == "back-cover")
    kinds = {p.number: p.kind for p in outputs.page_list(column)}
    found = []
    for (page, name), (following, _) in zip(starts, starts[1:]):
        if not name.startswith(("divider-", "back-cover")):
            own = sum(1 for n in range(page, following) if kinds.get(n) not in ("blank", "notes"))
            found.append((name, page, own))
    return found


def design_plan(lengths, kind: str) -> dict:
    """The page count docs/page-plan-design.md gives an edition whose sections have these own
    lengths ([[part's lengths], ...], one list per language part): cover; each section on a new
    page; in print, a section of two pages or more opens on a left-hand page (a blank page
    before it when needed) as long as that costs no extra sheet of four pages, else no blank
    page and the spreads that do not open on the left are reported; a volume's further part
    opens with its divider; the back cover last; print and A5 editions padded to a multiple of
    4 with notes pages before it."""
    plan = _plan(lengths, kind, spreads=kind == "print")
    if plan["blank"]:
        without = _plan(lengths, kind, spreads=False)
        if without["pages"] < plan["pages"]:
            return without | {"spreads_dropped": plan["blank"]}
    return plan


def _plan(lengths, kind, spreads) -> dict:
    page, gaps, broken = 1, 0, 0                       # the cover
    for i, part in enumerate(lengths):
        if i:
            page += 1                                  # the divider (screen: no blank verso)
        for length in part:
            start = page + 1
            if length >= 2 and start % 2:
                if spreads:
                    start, gaps = start + 1, gaps + 1
                else:
                    broken += 1
            page = start + length - 1
    total = page + 1                                   # the back cover
    notes = -total % 4 if kind in ("print", "a5") else 0
    return {"pages": total + notes, "blank": gaps, "notes": notes,
            "right_hand_spreads": broken if kind == "print" else 0}


def design(record: dict) -> dict:
    """column -> design_plan() of each edition the record has, from its sections' own pages."""
    found = {}
    for f in FILES:
        e = record["editions"].get(f.column)
        if e is None or f.kind == "booklet":
            continue
        parts = [[own for name, (start, own) in e["sections"].items()
                  if name.startswith(f"{lang}-")] for lang in f.languages]
        found[f.column] = design_plan(parts, f.kind)
    for f in FILES:                       # a booklet: half its source's pages
        if f.column in record["editions"] and f.source in found:
            found[f.column] = {"pages": found[f.source]["pages"] // 2}
    return found


def check(outputs: Outputs, run: Run) -> dict:
    """invariant name -> its failures (only the invariants that fail)."""
    failed = {}
    for name, function in INVARIANTS:
        problems = function(outputs, run)
        if problems:
            failed[name] = problems
    return failed


def _ranges(numbers) -> str:
    return ", ".join(str(n) for n in numbers)


# --- one case ----------------------------------------------------------------------------

def prepare(work: Path, name: str, change, editions=None) -> tuple:
    """A copy of content/ in work/name/content with the change applied: (folder, Change)."""
    content = work / name / "content"
    if content.exists():
        shutil.rmtree(content)
    shutil.copytree(CONTENT, content)
    applied = change(content)
    if editions:
        choose_editions(content, editions)
    return content, applied


def fresh_output(out: Path, seed: Path | None) -> None:
    """An empty output folder holding a copy of seed's cache: editions whose HTML a change
    leaves as it was are then taken from it, as in an editor's own rebuild (the builder's cache
    is keyed on each edition's final HTML)."""
    if out.exists():
        shutil.rmtree(out)
    if seed and (seed / ".cache").is_dir():
        shutil.copytree(seed / ".cache", out / ".cache")


def run_case(name: str, change, work: Path, baseline: Outputs | None = None, editions=None,
             lift=True) -> list:
    """Build one case: [Run as edited] and, when a page budget stopped it and lift is true, a
    second Run with the budgets lifted. Their output folders: work/name/output, output-lifted."""
    content, applied = prepare(work, name, change, editions)
    out = work / name / "output"
    fresh_output(out, baseline.out if baseline else None)
    runs = [build(content, out, name, "as edited", applied)]
    if lift and stopped_by_budget(runs[0]):
        lift_budgets(content)
        lifted_out = work / name / "output-lifted"
        fresh_output(lifted_out, out)         # the editions typeset before the budget stopped it
        runs.append(build(content, lifted_out, name, "budgets lifted", applied))
    for run in runs:
        run.editions, run.baseline = editions, baseline
    return runs


# --- the report --------------------------------------------------------------------------

def measure(outputs: Outputs, run: Run) -> dict:
    """The raw results of one build (the JSON record)."""
    record = {
        "case": run.case, "mode": run.mode, "change": run.change.summary if run.change else "",
        "exit": run.exit, "seconds": round(run.seconds, 1), "errors": run.errors,
        "warnings": run.warnings, "timings": run.timings, "editions": {}, "failures": {},
        "stdout": run.stdout, "stderr": run.stderr,
    }
    for f in FILES:
        pages = outputs.pages(f.column)
        if pages is None:
            continue
        sections = section_pages(outputs, f.column)
        record["editions"][f.column] = {
            "file": f.path.format(name=outputs.name), "pages": pages,
            "sections": {n: [start, own] for n, start, own in sections},
            "pages_not_content": {p.number: p.kind + (" navy" if p.dark and p.kind == "blank"
                                                      else "")
                                  for p in outputs.page_list(f.column)
                                  if p.kind not in ("content", "design")},
        }
    record["failures"] = check(outputs, run)
    return record


def new_warnings(record: dict, baseline: dict | None) -> list:
    """The warnings the unchanged build does not give (line numbers set aside)."""
    def norm(line):
        return re.sub(r"\d+", "N", line.split("/")[-1])
    standing = {norm(w) for w in (baseline or {}).get("warnings", [])}
    return [w for w in record["warnings"] if norm(w) not in standing]


COLUMNS = [f.column for f in FILES]
SHORT = {"exit 0": "exit≠0", "every edition written": "written", "print and A5 in fours": "x4",
         "booklets impose the final count": "booklet", "back cover last": "back",
         "divider on a right-hand page": "divider", "notes pages": "notes",
         "messages true": "msg", "new content in both languages": "content",
         "no blank page beyond the unchanged build's": "blank",
         "spreads open on a left-hand page (print)": "spread"}


def table(records: list, baseline: dict | None, planned=False) -> str:
    """Page counts per edition (bold: not the unchanged build's) and the failing invariants;
    design: the counts the proposed page plan gives the same sections instead."""
    last = "print: plan pages" if planned else "failing (findings)"
    head = "| case | build | exit | " + " | ".join(COLUMNS) + f" | {last} |"
    rows = [head, "|" + "---|" * (len(COLUMNS) + 4)]
    for r in records:
        if planned and not r["editions"]:
            continue
        plan = design(r) if planned else {}
        cells = []
        for column in COLUMNS:
            e = r["editions"].get(column)
            base = baseline["editions"].get(column) if baseline else None
            value = plan.get(column, {}).get("pages") if planned else (e or {}).get("pages")
            if value is None:
                cells.append("–")
            elif base and value != base["pages"]:
                cells.append(f"**{value}**")
            else:
                cells.append(str(value))
        failing = ", ".join(f"{SHORT.get(k, k)} {len(v)}" for k, v in r["failures"].items())
        mode = "lifted" if r["mode"] == "budgets lifted" else "as edited"
        rows.append(f"| {r['case']} | {mode} | {r['exit']} | " + " | ".join(cells)
                    + f" | {plan_notes(plan) if planned else failing or 'none'} |")
    return "\n".join(rows)


def plan_notes(plan: dict) -> str:
    found = []
    for column in ("print pl", "print en"):
        p = plan.get(column)
        if p:
            parts = [f"{p['blank']} blank" if p["blank"] else "",
                     f"{p['notes']} notes" if p["notes"] else "",
                     f"{p['right_hand_spreads']} spreads on the right"
                     if p["right_hand_spreads"] else ""]
            parts = [x for x in parts if x]
            if parts:
                found.append(f"{column}: " + ", ".join(parts))
    return "; ".join(found) or "–"


def details(records: list, baseline: dict | None, limit=2) -> str:
    out = []
    for r in records:
        out.append(f"### {r['case']} ({r['mode']})\n\n{r['change']}. Exit {r['exit']}, "
                   f"{r['seconds']:.0f} s.\n")
        for name, problems in r["failures"].items():
            more = f" (+{len(problems) - limit} more)" if len(problems) > limit else ""
            out.append(f"- **{name}**: " + "; ".join(problems[:limit]) + more)
        odd = {c: e["pages_not_content"] for c, e in r["editions"].items() if e["pages_not_content"]}
        if odd:
            out.append("- pages without body content: " + "; ".join(
                f"{c}: " + ", ".join(f"p.{n} {k}" for n, k in pages.items())
                for c, pages in odd.items()))
        grown = {}
        for column, e in r["editions"].items():
            before = (baseline or {}).get("editions", {}).get(column, {}).get("sections", {})
            for name, (_start, own) in e["sections"].items():
                if name in before and before[name][1] != own:
                    grown.setdefault(f"{name} {before[name][1]}→{own}", []).append(column)
                elif name not in before and column in ("pl", "en", "A5 pl", "A5 en"):
                    grown.setdefault(f"{name} new, {own}", []).append(column)
        if grown:
            out.append("- sections' own pages changed: " + "; ".join(
                f"{k} ({', '.join(v)})" for k, v in grown.items()))
        fresh = r["new_warnings"] if "new_warnings" in r else new_warnings(r, baseline)
        if fresh:
            out.append(f"- new messages ({len(fresh)}): " + " | ".join(
                w.split("content/", 1)[-1] for w in fresh[:limit])
                + (" | …" if len(fresh) > limit else ""))
        out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", action="append", metavar="NAME",
                        help="run only this case (repeatable; a prefix such as picture- works)")
    parser.add_argument("--list", action="store_true", help="list the cases and stop")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the cases' content and output (default: a temporary one)")
    parser.add_argument("--report", type=Path, default=Path("editor-matrix.md"))
    parser.add_argument("--json", type=Path, default=Path("editor-matrix.json"))
    parser.add_argument("--editions", default=None,
                        help=f"comma-separated edition ids to build (default: all: "
                             f"{','.join(EDITION_IDS)})")
    parser.add_argument("--no-lift", action="store_true",
                        help="do not rebuild with the budgets lifted when a budget stops a case")
    parser.add_argument("--from-json", type=Path, metavar="FILE",
                        help="build nothing: write --report from the raw results of a run")
    args = parser.parse_args(argv)
    if args.from_json:
        records = json.loads(args.from_json.read_text(encoding="utf-8"))
        args.report.write_text(report(records, records[0]), encoding="utf-8")
        print(f"wrote {args.report}")
        return 0
    if args.list:
        for name, _change in CASES:
            print(name)
        return 0
    editions = args.editions.split(",") if args.editions else None
    if editions and set(editions) - set(EDITION_IDS):
        parser.error(f"--editions: choose from {','.join(EDITION_IDS)}")
    chosen = [(n, c) for n, c in CASES
              if not args.case or any(n == w or n.startswith(w) for w in args.case)]
    if not chosen:
        parser.error("no case matches --case; --list shows them")
    work = args.work or Path(tempfile.mkdtemp(prefix="editor-matrix-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work folder: {work}", flush=True)

    name = publication_name(CONTENT)
    base_run = run_case("unchanged", unchanged, work, None, editions, lift=False)[0]
    baseline_outputs = Outputs(base_run.out, name)
    baseline = measure(baseline_outputs, base_run)
    records = [baseline]
    print(_line(baseline), flush=True)
    for case, change in chosen:
        for run in run_case(case, change, work, baseline_outputs, editions, lift=not args.no_lift):
            record = measure(Outputs(run.out, name), run)
            record["new_warnings"] = new_warnings(record, baseline)
            del record["warnings"]            # the baseline's, with the new ones above
            records.append(record)
            print(_line(record), flush=True)
    args.json.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    args.report.write_text(report(records, baseline), encoding="utf-8")
    print(f"wrote {args.report} and {args.json}")
    return 1 if any(r["failures"] for r in records) else 0


def report(records, baseline) -> str:
    legend = "; ".join(f"{short}: {name}" for name, short in SHORT.items())
    return ("# Editor-change matrix\n\nPage counts per edition (bold: not the unchanged "
            "build's; A3: the print edition's booklet, A4bk: the A5 edition's office booklet, in "
            "sides); the failing invariants, with their number of findings (" + legend
            + ").\n\n"
            + table(records, baseline) + "\n\n## What the proposed page plan gives the same "
            "sections\n\n(docs/page-plan-design.md, `design_plan()`: each section's own pages "
            "as measured in the build above, no tolerance assumed to succeed; last column: the "
            "print editions' blank pages before spreads, notes pages, and spreads left on a "
            "right-hand page because keeping them would cost a sheet)\n\n"
            + table(records, baseline, planned=True)
            + "\n\n## Details\n\n" + details(records, baseline))


def _line(record) -> str:
    pages = " ".join(f"{c}={e['pages']}" for c, e in record["editions"].items())
    failing = ", ".join(record["failures"]) or "ok"
    return (f"{record['case']:<24} {record['mode']:<15} exit {record['exit']}  "
            f"{record['seconds']:5.0f} s  {pages}  [{failing}]")


if __name__ == "__main__":
    sys.exit(main())
