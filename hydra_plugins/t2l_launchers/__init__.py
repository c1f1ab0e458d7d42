"""t2l's Hydra launchers for sweeps and clusters, on hydra-submitit-launcher (submitit underneath).

Hydra loads launcher classes only from the `hydra_plugins` namespace package, hence this location
(t2l/conf/hydra/launcher/{local,slurm}.yaml name them); it imports nothing of t2l.

    python train.py -m hydra/launcher=local experiment=t2l_sft hypernet=S,M          # submitit's local executor
    python train.py -m hydra/launcher=slurm hydra.launcher.partition=gpu experiment=t2l_sft_mistral

Requeue is submitit's mechanism (docs/cluster.md): before a SLURM time limit or on preemption submitit
signals the job (USR2), calls the launcher's `checkpoint`, and resubmits the same job; ours adds
`resume=true`, so the requeued job continues from out_dir/ckpt/last.ckpt. Lightning's own SLURM
auto-requeue stays off (t2l.app.config.trainer_arguments), so exactly one mechanism acts.
"""

from __future__ import annotations

import sys

from hydra_plugins.hydra_submitit_launcher.submitit_launcher import LocalLauncher, SlurmLauncher

RESUME = "resume=true"


def with_resume(overrides: list[str]) -> list[str]:
    """The job's overrides with resume=true (replacing any resume= it had)."""
    return [o for o in overrides if not o.lstrip("+").startswith("resume=")] + [RESUME]


class _Requeueable:
    def checkpoint(self, sweep_overrides, *args, **kwargs):
        """submitit calls this on timeout / preemption: resubmit the same job, resuming its run."""
        import submitit

        return submitit.helpers.DelayedSubmission(self, with_resume(list(sweep_overrides)), *args, **kwargs)


class LocalSweepLauncher(_Requeueable, LocalLauncher):
    """hydra/launcher=local: the cluster code path on one machine (each job a local submitit process)."""


class SlurmSweepLauncher(_Requeueable, SlurmLauncher):
    """hydra/launcher=slurm: refuses a config without a partition before anything is submitted."""

    def launch(self, job_overrides, initial_job_idx):
        if not self.params.get("partition"):
            print("error: hydra/launcher=slurm needs a partition: add hydra.launcher.partition=NAME (sinfo lists "
                  "them) or set it in t2l/conf/hydra/launcher/slurm.yaml; nothing was submitted", file=sys.stderr)
            sys.exit(2)
        return super().launch(job_overrides, initial_job_idx)
