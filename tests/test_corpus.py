"""The bad-input corpus: each tests/corpus/<case>/case.yaml edits a copy of tests/fixtures/mini
and says how the command line must answer (tests/corpus/README.md describes the format).

Every case runs the command line in this process (brochure.commands.cli.main; a subprocess
costs half a second a case): by default `build --content <tmp>/content --output <tmp>/output
--lang pl` (or another output folder, `output:`), over an output folder that already holds a
sentinel `pim-pl.pdf` (and what `output_edits:` put there), or the case's own `command`
(reviewed, check, new). It checks:

- the exit code;
- for a refused command: stderr has exactly one error line, starting with the expected
  `file:line: message`, besides the fixed "error: nothing was written..." line; no traceback,
  no internal error; the output folder is byte for byte unchanged, the sentinel and all, and
  so is every content file the case lists under `unchanged`;
- for an accepted build: no error line, and a real PDF replaced the sentinel.
"""
import random
import shutil
from pathlib import Path

import pytest
import yaml

from brochure.commands import cli

PROJECT = Path(__file__).resolve().parent.parent
MINI = PROJECT / "tests" / "fixtures" / "mini"
CORPUS = PROJECT / "tests" / "corpus"
CASES = sorted(p.parent.name for p in CORPUS.glob("*/case.yaml"))
SENTINEL = b"%PDF-1.7\n% sentinel: a previous build's output; a failed build must keep it\n"
NOTHING_WRITTEN = "error: nothing was written"
TIMEOUT = "120"                     # seconds of rendering and typesetting: longer is a hang
BUILD = ["--content", "{content}", "--output", "{output}", "--lang", "pl", "--quiet",
         "--timeout", TIMEOUT]

WORDS = ("miasto sieć projekt zielona transformacja osiedla przestrzeń rozwiązania partnerstwo "
         "publiczno-prywatne mieszkańcy inwestycje w i z o dane cyfrowe 2021-2023 „plan” "
         "działania").split()


def load_case(name) -> dict:
    case = yaml.safe_load((CORPUS / name / "case.yaml").read_text(encoding="utf-8"))
    assert set(case) <= {"description", "edits", "expect", "command", "unchanged", "output",
                         "output_edits"}, \
        f"{name}: unknown keys"
    assert case["description"].strip() and case["edits"], f"{name}: describe and edit"
    assert "exit" in case["expect"], f"{name}: expect.exit is required"
    return case


def apply_edit(root: Path, edit: dict):
    """One edit of the case on the content copy at root."""
    if "symlink" in edit:
        link = root / edit["symlink"]
        target = Path(edit["to"])
        if target.is_absolute() and not target.exists():
            pytest.skip(f"{target} does not exist on this machine")
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
        return
    if "delete" in edit:
        target = root / edit["delete"]
        shutil.rmtree(target) if target.is_dir() and not target.is_symlink() else target.unlink()
        return
    if "chmod" in edit:
        (root / edit["chmod"]).chmod(int(str(edit["mode"]), 8))
        return
    path = root / edit["file"]
    if "find" in edit:
        text = path.read_bytes().decode("utf-8")
        assert edit["find"] in text, f"{edit['file']} lacks {edit['find']!r}"
        path.write_bytes(text.replace(edit["find"], edit["replace"]).encode("utf-8"))
    elif "write_text" in edit:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(edit["write_text"].encode("utf-8"))
    elif "write_bytes_hex" in edit:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes.fromhex("".join(edit["write_bytes_hex"].split())))
    elif "append_paragraph_bytes" in edit:
        with path.open("ab") as handle:
            handle.write(b"\n\n" + paragraph(edit["append_paragraph_bytes"]) + b"\n")
    elif "sparse_bytes" in edit:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            handle.truncate(edit["sparse_bytes"])      # that size, almost nothing on disk
    else:
        raise AssertionError(f"unknown edit {edit!r}")


def paragraph(size: int) -> bytes:
    """One Markdown paragraph (no blank line in it) of about `size` bytes of Polish text."""
    rng = random.Random(size)
    words, total = [], 0
    while total < size:
        word = rng.choice(WORDS)
        words.append(word + ("." if rng.random() < 0.08 else ""))
        total += len(word.encode("utf-8")) + 1
    lines = [" ".join(words[i:i + 12]) for i in range(0, len(words), 12)]
    return "\n".join(lines).encode("utf-8")


def placed(value, places: dict):
    """A case's value with {content} and {output} standing for the folders of this run."""
    if isinstance(value, list):
        return [placed(item, places) for item in value]
    if not isinstance(value, str):
        return value
    for name, folder in places.items():
        value = value.replace("{" + name + "}", folder)
    return value


class Done:
    """What a command answered: its exit code and what it printed."""

    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def run_case(tmp_path, capsys):
    def run(name):
        case = load_case(name)
        root = tmp_path / "content"
        shutil.copytree(MINI, root)
        for edit in case["edits"]:
            apply_edit(root, edit)
        out = tmp_path / case.get("output", "output")
        out.mkdir(exist_ok=True)
        (out / "pim-pl.pdf").write_bytes(SENTINEL)
        for edit in case.get("output_edits", []):
            apply_edit(out, edit)
        before = snapshot(out)
        kept = {path: (root / path).read_bytes() for path in case.get("unchanged", [])}
        places = {"content": str(root), "output": str(out)}
        argv = [placed(part, places) for part in case.get("command", BUILD)]
        capsys.readouterr()
        code = cli.main(argv)
        printed = capsys.readouterr()
        for path, data in kept.items():
            assert (root / path).read_bytes() == data, f"{name}: {path} was changed"
        expect = {key: placed(value, places) for key, value in case["expect"].items()}
        return expect, Done(code, printed.out, printed.err), out, before
    return run


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("name", CASES)
def test_case(run_case, name, request):
    known_bug = load_case(name)["expect"].get("known_bug")
    if known_bug:   # the case shows a bug elsewhere: it must fail until that is fixed
        request.applymarker(pytest.mark.xfail(strict=True, reason=known_bug))
    expect, done, out, before = run_case(name)
    report = f"{name}: exit {done.returncode}\nstderr:\n{done.stderr}"
    assert "Traceback" not in done.stderr + done.stdout, report
    assert "internal error" not in done.stderr + done.stdout, report
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if not line.startswith(NOTHING_WRITTEN)
              and ": warning: " not in line and not line.startswith("warning: ")]
    if done.returncode == 2 and expect.get("or_refused_with") and expect["exit"] == 0:
        # allowed instead of a build: a refusal that says why (e.g. the page budget)
        assert len(errors) == 1 and expect["or_refused_with"] in errors[0], report
        assert (out / "pim-pl.pdf").read_bytes() == SENTINEL, report
        return
    assert done.returncode == expect["exit"], report
    if expect["exit"] == 0:
        assert errors == [], report
        for part in expect.get("contains", []):     # e.g. a warning the build must give
            assert part in done.stderr, report
        assert (out / "pim-pl.pdf").read_bytes()[:5] == b"%PDF-", report
        assert (out / "pim-pl.pdf").read_bytes() != SENTINEL, report
        return
    assert len(errors) == 1, report
    assert errors[0].startswith(expect["message"]), report
    for part in expect.get("contains", []):
        assert part in errors[0], report
    assert all(line == errors[0] or line.startswith(NOTHING_WRITTEN) or ": warning: " in line
               for line in lines), report
    assert snapshot(out) == before, report                  # the sentinel and all, unchanged


def test_corpus_is_complete():
    """The kinds of bad input the corpus must keep covering."""
    required = {"yaml-syntax-error", "tab-indentation", "wrong-type", "unknown-key",
                "unknown-network", "duplicate-city", "invalid-date", "end-before-start",
                "missing-translation-data", "missing-translation-section", "empty-file",
                "non-utf8-cp1250", "utf8-bom", "crlf-line-endings", "unclosed-front-matter",
                "missing-image", "raw-script", "rel-attachment", "file-link", "huge-paragraph",
                "symlink-outside", "unknown-component",
                # issue #11: nothing outside the content folder, every unusable input refused
                "section-climbs-out", "section-absolute", "section-twice", "language-twice",
                "zero-pages", "negative-count", "icc-not-cmyk", "symlink-markdown-outside",
                "symlink-data-outside", "symlink-proc", "symlink-device", "image-text-as-png",
                "image-decompression-bomb", "image-truncated", "svg-file-image",
                "svg-relative-image", "svg-xml-base", "svg-import", "svg-external-entity",
                "markdown-nul", "markdown-escape", "markdown-form-feed",
                "markdown-bidi-override", "missing-glyph", "missing-glyph-yaml", "reserved-id",
                "reserved-id-section", "duplicate-id", "deep-list", "deep-quote",
                "deep-brackets",
                # issue 22, part A: the output folder is the tool's alone; huge files unread
                "editions-same-file", "edition-in-web-folder", "sparse-file-in-content",
                "output-foreign-file", "output-folder-in-place", "output-inside-content",
                "output-is-content", "output-holds-content",
                # issue 22, part B: nothing outside read or written, every input used or an error at
                # its line, bounded time, pictures fit for publication, text pasted from Word
                "reviewed-file-outside", "reviewed-link-outside", "reviewed-link-to-source",
                "reviewed-language-folder-link", "reviewed-source-text", "reviewed-read-only",
                "reviewed-record-link",
                "new-under-a-file", "outline-link-outside", "outline-malformed",
                "outline-not-geojson", "svg-nested-script", "svg-nested-file",
                "svg-nested-huge-raster", "svg-nested-html", "image-eps-as-png",
                "logo-link-outside", "huge-integer", "huge-count", "date-year-9999",
                "event-year-9999", "timeline-centuries", "label-brace", "label-huge-width",
                "label-percent", "yaml-bidi-override", "yaml-nul", "yaml-escape-sequence",
                "yaml-forged-diagnostic", "yaml-alias-bomb", "duplicate-city-nfd",
                "duplicate-city-zero-width", "city-name-long", "long-word", "long-word-data",
                "long-url", "pasted-english-quotes", "pasted-soft-hyphen", "unclosed-bold",
                "unclosed-underscore", "unclosed-link", "check-unclosed-bold", "picture-blurred"}
    assert required <= set(CASES), required - set(CASES)
