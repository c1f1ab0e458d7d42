"""The settings of T2L training, one dataclass per objective: the one place their defaults live.

t2l/conf/objective/{sft,recon}.yaml override them; t2l.app hands the object it composes to `train_t2l`,
whose LightningModules (t2l.training.hypernet_modules) and pool (t2l.training.pool.PoolOptions.of) read
it as it is, so no second list of defaults can drift from this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from t2l.errors import T2LError
from t2l.training.guard import FaultPolicy


@dataclass
class T2LTrainSettings:
    """What SFTObjective and ReconObjective share (t2l/conf/objective/*.yaml override their defaults)."""

    objective: str = "sft"          # sft | recon
    max_steps: int = 100
    lr: float = 3e-5                # the trunk's rate
    head_lr: float | None = None    # the output heads' rate (None: lr); see HyperModule.parameter_groups
    weight_decay: float = 0.0
    warmup_steps: int = 10
    warmup_fraction: float | None = None   # set: warmup over this share of max_steps (the reference: 0.2)
    tasks_per_batch: int = 4        # T tasks x S samples per batch
    samples_per_task: int = 2
    max_length: int = 192
    max_train_examples: int | None = None
    label_smoothing: float = 0.1
    l2_weight: float = 1e-3         # L2 penalty on generated A/B
    neftune_alpha: float = 0.0      # NEFTune noise on input embeddings (the reference uses 5)
    prefix_free_fraction: float = 0.0   # share of training examples shown without the task's own instruction
    described_fraction: float = 0.0     # share shown with one of the task's training descriptions before the input
    mismatch_weight: float = 0.0    # > 0: hinge asking the right description for a lower loss than others'
    mismatch_margin: float = 0.1
    choice_weight: float = 0.0      # > 0: cross-entropy over the choices of MC examples (ranking), added to the answer loss
    condition: str = "description"  # description | examples | both (both: each task-step draws one of the three)
    condition_examples: int = 8     # k unlabeled example inputs pooled per task
    condition_pool: int = 64        # inputs per task (train split) the k are drawn from each step
    zscore: bool = False            # recon: z-score each target (per adapter and layer) before the L1
    val_every: int = 50
    gradient_checkpointing: bool = False   # SFT: recompute the frozen base's layers in backward (memory for time)
    compile_hypernet: bool = False  # torch.compile the hypernetwork on CUDA (ignored on CPU, where compiling costs more than it saves)
    stats_every: int = 10           # log generated-adapter statistics (delta-W norms, spread across tasks); 0: off
    export_every: int = 0           # > 0: also export a bundle every N steps (out_dir/bundles/step_N; learning curves)
    val_tasks: int = 3              # zero-shot validation on this many pool tasks (0: none; recon: delta-W only)
    val_examples: int = 16
    val_split: str | None = None    # set: validate on this held-out split's tasks instead (their development examples,
                                    # evaluation descriptions; e.g. heldout_described), up to val_tasks of them
    val_prompts: str = "bare"       # the prompt setting of validation examples (t2l.tasks.prompts.PROMPT_SETTINGS)
    val_descriptions: int = 1       # rotate this many of each validation task's descriptions over its examples
    ckpt_every: int = 10
    seed: int = 0
    guard: FaultPolicy = field(default_factory=FaultPolicy)   # numerical faults (t2l.training.guard)

    def __post_init__(self):
        if self.objective not in OBJECTIVES:   # at composition, before any model loads
            raise T2LError(f"objective '{self.objective}' is unknown; choose one of t2l/conf/objective/*.yaml: "
                           f"{sorted(OBJECTIVES)}")
        if isinstance(self.guard, dict):
            self.guard = FaultPolicy(**self.guard)


@dataclass
class SFTObjective(T2LTrainSettings):
    """T2L-SFT sized for SmolLM2 on a 2-core CPU; the paper's GPU settings: t2l/conf/experiment/t2l_sft_mistral.yaml.

    lr 3e-5: Adam on zero-initialised heads already diverges at 2e-4 on SmolLM2 (measured).
    """

    objective: str = "sft"


@dataclass
class ReconObjective(T2LTrainSettings):
    """T2L reconstruction: L1 between generated and library delta-W (= scaling * B @ A) per layer/module.

    Trunk at 1e-3, heads at 3e-5: with one rate of 1e-3 the heads collapse to zero adapters
    (docs/t2l.md). Pair it with hypernet.init_head_weights=small (t2l/conf/experiment/t2l_recon.yaml).
    """

    objective: str = "recon"
    max_steps: int = 800
    lr: float = 1e-3
    head_lr: float | None = 3e-5
    tasks_per_batch: int = 4
    samples_per_task: int = 1
    label_smoothing: float = 0.0
    l2_weight: float = 0.0
    val_tasks: int = 0
    ckpt_every: int = 25


OBJECTIVES = {"sft": SFTObjective, "recon": ReconObjective}


def warmup_steps(settings: T2LTrainSettings) -> int:
    """The warmup in steps: warmup_steps, or warmup_fraction of max_steps when that is set."""
    if settings.warmup_fraction is None:
        return settings.warmup_steps
    return round(settings.warmup_fraction * settings.max_steps)
