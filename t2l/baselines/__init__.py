"""Baselines that T2L is compared against: LoraHub composition, description retrieval."""
