"""The released default: a trained T2L bundle and its multi-task LoRA baseline, committed in `release/`,
with a model card whose front matter lists every file's sha256.

    release/<name>/README.md        the model card (command, data, steps, time, machine, results, limits)
    release/<name>/hypernet/        the T2L bundle (T2L.from_pretrained)
    release/<name>/multitask/       a peft LoRA trained on the same pool, the demo's baseline row

`t2l generate` and `t2l eval` use it when no checkpoint is given. Loading checks the files against the
card's hashes, so a damaged or hand-edited release is refused rather than silently used.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from t2l.errors import T2LError

RELEASE_ROOT = Path(__file__).resolve().parents[2] / "release"
DEFAULT_RELEASE = RELEASE_ROOT / "t2l-smollm2-135m-minilm"
CARD_FILE = "README.md"
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release_files(directory: Path) -> list[str]:
    """Every file of a release except its card, as sorted paths relative to the release directory."""
    card = directory / CARD_FILE
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file() and p != card)


def card_hashes(directory: Path) -> dict[str, str]:
    """{relative path: sha256} from the card's front matter (lines `  path: hex` under `files:`)."""
    card = Path(directory) / CARD_FILE
    if not card.is_file():
        raise T2LError(f"release {directory} has no {CARD_FILE} (model card with file hashes); restore it with "
                       f"`git checkout -- {directory}` or retrain: make demo TRAIN=1")
    found = FRONT_MATTER.match(_card_text(card))
    files = re.search(r"^files:\n((?:  \S+: [0-9a-f]{64}\n?)+)", found.group(1) + "\n", re.MULTILINE) if found else None
    if not files:
        raise T2LError(f"{card} has no `files:` list of sha256 hashes in its front matter; regenerate the card")
    hashes = dict(line.strip().split(": ", 1) for line in files.group(1).strip().splitlines())
    root = Path(directory).resolve()
    for rel in hashes:   # a card may only vouch for files inside its release
        if Path(rel).is_absolute() or not (root / rel).resolve().is_relative_to(root):
            raise T2LError(f"{card} lists {rel!r}, a path outside the release; regenerate the card")
    return hashes


def _card_text(card: Path) -> str:
    try:
        return card.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise T2LError(f"model card {card} is not UTF-8 text (damaged); restore it with "
                       f"`git checkout -- {card.parent}` or regenerate it") from None


def verify_release(directory: Path | str) -> None:
    """Refuse a release whose files differ from (or are missing against) its card's hashes."""
    directory = Path(directory)
    expected = card_hashes(directory)
    for rel, want in expected.items():
        path = directory / rel
        if not path.is_file():
            raise T2LError(f"release file {path} is missing (its card lists it); restore it with "
                           f"`git checkout -- {directory}` or retrain: make demo TRAIN=1")
        if sha256_file(path) != want:
            raise T2LError(f"release file {path} does not match the sha256 in {directory / CARD_FILE} (damaged or "
                           f"edited); restore it with `git checkout -- {directory}` or retrain: make demo TRAIN=1")
    extra = sorted(set(release_files(directory)) - set(expected))
    if extra:
        raise T2LError(f"release {directory} holds files its card does not list: {extra[:3]}; remove them or "
                       "regenerate the card")


def front_matter(directory: Path, fields: dict[str, str]) -> str:
    """The card's front matter for `directory` as it is now: `fields` plus every file's sha256."""
    lines = ["---", *[f"{k}: {v}" for k, v in fields.items()], "files:"]
    lines += [f"  {rel}: {sha256_file(directory / rel)}" for rel in release_files(directory)]
    return "\n".join(lines + ["---", ""])


def release_of(bundle_dir: Path | str) -> Path | None:
    """The release directory a bundle belongs to (its parent holds a card), or None."""
    parent = Path(bundle_dir).expanduser().resolve().parent
    return parent if (parent / CARD_FILE).is_file() and FRONT_MATTER.match(_card_text(parent / CARD_FILE)) else None
