"""t2l: Text-to-LoRA hypernetworks, their LoRA library, baselines and evaluation.

Subpackages follow the dependency layers; a module imports only from its own layer or lower ones
(tests/unit/test_layers.py enforces it):

    `errors`, `io`, `assets`,   the exception type, atomic writes + JSON reading + file hashes, the offline
    `hardware`, `package_data`  bundle, the CPU model and flags (the precision that is fast on it), where the
                                files shipped in the package live (`conf/`, `data/`, `release/`)
    `tasks`                     task sources, one Task schema, prompts, batching, held-out rules
    `lora`                      LoRASpec, peft format, per-sample application, the adapter library
    `models`                    base model, task encoder, hypernetwork, T2L bundle, the release
    `eval`, `baselines`         scoring and the rows loop, reports; LoraHub, retrieval
    `training`                  Lightning modules and trainers (library LoRAs, T2L)
    `app`                       Hydra config -> objects, jobs, CLI (the only reader of config)
"""

__version__ = "0.1.0"
