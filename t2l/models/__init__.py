"""The networks: the frozen base LLM, the frozen task encoder, the T2L hypernetwork and its bundle.

- `base`      BaseModelSpec (shapes from t2l/conf/base_model/*.yaml) and loading + freezing a causal LM
- `encoder`   TaskEncoder: descriptions -> L2-normalised sentence embeddings, cached by text
- `hypernet`  HyperNet L/M/S (pure torch), HyperNetConfig, parameter counts on the meta device
- `architectures`  a base model's LoRA shapes from its config.json, for every supported architecture
- `pooled_lm`  the frozen base model as a task encoder (mean of its last hidden states)
- `conditioning`  what a hypernetwork reads about a task: description, k example inputs, or both
- `bundle`    T2L: a trained hypernet + encoder config; from_pretrained / generate / save_adapters
- `release`   the released default bundle and its model card (every file's sha256, checked on load)

May import: torch, transformers, sentence-transformers, safetensors, huggingface_hub and PyYAML (the
release's model card), and t2l.lora / t2l.assets / t2l.errors / t2l.io. Never t2l.tasks, t2l.eval, t2l.training or t2l.app.
"""
