"""tools/compare_builds.py: two builds the same, or every difference named."""
import subprocess
import sys

import pytest
import weasyprint

from conftest import PROJECT

TOOL = PROJECT / "tools" / "compare_builds.py"


def build(folder, text, web="<p>web</p>"):
    (folder / "print").mkdir(parents=True)
    (folder / "web").mkdir()
    weasyprint.HTML(string=f"<p>{text}</p>").write_pdf(folder / "print" / "a.pdf")
    (folder / "web" / "index.html").write_text(web, encoding="utf-8")
    return folder


def compare(old, new):
    done = subprocess.run([sys.executable, str(TOOL), str(old), str(new)], capture_output=True,
                          text=True, timeout=120)
    return done.returncode, done.stdout.splitlines()


@pytest.fixture(scope="module")
def old(tmp_path_factory):
    return build(tmp_path_factory.mktemp("old"), "Ala ma kota")


def test_a_build_is_the_same_as_itself(old, tmp_path):
    code, lines = compare(old, build(tmp_path / "new", "Ala ma kota"))
    assert (code, lines) == (0, ["compare: 0 differences"])


def test_text_pixels_and_web_differences_are_named(old, tmp_path):
    code, lines = compare(old, build(tmp_path / "new", "Ola ma psa", web="<p>inna</p>"))
    assert code == 1
    assert any(line.startswith("print/a.pdf: the text differs: '-Ala ma kota'") for line in lines)
    assert any(line.startswith("print/a.pdf: page 1 differs at 50 dpi") for line in lines)
    assert "web/index.html: differs: '-<p>web</p>' | '+<p>inna</p>'" in lines
    assert lines[-1] == f"compare: {len(lines) - 1} differences"


def test_missing_files_are_named(old, tmp_path):
    new = build(tmp_path / "new", "Ala ma kota")
    (new / "print" / "a.pdf").rename(new / "print" / "b.pdf")
    code, lines = compare(old, new)
    assert code == 1
    assert lines[:2] == ["print/a.pdf: only in the old build", "print/b.pdf: only in the new build"]
