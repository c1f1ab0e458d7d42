"""Train anything t2l trains, from a Hydra experiment (t2l/conf/experiment/*.yaml; jobs: t2l.app.jobs.JOBS).

    python train.py experiment=library                      # one LoRA per BIG-bench training task
    python train.py experiment=library tasks=[anachronisms] library.budget.max_steps=20
    python train.py experiment=multitask                    # the multi-task LoRA baseline
    python train.py experiment=oracle                       # oracle LoRAs for held-out tasks
    python train.py experiment=t2l_sft hypernet=L           # T2L by SFT (L / M / S)
    python train.py experiment=benchmark                    # every row on held-out tasks
    python train.py experiment=library logger=wandb         # log to wandb (offline without network)
"""

import signal
import sys

import hydra
from omegaconf import DictConfig

from t2l.app.jobs import check_command_line
from t2l.app.schemas import register_schemas
from t2l.errors import T2LError


@hydra.main(config_path="t2l/conf", config_name="train", version_base="1.3")
def main(cfg: DictConfig):
    from pytorch_lightning.utilities.exceptions import SIGTERMException

    from t2l.app.jobs import run

    try:
        return run(cfg)
    except (T2LError, FloatingPointError) as err:  # FloatingPointError: the non-finite-loss guard
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    except SIGTERMException:   # a SystemExit with status 0: a stopped run must not look finished
        print("stopped by SIGTERM; the last finished step is saved in the run's ckpt/last.ckpt "
              "(t2l.training.checkpoints.CheckpointOnSigterm): rerun the same command with resume=true to continue",
              file=sys.stderr)
        sys.exit(128 + signal.SIGTERM)


if __name__ == "__main__":
    register_schemas()
    check_command_line("train", sys.argv[1:])  # a bad key, group or job: one line, before any model loads
    main()
