"""What the docs, comments and messages point at exists, so a reader who follows a pointer finds something:

- a repository path (`t2l/conf/lora/default.yaml`, `docs/t2l.md`, `bench/results/`) names a file or folder
  the repository holds; placeholders stand for any name: `<name>`, `NAME`, `{x}`, a glob `*`, and `{a,b}` is
  each of its choices. Public task data outside the repository is named through T2L_BBH_SOURCE /
  T2L_BIGBENCH_SOURCE (../shared/data in the tests), never by a path here;
- a bare Markdown file name (`README.md`) is a file somewhere in the repository (`body=CARD.md`, a value
  on a command line, is a placeholder);
- a dotted name in prose (`t2l.app.schemas.TrainConfig`) imports. Code examples (Markdown code blocks,
  indented lines of a docstring) are left to the tests that run them: there `t2l` is often a T2L bundle.
"""

from __future__ import annotations

import importlib
import io
import re
import tokenize
from pathlib import Path

from tests.helpers.paths import REPO

ROOTS = ("t2l", "docs", "tests", "bench", "hydra_plugins", ".ci")
TOP_FILES = ("README.md", "Makefile", "train.py", "pyproject.toml")
SUFFIXES = (".py", ".md", ".yaml", ".toml")
PATH = re.compile(rf"(?<![\w/.~$-])((?:{'|'.join(map(re.escape, ROOTS))})/[\w./<>{{}},*-]*)")
MARKDOWN_NAME = re.compile(r"(?<![\w/.=-])([A-Za-z_][\w-]*\.md)\b")   # key=NAME.md: a placeholder
DOTTED = re.compile(r"(?<![\w./-])(t2l(?:\.\w+)+)")
Q = '"'   # three of these open a docstring (spelled so, the planted module below stays one line)


def text_files() -> list[Path]:
    found = [REPO / name for name in TOP_FILES] + [REPO / ".ci" / "run"]
    for root in ROOTS:
        found += [p for p in (REPO / root).rglob("*") if p.suffix in SUFFIXES and p.is_file()
                  and "__pycache__" not in p.parts and not p.is_relative_to(REPO / "tests" / "fixtures")]
    return sorted(set(found))


FILES = text_files()


def expand(pattern: str) -> list[str]:
    """`{a,b}` -> each choice; `{x}` (a format field) -> `*`."""
    brace = re.search(r"\{([^{}]*)\}", pattern)
    if not brace:
        return [pattern]
    head, tail = pattern[:brace.start()], pattern[brace.end():]
    if "," not in brace.group(1):
        return expand(f"{head}*{tail}")
    return [full for choice in brace.group(1).split(",") for full in expand(head + choice + tail)]


def path_exists(cited: str) -> bool:
    """Every choice of a `{a,b}` names something; a wildcard names at least one thing."""
    pattern = re.sub(r"<[^<>]*>", "*", cited)
    pattern = re.sub(r"(?<=/)[A-Z][A-Z_]*(?=[./]|$)", "*", pattern)   # NAME.txt, DIR/

    def found(candidate: str) -> bool:
        module_attr = re.fullmatch(r"(.*)\.\w+", candidate)   # tests/helpers/lm_eval_task.run_lm_eval
        tries = [candidate] + ([module_attr.group(1) + ".py"] if module_attr else [])
        return any(next(REPO.glob(t.rstrip("/")), None) is not None for t in tries)

    return all(found(candidate) for candidate in expand(pattern))


def cited_paths(text: str) -> list[str]:
    """Repository paths in `text` that name a file (an extension) or a folder (a trailing /)."""
    paths = []
    for match in PATH.finditer(text):
        cited = re.split(r"\.\*|\\", match.group(1))[0].rstrip(".,:;")   # a regex's residue cut off
        if cited.count("{") != cited.count("}"):
            continue   # part of a format string that the pattern cut at a bracket
        if cited.endswith("/") or re.search(r"\.[\w*]+$", cited):   # t2l/tiny-random-llama is a model id
            paths.append(cited)
    return paths


def prose(path: Path, text: str) -> str:
    """The parts of a file that are prose: comments and docstring lines (not indented code examples) of a
    .py file, Markdown outside code blocks, every line elsewhere."""
    if path.suffix == ".md":
        return "\n".join(part for i, part in enumerate(text.split("```")) if i % 2 == 0)
    if path.suffix != ".py":
        return text
    kept = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            kept.append(token.string)
        elif token.type == tokenize.STRING and token.string.lstrip("rbfuRBFU")[:3] in (Q * 3, "'" * 3):
            code = " " * (token.start[1] + 4)   # a code example sits 4 deeper than the docstring's quotes
            kept += [line for line in token.string.splitlines() if not line.startswith(code)]
    return "\n".join(kept)


def resolves(name: str) -> bool:
    parts = name.split(".")
    for i in range(len(parts), 1, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for attr in parts[i:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def where(path: Path, text: str, needle: str) -> str:
    return f"{path.relative_to(REPO)}:{text[:text.find(needle)].count(chr(10)) + 1}: {needle}"


def test_cited_repository_paths_exist():
    missing = [where(path, text, cited) for path in FILES for text in [path.read_text(encoding="utf-8")]
               for cited in cited_paths(text) if not path_exists(cited)]
    assert not missing, f"paths the repository does not hold: {missing}"


def test_cited_markdown_files_exist():
    names = {p.name for p in FILES if p.suffix == ".md"} | {p.name for p in REPO.glob("t2l/**/*.md")}
    missing = [where(path, text, name) for path in FILES for text in [path.read_text(encoding="utf-8")]
               for name in MARKDOWN_NAME.findall(prose(path, text))
               if name not in names]
    assert not missing, f"Markdown files the repository does not hold: {missing}"


def test_dotted_names_in_prose_import():
    missing = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        missing += [where(path, text, name) for name in DOTTED.findall(prose(path, text))
                    if not name.endswith((".py", ".md", ".yaml", ".json", ".txt"))
                    and min(map(len, name.split("."))) > 1 and not resolves(name)]   # t2l.x: a placeholder
    assert not missing, f"names that do not import: {sorted(set(missing))}"


def test_the_checks_see_a_missing_path_a_missing_file_and_a_missing_name():
    """Each check can fail: a stale path, a placeholder that matches nothing, a class that moved. (The paths
    are built from `pkg`, so that this file cites nothing missing itself.)"""
    pkg = "t2l"
    assert cited_paths(f"see {pkg}/conf/lora/default.yaml, {pkg}/conf/{{group}}/x.yaml and model {pkg}/tiny-random"
                       ) == [f"{pkg}/conf/lora/default.yaml", f"{pkg}/conf/{{group}}/x.yaml"]
    assert path_exists(f"{pkg}/conf/lora/default.yaml") and path_exists(f"{pkg}/conf/hypernet/{{L,M,S}}.yaml")
    assert path_exists(f"{pkg}/release/<name>/README.md") and path_exists(f"{pkg}/data/splits/NAME.txt")
    assert not path_exists(f"{pkg}/conf/lora/nope.yaml") and not path_exists(f"{pkg}/conf/hypernet/{{L,XL}}.yaml")
    assert not path_exists(f"{pkg}/nowhere/<name>/README.md")
    assert resolves("t2l.app.schemas.TrainConfig") and not resolves("t2l.app.config.TrainConfig")
    assert MARKDOWN_NAME.findall("as DESIGN.md says; body=CARD.md") == ["DESIGN.md"]
    module = Q * 3 + "Doc: t2l.a.B.\n\n    t2l.generate([x])\n" + Q * 3 + "\n# t2l.c.D\nt2l.e\n"
    assert DOTTED.findall(prose(Path("m.py"), module)) == ["t2l.a.B", "t2l.c.D"]
