"""The hypernet bundle: everything needed to turn descriptions into adapters, and nothing more.

    bundle/
      t2l_config.json         hypernet architecture, LoRASpec, base model id + shapes, encoder, training summary
      hypernet.safetensors    hypernetwork weights (no base-model weights, no pickles)

    from t2l.models.bundle import T2L
    t2l = T2L.from_pretrained("outputs/demo/hypernet")
    weights = t2l.generate(["answer questions about dates"])      # batched LoRAWeights, in memory
    t2l.save_adapters(["answer questions about dates"], ["out/dates"])  # peft adapter dirs
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import torch

from t2l.errors import T2LError
from t2l.io import atomic_directory, atomic_write_json, read_json
from t2l.lora.peft_io import DESCRIPTION_CARD, save_adapter
from t2l.lora.spec import LoRASpec, LoRAWeights, unbatch
from t2l.models.base import BaseModelSpec
from t2l.models.hypernet import HyperNet

BUNDLE_CONFIG_FILE = "t2l_config.json"
BUNDLE_WEIGHTS_FILE = "hypernet.safetensors"
FORMAT_VERSION = 1
BASE_FIELDS = ("model_id", "num_layers", "hidden_size")


def base_summary(base: BaseModelSpec) -> dict[str, Any]:
    return {"name": base.name, "model_id": base.model_id, "num_layers": base.num_layers,
            "hidden_size": base.hidden_size, "modules": {k: list(v) for k, v in base.modules.items()},
            "chat_template": base.chat_template}


def check_encodable(text: Any, what: str) -> None:
    """Text the encoder can read: a str that is valid Unicode (no lone surrogates, which is how Python hands
    over undecodable bytes of a command line or file name); anything else is one T2LError."""
    if not isinstance(text, str):
        raise T2LError(f"{what} is a {type(text).__name__}, not text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise T2LError(f"{what} holds bytes that are not valid UTF-8 (at character {err.start}); "
                       "pass plain UTF-8 text") from None


TRUST_REMOTE_CODE_ENV = "T2L_TRUST_REMOTE_CODE"   # =1: the user allows bundles whose encoder runs repo code


def check_bundle_config(config: Any, config_path: Path, trust_remote_code: bool = False) -> None:
    """The shape of t2l_config.json, before anything is built from it (a damaged or hostile file is refused)."""
    fix = "the bundle is corrupt or not a t2l bundle; re-export it (T2L.save_pretrained / train.py)"
    if not isinstance(config, dict):
        raise T2LError(f"{config_path} is a JSON {type(config).__name__}, not an object; {fix}")
    for key in ("hypernet", "base_model", "encoder"):
        if not isinstance(config.get(key), dict):
            raise T2LError(f"{config_path} has no '{key}' object; {fix}")
    if not isinstance(config.get("training") or {}, dict):
        raise T2LError(f"{config_path}: 'training' must be an object; {fix}")
    trust = config["encoder"].get("trust_remote_code", False)
    if not isinstance(trust, bool):   # a string "false" would be truthy: remote code must be asked for with true
        raise T2LError(f"{config_path}: encoder.trust_remote_code must be true or false, got {trust!r}; {fix}")
    # A bundle is a downloaded file like any other: it may not turn remote code on by itself.
    if trust and not (trust_remote_code or os.environ.get(TRUST_REMOTE_CODE_ENV) == "1"):
        raise T2LError(f"{config_path} asks for encoder.trust_remote_code=true (its encoder would run code from "
                       f"its model repository); if you trust that code, set {TRUST_REMOTE_CODE_ENV}=1 or pass "
                       "trust_remote_code to T2L.from_pretrained")


def _weights_header(weights_path: Path) -> dict[str, tuple[int, ...]]:
    """{name: shape} from a safetensors header, reading no tensor data."""
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(weights_path), framework="pt", device="cpu") as handle:
            return {key: tuple(handle.get_slice(key).get_shape()) for key in handle.keys()}
    except (SafetensorError, OSError, ValueError) as err:
        raise T2LError(f"corrupt bundle weights {weights_path} ({err}); re-export the bundle") from None


def checked_hypernet(config: dict, weights_path: Path) -> HyperNet:
    """The HyperNet `config` describes, built only once its parameter shapes (computed on the meta device:
    no memory) equal the weight file's: a config asking for absurd sizes is refused before any allocation."""
    try:
        with torch.device("meta"):
            shell = HyperNet.from_config(config)
    except T2LError as err:
        raise T2LError(f"bundle {weights_path.parent} has an invalid hypernet config: {err}") from None
    except (TypeError, ValueError, KeyError, AttributeError, RuntimeError, OverflowError) as err:
        raise T2LError(f"bundle {weights_path.parent} has an invalid hypernet config ({type(err).__name__}: "
                       f"{str(err).splitlines()[0] if str(err) else ''}); re-export the bundle") from None
    want = {k: tuple(v.shape) for k, v in shell.state_dict().items()}
    have = _weights_header(weights_path)
    if want != have:
        differ = sorted(set(want) ^ set(have)) or sorted(k for k in want if want[k] != have[k])
        name = differ[0]
        raise T2LError(f"bundle {weights_path.parent} weights do not match its config ({name}: config "
                       f"{want.get(name)}, file {have.get(name)}); re-export the bundle")
    return HyperNet.from_config(config)


class T2L:
    """A trained hypernetwork with its encoder: descriptions in, LoRA adapters out."""

    def __init__(self, hypernet: HyperNet, base: dict[str, Any], encoder: dict[str, Any], training: dict | None = None):
        self.hypernet, self.base, self.encoder_config = hypernet, dict(base), dict(encoder)
        self.training = dict(training or {})
        self._encoder = None

    @property
    def spec(self) -> LoRASpec:
        return self.hypernet.spec

    @property
    def encoder(self):
        if self._encoder is None:
            from t2l.models.encoder import TaskEncoder

            self._encoder = TaskEncoder.from_config(self.encoder_config)
        return self._encoder

    # -- persistence ---------------------------------------------------------------------------------
    def save_pretrained(self, out_dir: str | Path) -> Path:
        """Write the bundle atomically: a reader sees the old bundle or the new one, never a mix."""
        from safetensors.torch import save_file

        config = {"format_version": FORMAT_VERSION, "hypernet": self.hypernet.config(), "base_model": self.base,
                  "encoder": self.encoder_config, "training": self.training}
        with atomic_directory(out_dir) as tmp:
            state = {k: v.detach().cpu().contiguous() for k, v in self.hypernet.state_dict().items()}
            save_file(state, str(tmp / BUNDLE_WEIGHTS_FILE), metadata={"format": "pt"})
            atomic_write_json(tmp / BUNDLE_CONFIG_FILE, config)
        return Path(out_dir)

    @classmethod
    def from_pretrained(cls, path: str | Path, base: BaseModelSpec | None = None, lora: LoRASpec | None = None,
                        device: str | torch.device = "cpu", trust_remote_code: bool = False) -> "T2L":
        """Load strictly; with `base` / `lora` given, refuse a bundle made for another model or LoRA.

        trust_remote_code: allow a bundle whose encoder config asks for it (refused otherwise)."""
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        from t2l.models.release import release_of, verify_release

        path = Path(path).expanduser()
        release = release_of(path)
        if release is not None:   # a released bundle: its files must match the model card's hashes
            verify_release(release)
        config_path, weights_path = path / BUNDLE_CONFIG_FILE, path / BUNDLE_WEIGHTS_FILE
        if not config_path.is_file() or not weights_path.is_file():
            raise T2LError(f"{path} is not a hypernet bundle (needs {BUNDLE_CONFIG_FILE} and {BUNDLE_WEIGHTS_FILE}); "
                           "point checkpoint= at a directory written by T2L.save_pretrained / train.py")
        config = read_json(config_path, "the bundle is corrupt; re-export it")
        check_bundle_config(config, config_path, trust_remote_code)
        if config.get("format_version") != FORMAT_VERSION:
            raise T2LError(f"bundle {path} has format_version {config.get('format_version')}, this t2l reads "
                           f"{FORMAT_VERSION}; re-export it with this version")
        if base is not None:
            for field in BASE_FIELDS:
                if config["base_model"].get(field) != getattr(base, field):
                    raise T2LError(f"bundle {path} was trained for base_model.{field}={config['base_model'].get(field)!r}"
                                   f", not {getattr(base, field)!r}; use a bundle for this base model")
        hypernet = checked_hypernet(config["hypernet"], weights_path)
        if lora is not None:
            lora.check_compatible(hypernet.spec, what=f"bundle {path}")
        try:
            state = load_file(str(weights_path), device="cpu")
        except (SafetensorError, OSError, ValueError) as err:
            raise T2LError(f"corrupt bundle weights {weights_path} ({err}); re-export the bundle") from err
        try:
            hypernet.load_state_dict(state, strict=True)
        except RuntimeError as err:
            first = str(err).splitlines()[0]
            raise T2LError(f"bundle {path} weights do not match its config ({first}); re-export the bundle") from err
        hypernet.to(device).eval()
        return cls(hypernet, config["base_model"], config["encoder"], config.get("training"))

    # -- generation ----------------------------------------------------------------------------------
    @torch.no_grad()
    def generate(self, descriptions: Sequence[str] | None = None, batch_size: int = 512, precision: str = "fp32",
                 examples: Sequence[Sequence[str]] | None = None) -> LoRAWeights:
        """Batched LoRAWeights ({"q_proj.A": [n, L, r, in], ...}) for n tasks, in one pass per batch.

        A task is given by its description, by `examples` (a list of k unlabeled example inputs per
        task), or by both (t2l.models.conditioning). precision="bf16" computes encoder and hypernet
        matmuls in bfloat16 (about 2x faster on CPUs with AVX512-BF16); the adapters are float32 either
        way, bf16 ones differ from fp32 by ~1e-2 relative.
        """
        from t2l.models.conditioning import combine, encode_examples
        from t2l.models.encoder import autocast

        if isinstance(descriptions, str):
            raise T2LError("T2L.generate takes a list of descriptions; wrap a single one: generate([text])")
        for i, text in enumerate(descriptions or []):
            check_encodable(text, f"description {i}")
        for i, inputs in enumerate(examples or []):
            for text in ([] if isinstance(inputs, str) else inputs):
                check_encodable(text, f"an example input of set {i}")
        if descriptions is not None and examples is not None and len(descriptions) != len(examples):
            raise T2LError(f"{len(descriptions)} descriptions but {len(examples)} example sets; give one of each per task")
        n = len(descriptions) if descriptions is not None else len(examples) if examples is not None else 0
        self.hypernet.eval()
        device = next(self.hypernet.parameters()).device
        parts = []
        for start in range(0, n, batch_size):
            stop = min(n, start + batch_size)
            desc = (self.encoder.encode(list(descriptions[start:stop]), precision=precision)
                    if descriptions is not None else None)
            pooled = encode_examples(self.encoder, examples[start:stop]) if examples is not None else None
            emb = combine(desc, pooled).to(device)
            with autocast(precision, device):
                weights = self.hypernet(emb)
            parts.append({k: v.float() for k, v in weights.items()})
        if not parts:
            raise T2LError("nothing to generate: give at least one description or example set")
        return {k: torch.cat([p[k] for p in parts]) for k in parts[0]}

    def save_adapters(self, descriptions: Sequence[str], out_dirs: Sequence[str | Path], precision: str = "fp32",
                      mode: str = "rslora", examples: Sequence[Sequence[str]] | None = None) -> list[Path]:
        """One peft adapter directory per task, given as in `generate` (mode: t2l.lora.peft_io.save_adapter's -
        rsLoRA scaling in adapter_config.json, or folded into B as a plain LoRA). Each directory's description
        card records what the adapter came from: the description, and how many example inputs."""
        tasks = len(examples) if examples is not None else len(descriptions)
        if tasks != len(out_dirs):
            raise T2LError(f"{tasks} {'example sets' if examples is not None else 'descriptions'} but "
                           f"{len(out_dirs)} output directories")
        weights_all = unbatch(self.generate(descriptions or None, precision=precision, examples=examples))
        for i, (weights, out) in enumerate(zip(weights_all, out_dirs)):
            card = {"description": descriptions[i] if descriptions else None}
            if examples is not None:
                card["examples"] = len(examples[i])
            save_adapter(weights, self.spec, self.base["model_id"], out, mode=mode, extra_json={DESCRIPTION_CARD: card})
        return [Path(out) for out in out_dirs]
