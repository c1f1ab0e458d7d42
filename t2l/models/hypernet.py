"""The Text-to-LoRA hypernetwork (sizes L, M, S): task embedding in, a whole LoRA adapter out.

Pure torch, usable from a notebook:

    spec = LoRASpec.for_base(base_spec)                      # t2l.lora.spec / t2l.models.base
    net = HyperNet.from_config_options(spec, 384, HyperNetConfig(size="M"))   # or HyperNet(spec, 384, size="M")
    weights = net(task_emb)                                  # task_emb: [T, 384]
    weights["q_proj.A"].shape                                # [T, num_layers, rank, in]
    weights["q_proj.B"].shape                                # [T, num_layers, out, rank]
    per_task = unbatch(weights)                              # list of LoRAWeights, one per task

Every (task, layer, module[, A/B][, rank row]) combination is one row of the trunk's input: the
task projection, a learned layer embedding and a learned module-type embedding (M adds an A/B
embedding, S an A/B and a rank-position embedding), each LayerNorm-ed and concatenated. A mixer MLP
and two pre-LN residual blocks turn each row into a shared feature of size `head_in`; one output head
per module type turns features into LoRA numbers. All rows go through the trunk in one batched
matmul chain; the only Python loop is over module types, whose heads have different output sizes.

Head outputs per size (r = rank, D = max(in, out)):
  L: r*(in+out) per (task, layer, module): A and B at once.
  M: r*D per (task, layer, module, A/B): A = [r, :in], B = [r, :out] transposed.
  S: D per (task, layer, module, A/B, rank row): row i of A / column i of B.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Mapping

import torch
from torch import nn

from t2l.errors import T2LError
from t2l.lora.spec import LoRAConfig, LoRASpec, LoRAWeights

SIZES = ("L", "M", "S")
HEAD_INITS = ("zero", "small")


@dataclass
class HyperNetConfig:
    """The architecture options (t2l/conf/hypernet/{L,M,S}.yaml set only `size`).

    The widths land the paper's parameter counts (L ~55.4M, M ~34.4M, S ~5.0M with Mistral-7B shapes).
    init_head_weights: "zero" makes the first adapters exact no-ops (SFT); "small" draws head weights
    from N(0, head_init_std) so B starts near zero but gradients reach the trunk (reconstruction).
    """

    size: str = "M"
    latent: int = 128
    head_in: int = 512
    mixer_hidden: int = 256
    bottleneck: int = 128
    dropout: float = 0.05
    init_head_weights: str = "zero"
    head_init_std: float = 1e-5


class ResidualBlock(nn.Module):
    """x + MLP(LayerNorm(x)) with a bottleneck; the bottleneck width sets most of the trunk's size."""

    def __init__(self, width: int, bottleneck: int, dropout: float):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.down = nn.Linear(width, bottleneck)
        self.up = nn.Linear(bottleneck, width)
        self.act = nn.SiLU()
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.drop(self.up(self.act(self.down(self.norm(x)))))


class LoRAHead(nn.Module):
    """One module type's output head: a shared weight and separate A / B biases.

    The biases are kept apart from the weight (and from each other) because in M and S the weight is
    shared between A and B (and between rank rows in S): a single Linear bias would force A and B to
    start from the same numbers, so the generated adapter could not start as a usual LoRA init
    (A random, B zero). With `bias_A` [r, in] and `bias_B` [out, r] it can, for every size alike.
    """

    def __init__(self, head_in: int, out_features: int, rank: int, in_dim: int, out_dim: int):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features, head_in))
        self.bias_A = nn.Parameter(torch.empty(rank, in_dim))
        self.bias_B = nn.Parameter(torch.empty(out_dim, rank))

    def reset_parameters(self, init_head_weights: str, head_init_std: float) -> None:
        if init_head_weights == "zero":
            nn.init.zeros_(self.weight)
        else:
            nn.init.normal_(self.weight, std=head_init_std)
        # peft initialises lora_A with kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(in), 1/sqrt(in)),
        # and lora_B with zeros: with zero head weights the first adapters are exact no-ops.
        bound = 1.0 / math.sqrt(self.bias_A.shape[1])
        nn.init.uniform_(self.bias_A, -bound, bound)
        nn.init.zeros_(self.bias_B)


class HyperNet(nn.Module):
    """Task embeddings [T, encoder_dim] -> LoRAWeights with a leading task dim.

    size: "L" | "M" | "S" (see the module docstring). latent: width of each input embedding.
    head_in: width of the shared feature the heads read. mixer_hidden / bottleneck: widths inside the
    mixer MLP and the residual blocks (the defaults land the paper's parameter counts).
    init_head_weights: "zero" (SFT: first adapters are exact no-ops) or "small" (normal with
    head_init_std, for reconstruction: B starts small but non-zero so gradients reach the trunk).
    """

    def __init__(self, spec: LoRASpec, encoder_dim: int, options: HyperNetConfig | None = None, **overrides):
        super().__init__()
        options = checked_options(options, overrides)
        if not spec.shapes or spec.num_layers < 1:
            raise T2LError("HyperNet needs a LoRASpec with shapes; build it with LoRASpec.for_base(base_spec, ...)")
        if int(encoder_dim) != encoder_dim or encoder_dim < 1:
            raise T2LError(f"hypernet.encoder_dim must be a positive integer, got {encoder_dim!r}")
        self.spec, self.encoder_dim, self.options = spec, int(encoder_dim), options
        size, latent, head_in, dropout = options.size, options.latent, options.head_in, options.dropout
        mixer_hidden, bottleneck = options.mixer_hidden, options.bottleneck
        self.size, self.latent, self.head_in = size, latent, head_in
        rank, modules = spec.rank, spec.target_modules

        self.task_proj = nn.Linear(self.encoder_dim, latent)
        self.task_norm = nn.LayerNorm(latent)
        self.layer_emb = nn.Embedding(spec.num_layers, latent)
        self.layer_norm = nn.LayerNorm(latent)
        self.module_emb = nn.Embedding(len(modules), latent)
        self.module_norm = nn.LayerNorm(latent)
        parts = 3
        if size in ("M", "S"):
            self.ab_emb = nn.Embedding(2, latent)
            self.ab_norm = nn.LayerNorm(latent)
            parts += 1
        if size == "S":
            self.rank_emb = nn.Embedding(rank, latent)
            self.rank_norm = nn.LayerNorm(latent)
            parts += 1
        self.mixer = nn.Sequential(
            nn.Dropout(dropout), nn.Linear(parts * latent, mixer_hidden), nn.SiLU(),
            nn.Dropout(dropout), nn.Linear(mixer_hidden, head_in), nn.SiLU())
        self.blocks = nn.Sequential(ResidualBlock(head_in, bottleneck, dropout),
                                    ResidualBlock(head_in, bottleneck, dropout))
        self.out_norm = nn.LayerNorm(head_in)

        heads = {}
        for module in modules:
            out_dim, in_dim = spec.shape(module)
            width = {"L": rank * (in_dim + out_dim), "M": rank * max(in_dim, out_dim), "S": max(in_dim, out_dim)}[size]
            heads[module] = LoRAHead(head_in, width, rank, in_dim, out_dim)
        self.heads = nn.ModuleDict(heads)
        self.reset_head_parameters()

    def reset_head_parameters(self) -> None:
        """(Re)initialise every head: weights per init_head_weights, biases as a usual LoRA init."""
        for head in self.heads.values():
            head.reset_parameters(self.options.init_head_weights, self.options.head_init_std)

    def features(self, task_emb: torch.Tensor) -> torch.Tensor:
        """Shared trunk features: [T, L, M, head_in] (L), [T, L, M, 2, head_in] (M), [T, L, M, 2, r, head_in] (S)."""
        T, n_layers, n_modules = task_emb.shape[0], self.spec.num_layers, len(self.spec.target_modules)
        # Each input part is broadcast over the combination axes it does not vary along, then all
        # parts are concatenated, so one batched matmul chain handles every combination at once.
        grid = [T, n_layers, n_modules] + {"L": [], "M": [2], "S": [2, self.spec.rank]}[self.size]
        extra = len(grid) - 3

        def spread(x: torch.Tensor, axis: int) -> torch.Tensor:
            shape = [1] * len(grid)
            shape[axis] = grid[axis]
            return x.reshape(*shape, self.latent).expand(*grid, self.latent)

        parts = [spread(self.task_norm(self.task_proj(task_emb)), 0),
                 spread(self.layer_norm(self.layer_emb.weight), 1),
                 spread(self.module_norm(self.module_emb.weight), 2)]
        if extra >= 1:
            parts.append(spread(self.ab_norm(self.ab_emb.weight), 3))
        if extra >= 2:
            parts.append(spread(self.rank_norm(self.rank_emb.weight), 4))
        return self.out_norm(self.blocks(self.mixer(torch.cat(parts, dim=-1))))

    def forward(self, task_emb: torch.Tensor) -> LoRAWeights:
        """{"{module}.A": [T, num_layers, r, in], "{module}.B": [T, num_layers, out, r]} for every target module."""
        if task_emb.dim() != 2 or task_emb.shape[1] != self.encoder_dim:
            raise T2LError(f"HyperNet expects task embeddings of shape [num_tasks, {self.encoder_dim}], got "
                           f"{list(task_emb.shape)}; use a batch dim (emb[None]) and the encoder it was built for")
        param = self.task_proj.weight
        feats = self.features(task_emb.to(device=param.device, dtype=param.dtype))
        T, n_layers, rank = task_emb.shape[0], self.spec.num_layers, self.spec.rank
        weights: LoRAWeights = {}
        for j, module in enumerate(self.spec.target_modules):
            head, (out_dim, in_dim) = self.heads[module], self.spec.shape(module)
            if self.size == "L":
                y = torch.matmul(feats[:, :, j], head.weight.t())
                a = y[..., : rank * in_dim].reshape(T, n_layers, rank, in_dim)
                b = y[..., rank * in_dim:].reshape(T, n_layers, out_dim, rank)
            else:
                # M / S emit D = max(in, out) numbers per rank row; A keeps the first `in`, B the first
                # `out`. Only those head rows are multiplied (for v_proj, B needs 192 of 576), which is
                # the same result as slicing the full output, at up to a sixth less work.
                rows = head.weight.reshape(rank if self.size == "M" else 1, -1, self.head_in)
                w_a, w_b = (rows[:, :n].reshape(-1, self.head_in) for n in (in_dim, out_dim))
                a = torch.matmul(feats[:, :, j, 0], w_a.t()).reshape(T, n_layers, rank, in_dim)
                b = torch.matmul(feats[:, :, j, 1], w_b.t()).reshape(T, n_layers, rank, out_dim).transpose(-1, -2)
            weights[f"{module}.A"] = a + head.bias_A
            weights[f"{module}.B"] = b + head.bias_B
        return weights

    @classmethod
    def from_config_options(cls, spec: LoRASpec, encoder_dim: int, options: HyperNetConfig) -> "HyperNet":
        """The hypernetwork `options` describe (a HyperNetConfig, e.g. t2l/conf/hypernet/M.yaml) for `spec`."""
        return cls(spec, encoder_dim, options)

    def config(self) -> dict[str, Any]:
        """JSON-safe dict that rebuilds this architecture with HyperNet.from_config (weights not included).
        Key order as bundles have always written it: size, encoder_dim, the other options, spec."""
        return {"size": self.options.size, "encoder_dim": self.encoder_dim, **asdict(self.options),
                "spec": self.spec.to_dict()}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "HyperNet":
        """Rebuild the architecture from HyperNet.config(); load weights with load_state_dict(strict=True)."""
        config = dict(config)
        if "spec" not in config or "encoder_dim" not in config:
            raise T2LError("hypernet config has no 'spec' or 'encoder_dim'; it must come from HyperNet.config()")
        spec = config.pop("spec")
        spec = spec if isinstance(spec, LoRASpec) else LoRASpec.from_dict(spec)
        return cls(spec, config.pop("encoder_dim"), **config)


def checked_options(options: HyperNetConfig | None, overrides: Mapping[str, Any]) -> HyperNetConfig:
    """`options` (default HyperNetConfig()) with `overrides` by field name, checked, widths made int:
    the one place a HyperNet's architecture options are validated, whoever builds it."""
    allowed = {f.name for f in fields(HyperNetConfig)}
    unknown = set(overrides) - allowed
    if unknown:
        raise T2LError(f"hypernet config has unknown keys {sorted(unknown)}; "
                       f"allowed: {sorted(allowed | {'encoder_dim', 'spec'})}")
    options = replace(options or HyperNetConfig(), **overrides)
    if options.size not in SIZES:
        raise T2LError(f"hypernet.size '{options.size}' is unknown; choose one of {list(SIZES)}")
    if options.init_head_weights not in HEAD_INITS:
        raise T2LError(f"hypernet.init_head_weights '{options.init_head_weights}' is unknown; "
                       f"choose one of {list(HEAD_INITS)}")
    widths = {name: getattr(options, name) for name in ("latent", "head_in", "mixer_hidden", "bottleneck")}
    for name, value in widths.items():
        if int(value) != value or value < 1:
            raise T2LError(f"hypernet.{name} must be a positive integer, got {value!r}")
    return replace(options, **{k: int(v) for k, v in widths.items()}, dropout=float(options.dropout),
                   head_init_std=float(options.head_init_std))


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters (works on the meta device: no memory needed)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def hypernet_param_count(base, lora: LoRAConfig | Mapping[str, Any], encoder_dim: int, size: str, **kw) -> int:
    """Trainable parameters of HyperNet(size) for `base` (a BaseModelSpec) and a LoRAConfig (or its dict).

    Extra keyword arguments go to HyperNet (latent, head_in, bottleneck, ...). Building on the meta
    device means even Mistral-7B-sized heads (tens of millions of numbers) cost no memory or time.
    """
    options = asdict(lora) if isinstance(lora, LoRAConfig) else dict(lora)
    spec = LoRASpec.for_base(base, **options)
    with torch.device("meta"):
        model = HyperNet(spec, encoder_dim, size=size, **kw)
    return count_parameters(model)
