"""BIG-Bench Hard (BBH), the standard 27-task held-out benchmark, read from its published files.

The files are those of github.com/suzgunmirac/BIG-Bench-Hard, folder `bbh/`: `<task>.json`, each
`{"canary": ..., "examples": [{"input": str, "target": str}]}` (6,511 examples in all). `t2l assets`
copies them into $T2L_HOME/bbh from the folder (or clone) T2L_BBH_SOURCE names; `data.bbh_dir` points
the catalog at them (default `bundle://bbh`).

Tasks are named `bbh:<file stem>` (family `bbh`): BIG-bench and the generated tasks already use several of
the stems (`navigate`, `web_of_lies`, ...), and one family makes every BBH task held out as one.

- Multiple choice where the input lists its options: "Options:\\n(A) ...\\n(B) ..." gives the choices
  "(A)", "(B)", ... (the target is a label); "Options:\\n- Yes\\n- No" gives the option texts. Tasks with a
  small label set (LABEL_SETS: boolean_expressions, causal_judgement, formal_fallacies, navigate,
  sports_understanding, web_of_lies) take the label set as their choices.
- Exact match (metric gen) for GEN_TASKS: dyck_languages, multistep_arithmetic_two, object_counting,
  word_sorting.
- The prompt is the example's input as it is (BBH inputs state their question); meta task_prefix is "",
  so the `bare` prompt setting equals `task` for BBH.
- Split: the same seeded content hash as every task (t2l.tasks.schema.split_examples) with FRACTIONS
  (train 0.3 / validation 0.2 / test 0.5: ~75 / 50 / 125 of a 250-example task), recorded in each task's
  meta["fractions"]; the train split is what oracle LoRAs of BBH tasks train on.
- A target that is not among its example's options, a file that is not JSON or holds no examples: one
  line naming the file and the fix. Three examples of the published files have a target that was cut
  apart by a comma when their options were written (KNOWN_DEFECTS); they cannot be scored as multiple
  choice and are skipped, counted in meta["skipped_defects"].
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from pathlib import Path

from t2l.assets import BBH_CLONE_URL as CLONE_URL
from t2l.assets import BBH_SOURCE_VARIABLE as SOURCE_VARIABLE
from t2l.errors import T2LError
from t2l.tasks.schema import Example, RawTask

log = logging.getLogger(__name__)

SOURCE = "bbh"
PREFIX = "bbh:"
FRACTIONS = {"train": 0.3, "validation": 0.2, "test": 0.5}
HOW_TO_GET = (f"set {SOURCE_VARIABLE} to a folder of BIG-Bench Hard's 27 <task>.json files or a clone "
              f"(`git clone {CLONE_URL}`) and run `t2l assets`")
FIX_FILE = (f"fix or delete the file, or point {SOURCE_VARIABLE} at an unmodified copy of BIG-Bench Hard's bbh/ "
            "folder, and run `t2l assets` again")

GEN_TASKS = frozenset({"dyck_languages", "multistep_arithmetic_two", "object_counting", "word_sorting"})
LABEL_SETS: dict[str, tuple[str, ...]] = {
    "boolean_expressions": ("True", "False"),
    "causal_judgement": ("Yes", "No"),
    "formal_fallacies": ("valid", "invalid"),
    "navigate": ("Yes", "No"),
    "sports_understanding": ("yes", "no"),
    "web_of_lies": ("Yes", "No"),
}
# (task, target) of the published examples whose options split the right answer at a comma
# ("(A) Monsters\n(B) Inc" for "Monsters, Inc"): no option is right, so multiple choice cannot score them.
KNOWN_DEFECTS = frozenset({
    ("movie_recommendation", "Monsters, Inc"),
    ("ruin_names", "dearth, wind, & fire"),
    ("ruin_names", "rita, sue and bob poo"),
})
# One plain description per task (our wording of the benchmark's task notes); evaluation banks add more.
DESCRIPTIONS = {
    "boolean_expressions": "Evaluate a Boolean expression of True, False, and, or, not and parentheses.",
    "causal_judgement": "Answer how a typical person would judge a causal question about a short story.",
    "date_understanding": "Work out a date from a few sentences about it and pick it in MM/DD/YYYY form.",
    "disambiguation_qa": "Find what an ambiguous pronoun refers to, or say that the sentence is ambiguous.",
    "dyck_languages": "Close the open brackets of a Dyck sequence in the right order.",
    "formal_fallacies": "Decide whether an argument follows deductively from its premises: valid or invalid.",
    "geometric_shapes": "Name the shape an SVG path element draws.",
    "hyperbaton": "Pick the sentence whose adjectives are in the correct English order.",
    "logical_deduction_five_objects": "Deduce the order of five objects from clues about their positions.",
    "logical_deduction_seven_objects": "Deduce the order of seven objects from clues about their positions.",
    "logical_deduction_three_objects": "Deduce the order of three objects from clues about their positions.",
    "movie_recommendation": "Recommend the movie most like a list of movies someone liked.",
    "multistep_arithmetic_two": "Compute the value of a nested arithmetic expression with integers.",
    "navigate": "Follow movement instructions and say whether they end at the starting point.",
    "object_counting": "Count the objects of a kind in a list of things someone has.",
    "penguins_in_a_table": "Answer a question about penguins described in a table.",
    "reasoning_about_colored_objects": "Answer a question about the colours and positions of objects on a surface.",
    "ruin_names": "Pick the one-letter edit that turns an artist or movie name into a joke.",
    "salient_translation_error_detection": "Name the kind of error in an English translation of a German sentence.",
    "snarks": "Pick the sarcastic one of two nearly identical sentences.",
    "sports_understanding": "Say whether a sentence about an athlete is plausible: yes or no.",
    "temporal_sequences": "From a day's timeline, find when a person could have gone somewhere.",
    "tracking_shuffled_objects_five_objects": "Track which of five people holds which object after a series of swaps.",
    "tracking_shuffled_objects_seven_objects": "Track which of seven people holds which object after a series of swaps.",
    "tracking_shuffled_objects_three_objects": "Track which of three people holds which object after a series of swaps.",
    "web_of_lies": "Decide whether the last person in a chain of truth-tellers and liars tells the truth.",
    "word_sorting": "Sort a list of words alphabetically.",
}

_LETTER_OPTION = re.compile(r"^\(([A-Z])\)")
_DASH_OPTION = re.compile(r"^- (.*)$")


def task_name(stem: str) -> str:
    return PREFIX + stem


def bbh_files(root: Path) -> list[Path]:
    """The task files of a BBH folder: `<root>/bbh/*.json` (a clone of the repository) or `<root>/*.json`."""
    folder = root / "bbh" if (root / "bbh").is_dir() else root
    return sorted(p for p in folder.glob("*.json") if p.is_file() and not p.name.startswith("."))   # not the marker


def options(text: str) -> tuple[str, ...]:
    """The options an input lists after its last "Options:" line: labels "(A)", "(B)", ... or, for
    "- Yes\\n- No" lists, the option texts; () when it lists none."""
    if "Options:" not in text:
        return ()
    lines = [line.strip() for line in text.rsplit("Options:", 1)[1].splitlines() if line.strip()]
    letters = [m.group(0) for m in map(_LETTER_OPTION.match, lines) if m]
    if letters:
        return tuple(letters)
    return tuple(m.group(1).strip() for m in map(_DASH_OPTION.match, lines) if m)


def _examples_of(path: Path) -> list:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:   # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise T2LError(f"BBH file {path} is not readable JSON ({err}); {FIX_FILE}") from None
    examples = data.get("examples") if isinstance(data, dict) else None
    if not isinstance(examples, list) or not examples:
        raise T2LError(f"BBH file {path} holds no examples (expected {{\"canary\": ..., \"examples\": [{{\"input\": ..., "
                       f"\"target\": ...}}, ...]}}); {FIX_FILE}")
    for i, example in enumerate(examples, 1):
        if not (isinstance(example, dict) and isinstance(example.get("input"), str) and example["input"].strip()
                and isinstance(example.get("target"), str) and example["target"].strip()):
            raise T2LError(f"BBH file {path}: example {i} is not {{\"input\": text, \"target\": text}}; {FIX_FILE}")
    return examples


def read_bbh_file(path: str | Path, max_input_chars: int = 4000) -> RawTask:
    """One BBH file as a RawTask named `bbh:<stem>` (checked: every target among its options)."""
    path = Path(path)
    stem = path.stem
    examples_raw = _examples_of(path)
    metric = "gen" if stem in GEN_TASKS else "mc"
    if stem not in GEN_TASKS and stem not in LABEL_SETS and not options(examples_raw[0]["input"]):
        metric = "gen"   # a task this module does not know, whose inputs list no options: exact match
    examples, defects, too_long = [], 0, 0
    for i, raw in enumerate(examples_raw, 1):
        text, target = raw["input"], raw["target"].strip()
        if len(text) > max_input_chars:
            too_long += 1
            continue
        if metric == "gen":
            examples.append(Example(input=text, targets=(target,)))
            continue
        choices = LABEL_SETS.get(stem) or options(text)
        if target not in choices:
            if (stem, target) in KNOWN_DEFECTS:
                defects += 1
                continue
            listed = f"its options are {list(choices)}" if choices else "its input lists no options"
            raise T2LError(f"BBH file {path}: example {i}'s target {target!r} is not among its options ({listed}); "
                           f"{FIX_FILE}")
        examples.append(Example(input=text, choices=tuple(choices), answers=(choices.index(target),)))
    if too_long or defects:
        log.info("BBH %s: skipped %d over-long (> %d chars) and %d known-defect examples of %d",
                 stem, too_long, max_input_chars, defects, len(examples_raw))
    if not examples:
        raise T2LError(f"BBH task '{task_name(stem)}' ({path}) has no usable examples ({too_long} over "
                       f"data.max_input_chars={max_input_chars}); raise the limit or exclude it")
    return RawTask(
        name=task_name(stem), source=SOURCE, descriptions=[DESCRIPTIONS.get(stem, stem.replace("_", " "))],
        metric=metric, examples=examples,
        meta={"path": str(path), "task_prefix": "", "fractions": dict(FRACTIONS), "examples_in_file": len(examples_raw),
              "skipped_defects": defects, "skipped_too_long": too_long},
    )


class BBHSource:
    """BBH files under `data.bbh_dir` (`bundle://bbh`, prepared by `t2l assets` from T2L_BBH_SOURCE, or a
    folder of the files / a clone). A bundle not prepared leaves the source unavailable: the other sources
    work, and asking for a bbh: task says how to get the files."""

    kind = SOURCE
    prefix = PREFIX

    def __init__(self, root: Path | None, max_input_chars: int = 4000, unavailable: str = ""):
        self.root, self.max_input_chars, self.unavailable = root, max_input_chars, unavailable
        self._files = {task_name(p.stem): p for p in bbh_files(root)} if root is not None else {}

    @classmethod
    def from_config(cls, sources) -> "BBHSource | None":
        given = getattr(sources, "bbh_dir", None)
        if not given:
            return None
        from t2l.assets import BUNDLE_SCHEME, resolve

        try:
            root = Path(resolve(given)).expanduser()
        except T2LError as err:
            if not given.startswith(BUNDLE_SCHEME):
                raise
            return cls(None, sources.max_input_chars, f"BIG-Bench Hard is not prepared: {err}")
        source = cls(root, sources.max_input_chars)
        if not source._files:
            raise T2LError(f"no BBH files (<task>.json) under {root}; fix data.bbh_dir or {HOW_TO_GET}")
        return source

    def entries(self) -> list:
        from t2l.tasks.source import Entry

        return [Entry(name, path, str(path.parent)) for name, path in self._files.items()]

    def load(self, name: str) -> RawTask:
        return read_bbh_file(self._files[name], self.max_input_chars)


def build_asset(out: Path) -> dict:
    """Copy BIG-Bench Hard's <task>.json files (and its LICENSE) from the folder T2L_BBH_SOURCE names: the
    files themselves, or a clone of the repository (its bbh/ folder). Every file is read and checked as
    the catalog reads it first (read_bbh_file): a broken one is one line naming it, and the asset's temp
    directory goes, so nothing is written. `t2l assets` passes it to t2l.assets.prepare as the `bbh` builder."""
    given = os.environ.get(SOURCE_VARIABLE)
    if not given:
        raise T2LError(f"BIG-Bench Hard is not prepared: {HOW_TO_GET} again")
    source = Path(given).expanduser()
    if not source.is_dir():
        raise T2LError(f"{SOURCE_VARIABLE}={given} is not a folder; unset it or {HOW_TO_GET}")
    files = bbh_files(source)
    if not files:
        raise T2LError(f"{SOURCE_VARIABLE}={given} holds no BBH <task>.json files (nor a bbh/ folder of them); "
                       f"{HOW_TO_GET}")
    examples = 0
    for path in files:
        examples += read_bbh_file(path, max_input_chars=10 ** 9).meta["examples_in_file"]
        shutil.copyfile(path, out / path.name)
    license_file = files[0].parent / "LICENSE"
    if license_file.is_file():
        shutil.copyfile(license_file, out / "LICENSE")
    return {"source": str(source.resolve()), "tasks": len(files), "examples": examples}
