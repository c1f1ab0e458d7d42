"""Training with Lightning: the per-task LoRA library, the multi-task LoRA, and T2L hypernetworks.

- `modules`       the LightningModule base (optimiser + warmup, finite-loss check, per-step seeding, the one
                  rule that checkpoints hold trained parameters only) and TaskLoRAModule (a peft LoRA)
- `trainer`       make_trainer (one place for pl.Trainer arguments), run and step seeds
- `checkpoints`   checkpoint reading (weights_only), run identity, resume, the SIGTERM checkpoint
- `callbacks`     the validation curve kept across resumes, intermediate bundles (export_every)
- `data`          T2LDataModule: the (task, example) index, step-indexed sampler and collate; one
                  validation item per task
- `lora_library`  LoRATrainBudget, train_lora / train_library / train_multitask
- `settings`      the SFT and reconstruction objectives' settings dataclasses (their only defaults)
- `hypernet`      train_t2l: module, data, callbacks and export of a T2L run
- `hypernet_modules`  the LightningModules of T2L training (conditioning draw, losses, per-task validation);
                  they read the settings object they are given
- `losses`        next-token loss on answer tokens only (the LM head run where a label is)
- `pool`          the training pool as training reads it, built once and cached by content hash
- `guard`         numerical faults (NaN / inf / saturated loss, weights, gradients): skipped or stopped on
- `distributed`   the same run on one process or many (DDP / FSDP): global batches, each rank's rows
- `export`        a bundle from any training checkpoint

May import: pytorch_lightning, torch, peft, and t2l.tasks / t2l.lora / t2l.models / t2l.eval /
t2l.errors / t2l.io. Never t2l.app: arguments arrive as plain objects, never as Hydra config.
"""
