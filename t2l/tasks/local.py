"""User-supplied task files (.jsonl or .json) read into `RawTask`s.

Accepted shapes, one example being `{"input", "target"}`, `{"input", "targets": [...]}` (generative)
or `{"input", "choices": [...], "answer": i}` / `"answers": [i, ...]` (multiple choice):

* `.jsonl`: one example per line; lines may carry "task" (grouping several tasks in one file) and
  "description".
* `.json`: a list of examples, one task object `{"name", "description" | "descriptions", "metric",
  "examples"}`, or a list of task objects.

Every problem is reported with the file (and line, for .jsonl) so a user can fix it without reading
this code.
"""

from __future__ import annotations

import json
from pathlib import Path

from t2l.errors import T2LError
from t2l.io import json_error, parse_json_line
from t2l.tasks.schema import Example, RawTask

SOURCE = "local"
EXAMPLE_FORMS = ('{"input": ..., "target": "..."}, {"input": ..., "targets": [...]} or '
                 '{"input": ..., "choices": [...], "answer": <index>}')


def _is_index(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # bool is an int subclass


def _parse_example(record, where: str) -> Example:
    """Validate one example record; `where` names it in errors ("file, line 3")."""
    if not isinstance(record, dict):
        raise T2LError(f"{where}: expected an object like {EXAMPLE_FORMS}, got {type(record).__name__}")
    text = record.get("input")
    if not isinstance(text, str) or not text.strip():
        raise T2LError(f"{where}: 'input' must be a non-empty string")

    if "choices" in record:
        choices = record["choices"]
        if not isinstance(choices, list) or len(choices) < 2 or not all(isinstance(c, str) for c in choices):
            raise T2LError(f"{where}: 'choices' must be a list of at least two strings")
        if "answers" in record:
            answers = record["answers"]
            if not isinstance(answers, list) or not answers:
                raise T2LError(f"{where}: 'answers' must be a non-empty list of choice indices")
        elif "answer" in record:
            answers = [record["answer"]]
        else:
            raise T2LError(f"{where}: a multiple-choice example needs 'answer' (index into 'choices')")
        for a in answers:
            if not _is_index(a) or not 0 <= a < len(choices):
                raise T2LError(f"{where}: answer {a!r} is not a valid index into its {len(choices)} choices "
                               f"(use 0..{len(choices) - 1})")
        return Example(input=text, choices=tuple(choices), answers=tuple(dict.fromkeys(answers)))

    if "targets" in record:
        targets = record["targets"]
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            raise T2LError(f"{where}: 'targets' must be a list of strings")
    elif "target" in record:
        targets = [record["target"]]
        if not isinstance(record["target"], str):
            raise T2LError(f"{where}: 'target' must be a string")
    else:
        raise T2LError(f"{where}: no 'target', 'targets' or 'choices'; write it as {EXAMPLE_FORMS}")
    targets = [t for t in targets if t.strip()]
    if not targets:
        raise T2LError(f"{where}: the target is empty; give at least one non-empty reference")
    return Example(input=text, targets=tuple(targets))


def _optional_text(record: dict, key: str, where: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise T2LError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


class _TaskBuilder:
    """Collects one task's examples and descriptions, remembering where each came from."""

    def __init__(self, name: str):
        self.name = name
        self.descriptions: list[str] = []
        self.examples: list[Example] = []
        self.wheres: list[str] = []
        self.metric: str | None = None  # declared in a task object, else inferred

    def add(self, example: Example, where: str) -> None:
        self.examples.append(example)
        self.wheres.append(where)

    def build(self, path: Path) -> RawTask:
        if not self.examples:
            raise T2LError(f"{path}: task '{self.name}' has no examples; add some under 'examples'")
        kinds = {ex.is_mc for ex in self.examples}
        if len(kinds) > 1:
            # Name one example of each kind: the user needs to see which lines disagree.
            mc = self.wheres[next(i for i, ex in enumerate(self.examples) if ex.is_mc)]
            gen = self.wheres[next(i for i, ex in enumerate(self.examples) if not ex.is_mc)]
            raise T2LError(f"task '{self.name}' mixes multiple-choice ({mc}) and generative ({gen}) examples; "
                           f"put them in separate tasks (a different \"task\" field or file)")
        metric = "mc" if kinds == {True} else "gen"
        if self.metric is not None and self.metric != metric:
            raise T2LError(f"{path}: task '{self.name}' declares metric '{self.metric}' but its examples are "
                           f"{'multiple choice' if metric == 'mc' else 'generative'}; set metric to '{metric}'")
        descriptions = list(dict.fromkeys(self.descriptions)) or [self.name.replace("_", " ")]
        return RawTask(name=self.name, source=SOURCE, descriptions=descriptions, metric=metric,
                       examples=list(self.examples), meta={"path": str(path)})


def _group_records(path: Path, records: list[tuple[object, str]]) -> list[_TaskBuilder]:
    """Bare example records -> tasks, grouped by their optional "task" field (default: file stem)."""
    tasks: dict[str, _TaskBuilder] = {}
    for record, where in records:
        example = _parse_example(record, where)
        name = _optional_text(record, "task", where) or path.stem
        task = tasks.setdefault(name, _TaskBuilder(name))
        description = _optional_text(record, "description", where)
        if description:
            task.descriptions.append(description)
        task.add(example, where)
    return list(tasks.values())


def _load_jsonl(path: Path, text: str) -> list[_TaskBuilder]:
    records = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue  # blank lines (e.g. a trailing newline pair) are harmless
        records.append((parse_json_line(line, path, lineno), f"{path}, line {lineno}"))
    return _group_records(path, records)


def _task_object(path: Path, obj: dict, default_name: str, index: int | None) -> _TaskBuilder:
    label = f"{path}, task {index + 1}" if index is not None else str(path)
    name = _optional_text(obj, "name", label) or default_name
    task = _TaskBuilder(name)
    description = _optional_text(obj, "description", label)
    if description:
        task.descriptions.append(description)
    descriptions = obj.get("descriptions", [])
    if not isinstance(descriptions, list) or not all(isinstance(d, str) and d.strip() for d in descriptions):
        raise T2LError(f"{label}: 'descriptions' must be a list of non-empty strings")
    task.descriptions.extend(d.strip() for d in descriptions)
    metric = obj.get("metric")
    if metric is not None and metric not in ("mc", "gen"):
        raise T2LError(f"{label}: metric must be 'mc' or 'gen', got {metric!r}")
    task.metric = metric
    examples = obj.get("examples")
    if not isinstance(examples, list):
        raise T2LError(f"{label}: 'examples' must be a list of examples like {EXAMPLE_FORMS}")
    for i, record in enumerate(examples):
        where = f"{path}, task '{name}' example {i + 1}"
        task.add(_parse_example(record, where), where)
        if isinstance(record, dict) and record.get("description") is not None:
            task.descriptions.append(_optional_text(record, "description", where))
    return task


def _load_json(path: Path, text: str) -> list[_TaskBuilder]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise json_error(path, err, "fix that line") from None
    if isinstance(data, dict):
        if "examples" not in data:
            raise T2LError(f"{path}: a JSON object must be a task with an 'examples' list; "
                           f"or make the file a list of examples")
        return [_task_object(path, data, path.stem, None)]
    if not isinstance(data, list) or not data:
        raise T2LError(f"{path}: expected a non-empty list of examples or task objects")
    is_task = [isinstance(item, dict) and "examples" in item for item in data]
    if all(is_task):
        if len(data) > 1 and not all(isinstance(item.get("name"), str) for item in data):
            raise T2LError(f"{path}: with several task objects in one file every one needs a 'name'")
        tasks = [_task_object(path, item, path.stem, i) for i, item in enumerate(data)]
        names = [t.name for t in tasks]
        duplicate = next((n for n in names if names.count(n) > 1), None)
        if duplicate:
            raise T2LError(f"{path}: task name '{duplicate}' is used twice; give each task its own name")
        return tasks
    if any(is_task):
        raise T2LError(f"{path}: the list mixes task objects (with 'examples') and bare examples; "
                       f"wrap the bare examples in their own task object")
    # A plain list of examples reads exactly like a .jsonl file's lines.
    return _group_records(path, [(record, f"{path}, example {i + 1}") for i, record in enumerate(data)])


def load_local_file(path) -> list[RawTask]:
    """Read a user's .jsonl or .json task file into one RawTask per task it holds."""
    path = Path(path)
    if not path.is_file():
        raise T2LError(f"task file {path} does not exist; check the path (relative paths are resolved "
                       f"from the directory you run t2l in)")
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".json"):
        raise T2LError(f"{path}: unsupported task file type '{suffix}'; use .jsonl (one example per line) "
                       f"or .json")
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: tolerate a BOM from Windows editors
    except UnicodeDecodeError as err:
        raise T2LError(f"{path} is not UTF-8 text ({err}); re-save it as UTF-8") from err
    builders = _load_jsonl(path, text) if suffix == ".jsonl" else _load_json(path, text)
    if not builders:
        raise T2LError(f"{path} holds no examples; add lines like {EXAMPLE_FORMS}")
    return [b.build(path) for b in builders]


class LocalSource:
    """`data.local_files`: the user's .json / .jsonl task files, read (and checked) when the catalog opens:
    they are small, and a mistake in one is best named before any work starts."""

    kind = SOURCE
    prefix = ""
    unavailable = ""

    def __init__(self, files: list[str]):
        self.files = files
        self._tasks: dict[str, RawTask] = {}

    @classmethod
    def from_config(cls, sources) -> "LocalSource | None":
        return cls(list(sources.local_files)) if sources.local_files else None

    def entries(self) -> list:
        from t2l.tasks.source import Entry

        found = []
        for entry in self.files:
            path = Path(entry).expanduser()
            for raw in load_local_file(path):
                self._tasks.setdefault(raw.name, raw)
                found.append(Entry(raw.name, path, entry))
        return found

    def load(self, name: str) -> RawTask:
        return self._tasks[name]
