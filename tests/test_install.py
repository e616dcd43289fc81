"""The engine as a user installs it: a wheel built from the project, installed into a fresh
virtual environment, used outside the checkout (`brochure new`, `brochure build`)."""
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import PROJECT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the venv's bin folder, a folder outside the checkout) with the wheel installed."""
    base = tmp_path_factory.mktemp("install")
    wheels = base / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "-w", str(wheels), str(PROJECT)], check=True, capture_output=True, timeout=300)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    wheel = next(wheels.glob("*.whl"))
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                    "--disable-pip-version-check", "-c", str(PROJECT / "constraints.txt"),
                    str(wheel)], check=True, capture_output=True, timeout=600)
    elsewhere = base / "work"
    elsewhere.mkdir()
    return venv / "bin", elsewhere, wheel


def test_the_wheel_holds_the_themes_fonts_profile_and_scaffold(installed):
    names = set(zipfile.ZipFile(installed[2]).namelist())
    for needed in ("brochure/themes/default/templates/document.html",
                   "brochure/themes/default/styles/tokens.css",
                   "brochure/themes/default/styles/fonts/Lato-Regular.ttf",
                   "brochure/themes/default/styles/icc/coated-fogra39-argyll.icc",
                   "brochure/scaffold/publication.yaml", "brochure/scaffold/pl/01-wstep.md",
                   "brochure/scaffold/README.md", "brochure/themes/default/styles/a5.css",
                   "brochure/themes/default/styles/fonts.css",
                   "brochure/themes/default/styles/web-fonts.css"):
        assert needed in names, needed
    assert not any(name.startswith(("tests/", "content/")) or "pdfcheck" in name for name in names)


def test_new_and_build_work_outside_the_checkout(installed):
    bin_, work, _ = installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_}{os.pathsep}{env.get('PATH', '')}"
    new = subprocess.run(["brochure", "new", "raport"], cwd=work, env=env, capture_output=True,
                         text=True, timeout=60)
    assert new.returncode == 0, new.stdout + new.stderr
    assert "raport/README.md says what each file holds" in new.stdout      # docs installed
    assert "Themes and tokens" not in new.stdout and (work / "raport" / "README.md").is_file()
    build_line = next(line for line in new.stdout.splitlines() if "build it:" in line)
    command = build_line.split("build it:", 1)[1].strip()
    assert command.startswith("brochure ")                      # as the user started it
    built = subprocess.run(command, shell=True, cwd=work, env=env, capture_output=True,
                           text=True, timeout=300)            # run exactly as printed
    assert built.returncode == 0, built.stdout + built.stderr
    out = work / "raport-output"
    pdf = out / "publication-pl.pdf"
    assert PdfReader(pdf).pages and "Nowa publikacja" in PdfReader(pdf).pages[0].extract_text()
    assert len(PdfReader(out / "print" / "publication-pl-print.pdf").pages) % 4 == 0
    assert (out / "web" / "index.html").is_file()
    # the engine ran from the installed package, not from this checkout
    where = subprocess.run([str(bin_ / "python"), "-c", "import brochure; print(brochure.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert not Path(where.stdout.strip()).is_relative_to(PROJECT)


def test_translation_export_and_word_import_work_installed(installed, tmp_path):
    """The exchange files (lxml, translate-toolkit) and pandoc (pypandoc-binary) come with the
    package: installed, `brochure translation export` and `brochure import` work outside the
    checkout."""
    import pypandoc

    bin_, work, _ = installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_}{os.pathsep}{env.get('PATH', '')}"

    def brochure(*args):
        return subprocess.run(["brochure", *args], cwd=work, env=env, capture_output=True,
                              text=True, timeout=120)
    assert brochure("new", "przeklad").returncode == 0
    export = brochure("translation", "export", "--all", "--content", "przeklad", "-o", "en.xlf")
    assert export.returncode == 0, export.stdout + export.stderr
    assert 'srcLang="pl" trgLang="en"' in (work / "en.xlf").read_text(encoding="utf-8")
    document = tmp_path / "draft.docx"
    pypandoc.convert_text("# Nowa sekcja\n\nPierwszy akapit.\n", "docx", format="markdown",
                          outputfile=str(document))
    imported = brochure("import", str(document), "--section", "02-nowa", "--lang", "pl",
                        "--content", "przeklad")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "Pierwszy akapit." in (work / "przeklad" / "pl" / "02-nowa.md").read_text(encoding="utf-8")
