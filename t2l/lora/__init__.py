"""LoRA adapters as data: the spec every piece reads, peft's file format, per-sample application, the library.

- `spec`     LoRASpec / LoRAConfig / LoRAWeights: targets, rank, alpha, rsLoRA, shapes; delta-W; the one weight check
- `peft_io`  LoraConfig <-> LoRASpec, adapter directories in peft's format (safetensors only)
- `apply`    per-sample LoRA on a frozen model through forward hooks (batched low-rank math)
- `library`  the manifest of per-task LoRAs on disk (tasks / multitask / oracle namespaces)

May import: torch, safetensors, peft, and t2l.errors / t2l.io. Nothing here imports t2l.models, so a
spec needs only a base model's shapes (any object with `num_layers`, `shape(module)`), never its weights.
"""
