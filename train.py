"""Train anything t2l trains, from a Hydra experiment.

    python train.py experiment=library                      # one LoRA per BIG-bench training task
    python train.py experiment=library tasks=[anachronisms] library.budget.max_steps=20
    python train.py experiment=multitask                    # the multi-task LoRA baseline
    python train.py experiment=oracle                       # oracle LoRAs for held-out tasks
    python train.py experiment=library logger=wandb         # log to wandb (offline without network)
"""

import sys

import hydra
from omegaconf import DictConfig

from t2l.errors import T2LError


@hydra.main(config_path="conf", config_name="train", version_base="1.3")
def main(cfg: DictConfig):
    from t2l.pipeline import train

    try:
        return train(cfg)
    except (T2LError, FloatingPointError) as err:  # FloatingPointError: the non-finite-loss guard
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
