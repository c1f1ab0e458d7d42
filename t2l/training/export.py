"""A bundle from a training checkpoint: stop a long run at any checkpoint and still ship its weights.

`train_t2l` exports a bundle at the end (and every `export_every` steps); a run stopped in between
has its Lightning checkpoints (every `ckpt_every` steps). This takes the hypernetwork's weights from
one (read with weights_only=True) and the architecture, encoder and base-model facts from a bundle
of the same run, and writes a bundle whose summary says which step and checkpoint it came from.

    python -m t2l.training.export CKPT TEMPLATE_BUNDLE OUT_DIR [SECONDS]
    python -m t2l.training.export outputs/t2l_release/ckpt/last.ckpt outputs/t2l_release/bundles/step_150 OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from t2l.errors import T2LError
from t2l.models.bundle import T2L
from t2l.training.checkpoints import load_checkpoint


def bundle_from_checkpoint(checkpoint: Path | str, template: Path | str, out: Path | str,
                           seconds: float | None = None) -> T2L:
    """`seconds`: the run's wall time up to the checkpoint, when known (else the template's is dropped)."""
    state = load_checkpoint(checkpoint)
    weights = {k[len("hypernet."):]: v for k, v in state.get("state_dict", {}).items() if k.startswith("hypernet.")}
    if not weights:
        raise T2LError(f"{checkpoint} holds no hypernet.* weights; pass a checkpoint of a T2L training run")
    bundle = T2L.from_pretrained(template)
    try:
        bundle.hypernet.load_state_dict(weights, strict=True)
    except RuntimeError as err:
        raise T2LError(f"{checkpoint} does not match the architecture of {template} ({str(err).splitlines()[0]}); "
                       "use a bundle of the same run as the template") from err
    step = int(state["global_step"])
    history = [h for cb in state.get("callbacks", {}).values() if isinstance(cb, dict) for h in cb.get("history", [])]
    bundle.training = {**bundle.training, "steps": step, "exported_from": f"{Path(checkpoint).name} (step {step})",
                       "history": history or bundle.training.get("history", []),
                       "seconds": round(float(seconds), 1) if seconds is not None else None}
    bundle.save_pretrained(out)
    return bundle


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    made = bundle_from_checkpoint(*sys.argv[1:4], float(sys.argv[4]) if len(sys.argv) == 5 else None)
    print(f"wrote {sys.argv[3]} (step {made.training['steps']})")
