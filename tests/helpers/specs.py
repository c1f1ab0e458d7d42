"""Specs and configs read from conf/: the base-model spec and the MiniLM encoder config."""

from __future__ import annotations

import yaml

from tests.helpers.paths import REPO


def base_spec(name: str):
    from t2l.models.base import BaseModelSpec

    return BaseModelSpec.from_dict(yaml.safe_load((REPO / "conf" / "base_model" / f"{name}.yaml").read_text()))


def minilm_config() -> dict:
    return yaml.safe_load((REPO / "conf" / "encoder" / "minilm.yaml").read_text())
