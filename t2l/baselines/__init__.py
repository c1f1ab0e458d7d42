"""Baselines that T2L is compared against, each producing ordinary LoRAWeights / peft adapters.

- `lorahub`    LoraHub: gradient-free (nevergrad) composition of library LoRAs on a few examples
- `retrieval`  nearest library adapter(s) by description embedding (top-1 and the top-k mean)

May import: torch, nevergrad, and t2l.tasks / t2l.lora / t2l.models / t2l.errors / t2l.io. Never
t2l.eval, t2l.training or t2l.app.
"""
