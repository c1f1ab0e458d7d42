"""The indexes a reader finds their way by stay true to the tree:

- every package's `__init__.py` docstring names each of its modules and subpackages in backticks (`name`);
- the Layout tree of docs/layout.md names every folder that holds code or package data, and every module in its folder.

The Layout tree is read by indentation: a line whose first word ends in "/" opens that folder (inside the
nearest folder opened at a smaller indentation); every word on a line belongs to the folder the line sits in
(a folder's own line included), so a module is named by its stem (`pooled_lm`) on a line in its folder.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.helpers.paths import REPO

CODE = [p for root in ("t2l", "hydra_plugins") for p in sorted((REPO / root).rglob("*.py")) if "__pycache__" not in p.parts]
PACKAGES = sorted({p.parent for p in CODE if p.name == "__init__.py"})
PACKAGE_DATA = ("t2l/conf/", "t2l/data/", "t2l/release/")
LAYOUT = REPO / "docs" / "layout.md"   # the "## Layout" section, moved out of README.md as one block


def members(package: Path) -> list[str]:
    """The modules (stems, `__init__` left out) and subpackages of a package."""
    modules = [p.stem for p in package.glob("*.py") if p.stem != "__init__"]
    return sorted(modules + [d.name for d in package.iterdir() if (d / "__init__.py").is_file()])


def layout_tree(readme: str) -> dict[str, set[str]]:
    """{folder path ("t2l/tasks/pool/"): the words of its lines} from the first code block of "## Layout"."""
    section = readme.split("\n## Layout", 1)[1].split("\n## ", 1)[0]
    block = section.split("```", 2)[1]
    tree: dict[str, set[str]] = {"": set()}
    stack: list[tuple[int, str]] = []
    for line in block.splitlines()[1:]:
        if not line.strip():
            continue
        indent, first = len(line) - len(line.lstrip()), line.split()[0]
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if first.endswith("/"):
            stack.append((indent, (stack[-1][1] if stack else "") + first))
        folder = stack[-1][1] if stack else ""
        tree.setdefault(folder, set()).update(re.findall(r"\w+", line))
    return tree


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_each_package_docstring_names_every_module(package):
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
    missing = [name for name in members(package) if not re.search(rf"`{re.escape(name)}(?:/|\.py)?`", doc)]
    assert not missing, f"{package.relative_to(REPO)}/__init__.py does not name {missing}; add a line for each"


def test_the_layout_names_every_module_in_its_folder():
    tree = layout_tree(LAYOUT.read_text())
    wanted = {str(p.relative_to(REPO)) + "/": members(p) for p in PACKAGES}
    missing = [f"{folder} (the folder)" for folder in [*wanted, *PACKAGE_DATA] if folder not in tree]
    missing += [f"{folder}{name}" for folder, names in wanted.items() for name in names   # a subpackage: its folder
                if folder in tree and name not in tree[folder] and f"{folder}{name}/" not in tree]
    assert "train" in tree[""] and not missing, f"docs/layout.md's Layout does not name {missing}"


def test_the_layout_names_only_folders_that_exist():
    tree = layout_tree(LAYOUT.read_text())
    gone = sorted(folder for folder in tree if folder and not (REPO / folder).is_dir())
    assert not gone, f"docs/layout.md's Layout names folders the repository does not hold: {gone}"


def test_the_layout_reader_sees_a_module_missing_from_its_folder():
    """The check can fail: a module named only under another folder, and an unopened folder, are seen."""
    readme = "# t2l\n\n## Layout\n\n```\npkg/\n  app/        cli\n  eval/       rows\n    x/   y\n```\n## Next\n"
    tree = layout_tree(readme)
    assert "cli" in tree["pkg/app/"] and "cli" not in tree["pkg/eval/"] and tree["pkg/eval/x/"] >= {"x", "y"}
    assert "pkg/lora/" not in tree
