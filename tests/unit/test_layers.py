"""The package's shape, checked from the source (AST), so a violation fails before anyone runs it:

- no import cycle between t2l modules (imports inside functions count too);
- a module imports only its own layer or lower ones (the table in t2l/__init__.py);
- only t2l/app/ imports hydra or omegaconf (config flows one way: app builds plain objects);
- no module over 400 lines, no function of 60 lines or more; every subpackage's __init__ says what it holds
  and may import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers.paths import REPO

PACKAGE = REPO / "t2l"
LAYERS = {"errors": 0, "io": 0, "assets": 0, "hardware": 0, "package_data": 0, "tasks": 1, "lora": 2, "models": 3,
          "eval": 4, "baselines": 4, "training": 5, "app": 6}
MAX_LINES = 400
MAX_FUNCTION_LINES = 60   # a function's lines from its `def` to its last line, docstring and nested functions included


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports (absolute names), wherever the import statement sits."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def internal_imports(path: Path) -> set[str]:
    """The t2l modules `path` imports (`from t2l.x import y` counts t2l.x.y when that is a module)."""
    return {name for name in imports_of(path) if name in MODULES and name != "t2l"}


def layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else None
    return LAYERS.get(top, -1)


def test_every_module_has_a_layer():
    assert {m.split(".")[1] for m in MODULES if "." in m} <= set(LAYERS)


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle a depth-first walk of `graph` (module -> modules it imports) meets, as node lists."""
    visiting, done, cycles = set(), set(), []

    def visit(node: str, trail: list[str]) -> None:
        if node in done:
            return
        if node in visiting:
            cycles.append(trail[trail.index(node):])
            return
        visiting.add(node)
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, trail + [nxt])
        visiting.discard(node)
        done.add(node)

    for module in sorted(graph):
        visit(module, [module])
    return cycles


def import_graph() -> dict[str, set[str]]:
    return {m: internal_imports(p) - {m} for m, p in MODULES.items()}


def test_no_import_cycles():
    cycles = find_cycles(import_graph())
    assert not cycles, f"import cycles: {[' -> '.join(c) for c in cycles]}"


def test_cycle_detector_finds_a_planted_cycle(tmp_path):
    """The detector test_no_import_cycles runs can fail: two modules that import each other (one of them
    inside a function, which counts too) are planted into the real graph, and the detector reports that
    cycle and no other."""
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("from t2l.lora import spec\nimport t2l.models.base\n")
    b.write_text("def f():\n    from t2l.lora.spec import LoRASpec\n")
    assert internal_imports(a) == {"t2l.lora", "t2l.lora.spec", "t2l.models.base"}
    assert internal_imports(b) == {"t2l.lora.spec"}
    graph = import_graph()
    assert not find_cycles(graph)
    # a.py stands in for t2l.lora.spec (its own name dropped, as import_graph does), b.py for t2l.models.base
    graph["t2l.lora.spec"] = internal_imports(a) - {"t2l.lora.spec"}
    graph["t2l.models.base"] = internal_imports(b)
    cycles = find_cycles(graph)
    assert [" -> ".join(c) for c in cycles] == ["t2l.lora.spec -> t2l.models.base -> t2l.lora.spec"]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if "." in m))
def test_imports_only_its_own_layer_or_lower(module):
    mine = layer(module)
    higher = sorted(i for i in internal_imports(MODULES[module]) if layer(i) > mine)
    assert not higher, f"{module} (layer {mine}) imports higher layers: {higher}; move the code or invert the call"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_the_app_reads_hydra_config(module):
    if module.startswith("t2l.app"):
        return
    config = sorted(i for i in imports_of(MODULES[module]) if i.split(".")[0] in ("hydra", "omegaconf"))
    assert not config, f"{module} imports {config}: only t2l/app/ may read Hydra/OmegaConf config"


def test_hydra_check_sees_a_function_level_import(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f():\n    from omegaconf import OmegaConf\n    return OmegaConf\n")
    assert "omegaconf" in imports_of(path)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_are_small(module):
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= MAX_LINES, f"{MODULES[module]} has {lines} lines (> {MAX_LINES}); split it by concept"


def function_lengths(path: Path) -> list[tuple[int, str]]:
    """(lines, "path:line name") of every function and method in `path`, nested ones too."""
    where = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    return [(node.end_lineno - node.lineno + 1, f"{where}:{node.lineno} {node.name}")
            for node in ast.walk(ast.parse(path.read_text(), str(path)))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def too_long(lengths: list[tuple[int, str]]) -> list[str]:
    return [f"{where} ({n} lines)" for n, where in sorted(lengths, reverse=True) if n >= MAX_FUNCTION_LINES]


def test_the_longest_function_is_under_60_lines():
    lengths = [n for p in MODULES.values() for n in function_lengths(p)]
    over = too_long(lengths)
    assert not over, f"functions of {MAX_FUNCTION_LINES} lines or more: {over}; split them into named helpers"
    assert max(lengths)[0] < MAX_FUNCTION_LINES


def test_function_lengths_count_a_planted_long_function(tmp_path):
    """The measure test_the_longest_function_is_under_60_lines uses can fail: a 60-line method (docstring
    and a nested function included) is measured as 60 lines and reported, its nested function is not."""
    body = "".join(f"        x{i} = {i}\n" for i in range(56))
    path = tmp_path / "m.py"
    path.write_text(f'class C:\n    def long(self):\n        """Doc."""\n        def inner():\n            return 1\n{body}')
    assert sorted(function_lengths(path)) == [(2, f"{path}:4 inner"), (60, f"{path}:2 long")]
    assert too_long(function_lengths(path)) == [f"{path}:2 long (60 lines)"]


@pytest.mark.parametrize("package", sorted(m for m, p in MODULES.items() if p.name == "__init__.py"))
def test_each_subpackage_says_what_it_holds_and_may_import(package):
    doc = ast.get_docstring(ast.parse(MODULES[package].read_text())) or ""
    assert len(doc) > 80, f"{package}/__init__.py needs a docstring: what it holds, what it may import"
    if package != "t2l":
        assert "import" in doc.lower(), f"{package}/__init__.py must say what it may import"
