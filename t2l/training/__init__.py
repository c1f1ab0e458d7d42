"""Training with Lightning: the per-task LoRA library, the multi-task LoRA, and T2L hypernetworks.

- `modules`       the LightningModule base (optimiser + warmup, finite-loss check, per-step seeding)
                  and TaskLoRAModule (a peft LoRA on one or many tasks)
- `trainer`       make_trainer (one place for pl.Trainer arguments), resumable checkpoints, callbacks
- `lora_library`  LoRATrainBudget, train_lora / train_library / train_multitask
- `hypernet`      SFT and reconstruction objectives (their settings dataclasses), train_t2l
- `hypernet_modules`  the LightningModules of T2L training (the frozen base kept out of checkpoints)
- `losses`        next-token loss on answer tokens only (the LM head run where a label is)
- `pool`          the training pool as training reads it, built once and cached by content hash
- `guard`         numerical faults (NaN / inf / saturated loss, weights, gradients): skipped or stopped on
- `distributed`   the same run on one process or many (DDP / FSDP): global batches, each rank's rows
- `export`        a bundle from any training checkpoint

May import: pytorch_lightning, torch, peft, and t2l.tasks / t2l.lora / t2l.models / t2l.eval /
t2l.errors / t2l.io. Never t2l.app: arguments arrive as plain objects, never as Hydra config.
"""
