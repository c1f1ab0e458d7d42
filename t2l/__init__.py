"""t2l: Text-to-LoRA hypernetworks, their LoRA library, baselines and evaluation."""

__version__ = "0.1.0"
