"""The released default: a trained T2L bundle and its multi-task LoRA baseline, committed in `t2l/release/`,
with a model card whose front matter lists every file's sha256.

    t2l/release/<name>/README.md        the model card (command, data, steps, time, machine, results, limits)
    t2l/release/<name>/hypernet/        the T2L bundle (T2L.from_pretrained)
    t2l/release/<name>/multitask/       a peft LoRA trained on the same pool, the demo's baseline row

`t2l generate` and `t2l eval` use it when no checkpoint is given. Loading checks the files against the
card's hashes, so a damaged or hand-edited release is refused rather than silently used.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from huggingface_hub import metadata_load

from t2l.errors import T2LError
from t2l.io import sha256_file
from t2l.package_data import RELEASE_DIR

DEFAULT_RELEASE = RELEASE_DIR / "t2l-smollm2-135m-minilm"
CARD_FILE = "README.md"
SHA256 = re.compile(r"[0-9a-f]{64}")


def release_files(directory: Path) -> list[str]:
    """Every file of a release except its card, as sorted paths relative to the release directory."""
    card = directory / CARD_FILE
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file() and p != card)


def card_metadata(card: Path) -> dict | None:
    """The card's YAML front matter, read as the Hugging Face Hub reads a model card; None without one."""
    try:
        return metadata_load(card)
    except UnicodeDecodeError:
        raise T2LError(f"model card {card} is not UTF-8 text (damaged); restore it with "
                       f"`git checkout -- {card.parent}` or regenerate it") from None
    except (yaml.YAMLError, ValueError) as err:   # ValueError: the block is YAML but not a mapping
        raise T2LError(f"model card {card} has front matter that is not a YAML mapping ({err}); "
                       "regenerate the card") from None


def card_hashes(directory: Path) -> dict[str, str]:
    """{relative path: sha256} from the `files:` mapping of the card's front matter."""
    card = Path(directory) / CARD_FILE
    if not card.is_file():
        raise T2LError(f"release {directory} has no {CARD_FILE} (model card with file hashes); restore it with "
                       f"`git checkout -- {directory}` or retrain: make demo TRAIN=1")
    files = (card_metadata(card) or {}).get("files")
    if not isinstance(files, dict) or not files:
        raise T2LError(f"{card} has no `files:` list of sha256 hashes in its front matter; regenerate the card")
    root = Path(directory).resolve()
    for rel in files:   # a card may only vouch for files inside its release
        if Path(str(rel)).is_absolute() or not (root / str(rel)).resolve().is_relative_to(root):
            raise T2LError(f"{card} lists {rel!r}, a path outside the release; regenerate the card")
    if not all(isinstance(want, str) and SHA256.fullmatch(want) for want in files.values()):
        raise T2LError(f"{card} has no `files:` list of sha256 hashes in its front matter; regenerate the card")
    return {str(rel): want for rel, want in files.items()}


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
    data = {**fields, "files": {rel: sha256_file(directory / rel) for rel in release_files(directory)}}
    return f"---\n{yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1 << 16)}---\n"


def release_of(bundle_dir: Path | str) -> Path | None:
    """The release directory a bundle belongs to (its parent holds a card), or None."""
    parent = Path(bundle_dir).expanduser().resolve().parent
    return parent if (parent / CARD_FILE).is_file() and card_metadata(parent / CARD_FILE) is not None else None
