"""The build runs on the versions it pins: a different WeasyPrint lays pages out differently."""
import re
from importlib import metadata

from conftest import PROJECT

PINNED = re.compile(r'"([A-Za-z0-9_.-]+)==([^"]+)"')


def pins():
    text = (PROJECT / "pyproject.toml").read_text(encoding="utf-8")
    return dict(PINNED.findall(text))


def test_weasyprint_is_the_pinned_version():
    assert pins()["weasyprint"] == "70.0"
    assert metadata.version("weasyprint") == "70.0"


def test_every_pinned_package_is_installed_at_its_pin():
    wrong = {name: (version, metadata.version(name)) for name, version in pins().items()
             if metadata.version(name) != version}
    assert not wrong, f"installed versions differ from pyproject.toml: {wrong}"


def test_constraints_agree_with_pyproject():
    constraints = dict(line.split("==") for line in
                       (PROJECT / "constraints.txt").read_text().split() if "==" in line)
    lowered = {k.lower(): v for k, v in constraints.items()}
    for name, version in pins().items():
        assert lowered.get(name.lower()) == version, name
