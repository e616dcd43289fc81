"""Issue 22, classes 1 and 4: nothing runs from data (the cache is JSON and bytes, trusted only
under this user's key on this machine), and the cache key is every byte read (a picture
replaced under the same name, every installed distribution, huge files refused unread)."""
import ast
import hashlib
import os
import pickle
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

import inprocess
from brochure.build import cache
from brochure.errors import ContentError

PROJECT = Path(__file__).resolve().parent.parent
PACKAGE = PROJECT / "brochure"
MINI = PROJECT / "tests" / "fixtures" / "mini"
OLD_MAGIC = b"pim-cache 1\n"        # the format the issue's exploit forged
UNSAFE_MODULES = {"pickle", "marshal", "shelve", "dill", "cloudpickle", "jsonpickle"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}
UNSAFE_YAML = {"load", "load_all", "unsafe_load", "unsafe_load_all", "full_load",
               "full_load_all", "Loader", "UnsafeLoader", "FullLoader"}
# a red band of 800 x 12 pixels: printed across the 105 mm column at 194 ppi (a 1 x 1 picture
# would print blurred, and the build refuses it)
RED_PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000003200000000c080200000015944eef"
                        "000000484944415478daedd63101000008c330c0bfe76102be4442af760a00804b"
                        "23010080c1020030580000060b000083050060b000000c160000060b00c0600100"
                        "182c00000c1600c0af05d86c01179dcc51f90000000049454e44ae426082")


def png(width: int, height: int, rgb=(0, 0, 255)) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, height), rgb).save(out, "PNG")
    return out.getvalue()


def copy_content(where: Path, picture: bytes = RED_PNG) -> Path:
    root = where / "content"
    shutil.copytree(MINI, root)
    (root / "pl" / "img").mkdir()
    (root / "pl" / "img" / "mapa.png").write_bytes(picture)
    page = root / "pl" / "01-wstep.md"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "[[key-figures]]", "[[key-figures]]\n\n![Mapa](img/mapa.png)"), encoding="utf-8")
    return root


def build(root, out, key_home, *extra, timeout=300):
    """build.py in this process (tests/inprocess.py): the key is looked up at each build."""
    env = dict(os.environ, XDG_CACHE_HOME=str(key_home))
    return inprocess.run(["--content", str(root), "--output", str(out), "--lang", "pl", *extra],
                         env=env)


def typeset_editions(done) -> list:
    return sorted(line.split("[")[1].split("]")[0] for line in done.stdout.splitlines()
                  if "typeset (WeasyPrint)" in line)


# --- 1. nothing runs from data ----------------------------------------------------------------

def code_runners(tree: ast.AST) -> list:
    """(line, what) of each way of turning data into code in a module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names
                      if a.name.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in \
                UNSAFE_MODULES:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in UNSAFE_CALLS:
            found.append((node.lineno, node.func.id))
        elif isinstance(node, ast.Attribute) and node.attr in UNSAFE_YAML and \
                isinstance(node.value, ast.Name) and node.value.id == "yaml":
            found.append((node.lineno, f"yaml.{node.attr}"))
    return found


def test_no_module_of_the_package_can_run_code_from_data():
    """No pickle, marshal, eval/exec or unsafe YAML anywhere in the package."""
    found = [f"{path.relative_to(PROJECT)}:{line}: {what}"
             for path in sorted(PACKAGE.rglob("*.py"))
             for line, what in code_runners(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == [], found


def test_the_code_runner_rule_sees_each_kind():
    source = ("import pickle\nfrom marshal import loads\nimport yaml\neval('1')\n"
              "yaml.load(x, Loader=yaml.Loader)\nyaml.safe_load(x)\n")
    assert [what for _, what in code_runners(ast.parse(source))] == \
        ["pickle", "marshal", "eval", "yaml.load", "yaml.Loader"]


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    base = tmp_path_factory.mktemp("cache")
    root, out, keys = copy_content(base), base / "out", base / "keys"
    done = build(root, out, keys)
    assert done.returncode == 0, done.stderr
    return {"root": root, "out": out, "keys": keys}


def forged_entry(marker: Path) -> bytes:
    """A cache entry as the issue forged it: a pickle that runs code when loaded, after the
    SHA-256 checksum anyone can recompute."""
    class Exploit:
        def __reduce__(self):
            return (Path.touch, (marker,))

    payload = pickle.dumps(Exploit())
    return OLD_MAGIC + hashlib.sha256(payload).digest() + payload


def test_the_issue_exploit_runs_no_code(first_build, tmp_path):
    """Every entry of the cache replaced by the issue's forgery: the next build ignores them
    all, typesets every edition and no code runs."""
    marker, out = tmp_path / "code-ran", tmp_path / "out"
    shutil.copytree(first_build["out"], out)
    entries = sorted((out / ".cache").iterdir())
    assert entries
    for entry in entries:
        entry.write_bytes(forged_entry(marker))
    done = build(first_build["root"], out, first_build["keys"])
    assert done.returncode == 0, done.stderr
    assert not marker.exists(), "a forged cache entry ran code"
    assert typeset_editions(done) == ["pl", "pl-a5", "pl-print"]      # nothing was taken
    assert PdfReader(out / "pim-pl.pdf").pages


def test_an_old_cache_handed_on_runs_no_code_and_goes(first_build, tmp_path):
    """An output folder as the earlier versions wrote it (no manifest, .cache/*.pickle), with
    forged pickles: taken over, the pickles never read and removed."""
    marker, out = tmp_path / "code-ran", tmp_path / "out"
    shutil.copytree(first_build["out"], out)
    (out / ".brochure-manifest.json").unlink()
    for entry in list((out / ".cache").iterdir()):
        entry.unlink()
        (entry.parent / (entry.stem + ".pickle")).write_bytes(forged_entry(marker))
    done = build(first_build["root"], out, first_build["keys"])
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert list((out / ".cache").glob("*.pickle")) == []


def test_an_entry_signed_with_another_key_is_ignored(first_build, tmp_path):
    """A copied output folder (another user, another machine): its cache is not trusted."""
    out = tmp_path / "out"
    shutil.copytree(first_build["out"], out)
    again = build(first_build["root"], out, first_build["keys"])
    assert "nothing changed since the last build" in again.stdout, again.stdout
    elsewhere = build(first_build["root"], out, tmp_path / "other-keys")
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert "nothing changed" not in elsewhere.stdout
    assert typeset_editions(elsewhere) == ["pl", "pl-a5", "pl-print"]


def test_an_edited_entry_is_ignored(first_build, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(first_build["out"], out)
    for entry in (out / ".cache").iterdir():
        data = bytearray(entry.read_bytes())
        data[-1] ^= 1                                   # one bit of a PDF
        entry.write_bytes(bytes(data))
    done = build(first_build["root"], out, first_build["keys"])
    assert done.returncode == 0 and typeset_editions(done) == ["pl", "pl-a5", "pl-print"]


def test_the_key_is_private_and_outside_the_output(first_build):
    key = first_build["keys"] / "brochure" / "key"
    assert key.is_file() and key.stat().st_size == 32
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert not key.is_relative_to(first_build["out"])


@pytest.mark.parametrize("place", ["under a file", "another user's folder", "open to all"])
def test_without_a_private_key_the_build_runs_without_the_cache(tmp_path, place):
    """A read-only or shared home folder: no cache rather than trust."""
    root, out, keys = copy_content(tmp_path), tmp_path / "out", tmp_path / "keys"
    if place == "under a file":
        keys.write_text("a file, not a folder")
        keys = keys / "sub"
    else:
        (keys / "brochure").mkdir(parents=True)
        if place == "another user's folder":
            if os.geteuid() != 0:
                pytest.skip("chown needs root")
            os.chown(keys / "brochure", 65534, 65534)
        else:
            os.chmod(keys / "brochure", 0o777)
    done = build(root, out, keys)
    assert done.returncode == 0, done.stderr
    assert "the cache is off" in done.stdout, done.stdout
    assert not (out / ".cache").exists() or list((out / ".cache").iterdir()) == []
    again = build(root, out, keys)
    assert "nothing changed" not in again.stdout and typeset_editions(again)


# --- 4. the cache key is every byte read --------------------------------------------------

def test_a_picture_replaced_under_the_same_name_is_typeset_again(tmp_path):
    # 660 px across the column: 160 ppi on A4, 155 on A5, sharp enough to print (issue 22,
    # part B: a smaller picture is refused); the screen PDF embeds it at 150 ppi, 620 px wide
    root, out, keys = copy_content(tmp_path, png(660, 495)), tmp_path / "out", tmp_path / "keys"
    assert build(root, out, keys).returncode == 0
    assert picture_sizes(out / "pim-pl.pdf") == [(620, 465)]
    assert picture_sizes(out / "print" / "pim-pl-print.pdf") == [(660, 495)]
    (root / "pl" / "img" / "mapa.png").write_bytes(png(660, 430, (255, 0, 0)))
    done = build(root, out, keys)
    assert done.returncode == 0, done.stderr
    assert picture_sizes(out / "pim-pl.pdf") == [(620, 404)]
    assert picture_sizes(out / "print" / "pim-pl-print.pdf") == [(660, 430)]
    assert "pl" in typeset_editions(done)


def picture_sizes(pdf: Path) -> list:
    sizes = set()
    for page in PdfReader(pdf).pages:
        for image in page.images:
            sizes.add(image.image.size)
    return sorted(sizes)


def test_the_versions_are_every_distribution_the_builder_runs_on():
    names = {part.split("==")[0] for part in cache.versions().split(",")}
    assert {"weasyprint", "pydyf", "markdown-it-py", "mdit-py-plugins", "babel", "tinycss2",
            "jinja2", "pyyaml", "pillow", "fonttools", "pyphen", "pypdf", "defusedxml",
            "brotli", "python", "pango", "harfbuzz"} <= names, names
    assert "markdown" not in names                     # Python-Markdown is gone
    assert "pytest" not in names                       # a test extra shapes no output
    assert "==?" not in cache.versions().replace("exceptiongroup==?", "") \
        .replace("brotlicffi==?", "")


def test_a_huge_sparse_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    root = copy_content(tmp_path)
    big = root / "pl" / "img" / "film.mov"
    with big.open("wb") as handle:
        handle.truncate(300 * 1024 * 1024)             # 300 MB, none of it on disk
    opened = []
    real = os.open
    monkeypatch.setattr(os, "open", lambda path, *a, **k: opened.append(str(path))
                        or real(path, *a, **k))
    with pytest.raises(ContentError) as refused:
        cache.inputs_digest(root)
    assert refused.value.file == "content/pl/img/film.mov" and refused.value.line == 1
    assert "300.0 MB (a sparse file" in refused.value.message
    assert "at most 256.0 MB" in refused.value.message
    monkeypatch.undo()
    done = build(root, tmp_path / "out", tmp_path / "keys", "--quiet")
    assert done.returncode == 2
    assert done.stderr.startswith("content/pl/img/film.mov:1: error: the file is 300.0 MB")


# --- watch reloads what it renders ----------------------------------------------------------

def test_a_language_defined_again_gets_its_new_quotes():
    from brochure import languages
    from brochure.render import html as render, typography

    spec = {"code": "de", "tag": "de-DE", "hunspell": "de_DE", "quotes": "„“"}
    try:
        languages.define(spec)
        assert render._smarten('Er sagt "ja".', "de") == "Er sagt „ja“."
        assert typography.smarten('"nein"', "de") == "„nein“"
        languages.define(dict(spec, quotes="»«"))
        assert render._smarten('Er sagt "ja".', "de") == "Er sagt »ja«."
        assert typography.smarten('"nein"', "de") == "»nein«"
    finally:
        languages._defined.pop("de", None)


def test_the_preview_follows_a_changed_outline(tmp_path):
    """watch renders again after data/poland.json changes (it was cached by its name)."""
    import json

    from brochure.commands import watch

    class Quiet:
        def info(self, text):
            pass

        warn = info

    def page():
        """The page as the build writes it: without the reload script."""
        return re.sub(rb"<script data-watch=.*?</script>\n", b"", preview.page("/"), flags=re.S)

    root = copy_content(tmp_path)
    preview = watch.Preview(root, Quiet(), output=tmp_path / "out")
    assert preview.refresh()
    before = page()
    assert preview.refresh() and page() == before
    outline = root / "data" / "poland.json"
    shape = json.loads(outline.read_text(encoding="utf-8"))
    rings = shape["coordinates"] if shape["type"] == "Polygon" else shape["coordinates"][0]
    rings[0] = [[x + 0.5, y] for x, y in rings[0]]      # the country half a degree east
    outline.write_text(json.dumps(shape), encoding="utf-8")
    assert preview.refresh()
    assert page() != before
