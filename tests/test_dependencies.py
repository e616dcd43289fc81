"""The build runs on the versions it pins: a different WeasyPrint lays pages out differently."""
import re
from importlib import metadata

import pytest

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


def test_each_command_owns_its_options_and_the_console_script_is_declared():
    import tomllib

    from brochure.commands import cli

    assert tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["scripts"] == {
        "brochure": "brochure.commands.cli:main"}
    assert cli.parse_args(["--lang", "pl"]).command == "build"          # build by default
    assert cli.parse_args(["watch", "--port", "8001"]).port == 8001
    assert cli.parse_args(["new", "x"]).files == ["x"]
    for wrong in (["check", "--port", "8001"], ["new"], ["reviewed"], ["check", "--jobs", "2"]):
        with pytest.raises(SystemExit) as info:
            cli.parse_args(wrong)
        assert info.value.code == 2, wrong
