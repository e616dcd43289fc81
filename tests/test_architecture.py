"""The package's imports follow the flow of data: content -> render -> (translate) -> typeset ->
press -> build -> commands, each layer importing only itself and the layers before it, with no
import cycle."""
import ast
from pathlib import Path

from conftest import PROJECT

PACKAGE = PROJECT / "brochure"
# lowest first; the top-level modules (errors, diagnostics, model...) are the foundation
# translate/ reads the texts with render's Markdown front end; check, the build and the commands use it
LAYERS = ["", "content", "render", "translate", "typeset", "press", "build", "commands"]


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, top_level_only=False, name=None):
    """(imported module, line) of each brochure import in the file (the module `name`, by
    default its own); with top_level_only, only those that run when the module is imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if not base.startswith("brochure"):
                continue
            for alias in node.names:      # "from . import x" imports the module x
                candidate = f"{base}.{alias.name}"
                yield (candidate if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists()
                       or (PACKAGE.parent / candidate.replace(".", "/")).is_dir() else base), \
                    node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("brochure"):
                    yield alias.name, node.lineno


def layer(module: str) -> int:
    if module == "brochure.__main__":             # python -m brochure: the command line
        return LAYERS.index("commands")
    parts = module.split(".")
    sub = parts[1] if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()) \
        else ""
    return LAYERS.index(sub) if sub in LAYERS else 0


def sources():
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_imports_a_later_stage():
    against = []
    for path in sources():
        here = module_name(path)
        for target, line in imports(path):
            if layer(target) > layer(here):
                against.append(f"{path.relative_to(PROJECT)}:{line}: {here} imports {target} "
                               f"({LAYERS[layer(target)]} comes after "
                               f"{LAYERS[layer(here)] or 'the foundation'})")
    assert not against, "\n".join(against)


def test_no_import_cycle():
    graph = {module_name(p): {t for t, _ in imports(p, top_level_only=True)} for p in sources()}
    state, cycles = {}, []

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


def test_the_rule_sees_a_violation(tmp_path):
    """The check above can fail: a content module importing the build is found, with its line."""
    module = tmp_path / "source.py"
    module.write_text("from ..errors import ContentError\n\n\ndef f():\n"
                      "    from ..build import cache\n", encoding="utf-8")
    found = list(imports(module, name="brochure.content.source"))
    assert found == [("brochure.errors", 1), ("brochure.build.cache", 5)]
    assert [layer(t) > layer("brochure.content.source") for t, _ in found] == [False, True]
    assert list(imports(module, top_level_only=True, name="brochure.content.source")) == \
        [("brochure.errors", 1)]
