"""Held-out hygiene: the held-out tasks and their families never reach training."""

from __future__ import annotations

from t2l.errors import T2LError
from t2l.tasks.contamination import family


def refuse_heldout(train_names: list[str], heldout: list[str], what: str = "training") -> None:
    """Raise if any training task is a held-out task or of a held-out family."""
    families = {family(n) for n in heldout}
    bad = [n for n in train_names if n in heldout or family(n) in families]
    if bad:
        raise T2LError(f"{what} would train on held-out tasks {bad[:5]}{'...' if len(bad) > 5 else ''} "
                       "(contamination); remove them or add them to data.exclude")
