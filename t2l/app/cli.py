"""`t2l` command line. Subcommands take the same Hydra overrides as train.py (compose API).

    t2l assets [--check [NAME..]] [--optional NAME..]   prepare / check the offline bundle in $T2L_HOME
    t2l tasks [split=NAME] [data.sni=[...]]    list tasks the configured sources hold
    t2l eval tasks=[a,b] limit=50 out=DIR      score base model / ICL / peft adapters
    t2l library ls | import DIR...             the per-task LoRA library (see train.py)
    t2l generate checkpoint=B out=DIR --description ".." | --examples F.jsonl   adapters from text or inputs
    t2l lorahub task=NAME out=DIR [modules=20 budget=40]  LoraHub baseline: compose library LoRAs
    t2l params base_model=mistral_7b_instruct_v02 hypernet=L   trainable parameter count
    t2l report RESULTS.json... [out=docs/results.md] [plots=docs/plots]   markdown table + PNG plots
    t2l release BUNDLE MULTITASK [out=DIR] [results=R.json] [body=CARD.md]  package the released default
    t2l paired RUN_A:ROW[@P] RUN_B:ROW[@P]           a row of one eval run minus a row of another, paired
    t2l serve [checkpoint=B] [host=127.0.0.1] [port=7860]   the web demo
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from t2l.errors import T2LError


def cmd_assets(args: argparse.Namespace) -> int:
    from t2l import assets

    if args.check is not None:   # --check [ASSET..]: those assets (all when none is named)
        status = {name: present for name, present in assets.check().items() if not args.check or name in args.check}
        unknown = sorted(set(args.check) - set(assets.ASSET_DIRS))
        if unknown:
            raise T2LError(f"unknown asset {unknown} in --check; choose from {sorted(assets.ASSET_DIRS)}")
        for name, present in status.items():
            print(f"{'present' if present else 'MISSING':>8}  {name:<24} {assets.asset_dir(name)}")
        if not all(status.values()):
            print("some assets are missing; run `t2l assets`", file=sys.stderr)
            return 1
        return 0
    from t2l.tasks.bbh import build_asset

    timings = assets.prepare(optional=args.optional, builders={"bbh": build_asset})
    for name, seconds in timings.items():
        if isinstance(seconds, str):   # an optional asset that could not be had: the reason names the fix
            print(f"{name:<24} UNAVAILABLE (optional): {seconds}", file=sys.stderr)
        else:
            print(f"{name:<24} ready ({seconds:.1f} s)  {assets.asset_dir(name)}")
    return 0


def cmd_tasks(args: argparse.Namespace) -> int:
    from t2l.app.config import compose, select_tasks, task_catalog

    cfg = compose("eval", args.overrides)
    catalog = task_catalog(cfg)
    names = select_tasks(cfg, catalog) if cfg.tasks or cfg.split else catalog.names()
    for name in names:
        print(name)
    print(f"{len(names)} tasks", file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from t2l.app.config import compose
    from t2l.app.evaluate import evaluate_job

    evaluate_job(compose("eval", args.overrides))
    return 0


def cmd_library(args: argparse.Namespace) -> int:
    from t2l.app.config import base_model_spec, compose, lora_spec
    from t2l.lora.library import Library

    paths = [a for a in args.rest if "=" not in a]
    cfg = compose("train", [a for a in args.rest if "=" in a])
    base = base_model_spec(cfg)
    library = Library(cfg.library.dir, base, lora_spec(cfg, base))
    if args.action == "ls":
        print(f"library {library.root} ({library.base.model_id})")
        print(f"{'namespace':<10} {'task':<44} {'before':>7} {'after':>7} {'gain':>7} {'steps':>6} {'time s':>7}")
        for namespace in ("tasks", "multitask", "oracle"):
            for name, e in sorted(library.entries(namespace).items()):
                nums = [f"{e[k]:>7.3f}" if k in e else f"{'-':>7}" for k in ("val_before", "val_after", "val_gain")]
                print(f"{namespace:<10} {name:<44} {' '.join(nums)} {e.get('steps', '-'):>6} {e.get('seconds', '-'):>7}")
        return 0
    if args.action == "rm":
        if not paths:
            raise T2LError("t2l library rm needs task names: t2l library rm TASK [TASK...] [--namespace tasks]")
        for name in paths:
            if name not in library.entries(args.namespace):
                raise T2LError(f"'{name}' is not in the library's {args.namespace} namespace; see `t2l library ls`")
            library.remove(args.namespace, name)
            print(f"removed {args.namespace}/{name}")
        return 0
    if not paths:
        raise T2LError("t2l library import needs adapter directories: t2l library import DIR [DIR...]")
    for path in paths:
        name = args.task or Path(path).name
        descriptions = [args.description] if args.description else [name.replace("_", " ")]
        print(f"imported {name} -> {library.import_adapter(path, name, descriptions)}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from omegaconf import OmegaConf

    from t2l.app.config import compose
    from t2l.app.generate import (
        descriptions_from_args,
        read_example_inputs,
        write_adapters,
    )

    cfg = compose("generate", args.overrides)
    description = cfg.description
    if description is not None and not isinstance(description, str):
        description = OmegaConf.to_container(description)
    if args.description:  # --description TEXT (repeatable): always plain text
        description = ([] if description is None else [description] if isinstance(description, str)
                       else list(description)) + list(args.description)
    examples_file = args.examples or cfg.examples
    examples = read_example_inputs(examples_file) if examples_file else None
    write_adapters(cfg.checkpoint, descriptions_from_args(description, cfg.descriptions_file, required=examples is None),
                   cfg.out, int(cfg.batch_size), str(cfg.precision), examples, str(cfg.export))
    return 0


def cmd_lorahub(args: argparse.Namespace) -> int:
    from t2l.app.config import base_model_spec, compose, lora_spec, resolve_device, task_catalog
    from t2l.baselines.lorahub import run_lorahub, save_lorahub
    from t2l.lora.library import Library

    cfg = compose("lorahub", args.overrides)
    if not cfg.task or not cfg.out:
        raise T2LError("t2l lorahub needs task=NAME and out=DIR, e.g. t2l lorahub task=navigate out=outputs/lorahub/navigate")
    base = base_model_spec(cfg)
    library = Library(cfg.library.dir, base, lora_spec(cfg, base))
    task = task_catalog(cfg).load(str(cfg.task))
    result = run_lorahub(task, library.training_adapters(), base, library.spec, modules=int(cfg.modules),
                         examples=int(cfg.examples), budget=int(cfg.budget), optimizer=str(cfg.optimizer),
                         seed=int(cfg.seed), max_length=int(cfg.max_length), device=resolve_device(str(cfg.device)),
                         parallel=int(cfg.parallel))
    out = save_lorahub(result, library.spec, base.model_id, cfg.out)
    for name, weight in sorted(zip(result.modules, result.weights), key=lambda p: -abs(p[1])):
        print(f"{weight:>+8.3f}  {name}")
    print(f"loss {result.base_loss:.4f} (base) -> {result.loss:.4f} in {len(result.history)} evaluations, "
          f"{result.seconds:.1f} s; wrote {out}")
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    from omegaconf import OmegaConf

    from t2l.app.config import base_model_spec, compose
    from t2l.models.hypernet import hypernet_param_count

    cfg = compose("train", args.overrides)
    h = OmegaConf.to_container(cfg.hypernet, resolve=True)
    count = hypernet_param_count(base_model_spec(cfg), OmegaConf.to_container(cfg.lora, resolve=True),
                                 int(cfg.encoder.dim), h.pop("size"), **h)
    from t2l.app.config import lora_spec

    base = base_model_spec(cfg)
    spec = lora_spec(cfg, base)
    print(f"base_model: {cfg.base_model.model_id}  hypernet: {cfg.hypernet.size}  encoder_dim: {cfg.encoder.dim}")
    print(f"trainable_params: {count}")
    per_module = ", ".join(f"{m} {spec.num_layers * spec.rank * sum(base.shape(m))}" for m in spec.target_modules)
    print(f"generated_adapter_params: {spec.num_parameters()} (rank {spec.rank} x {spec.num_layers} layers: {per_module})")
    return 0


def paths_and_options(args: list[str], options: dict, command: str, usage: str) -> tuple[list[str], dict]:
    """key=value like the Hydra subcommands, but parsed here (no config to compose): (paths, options)."""
    options, paths = dict(options), []
    for arg in args:
        key, eq, value = arg.partition("=")
        if not eq:
            paths.append(arg)
        elif key in options:
            options[key] = value
        else:
            raise T2LError(f"unknown {command} option '{key}'; use {usage}")
    return paths, options


def cmd_report(args: argparse.Namespace) -> int:
    import shlex

    from t2l.eval.report import write_report

    paths, options = paths_and_options(args.args, {"out": "docs/results.md", "plots": "docs/plots"}, "report",
                                       "out=FILE.md and plots=DIR (plots=none to skip)")
    plots = None if options["plots"].lower() in ("", "none", "null") else options["plots"]
    written = write_report(paths, options["out"], plots, command="t2l report " + shlex.join(args.args))
    for path in written.values():
        print(f"wrote {path}")
    return 0


def cmd_paired(args: argparse.Namespace) -> int:
    from t2l.eval.paired import format_paired, paired_runs

    def run_and_row(spec: str) -> tuple[list[dict], str, str]:
        path, _, row = spec.rpartition(":")
        row, _, setting = row.partition("@")
        file = Path(path) / "predictions.jsonl" if Path(path).is_dir() else Path(path)
        if not path or not row or not file.is_file():
            raise T2LError(f"'{spec}' is not RUN_DIR:ROW[@PROMPTS] (a `t2l eval ... out=RUN_DIR` directory, or its "
                           "predictions.jsonl, then a row name such as t2l or base, optionally @bare / @described)")
        return [json.loads(line) for line in file.read_text().splitlines() if line.strip()], row, setting or args.prompts

    (a_lines, a_row, a_set), (b_lines, b_row, b_set) = run_and_row(args.a), run_and_row(args.b)
    try:
        table = {f"{args.b}": paired_runs(a_lines, a_row, b_lines, b_row, a_set, b_prompts=b_set)}
    except ValueError as error:
        raise T2LError(str(error)) from None
    print(f"[prompts={a_set}{'' if b_set == a_set else ' vs ' + b_set}] " + format_paired(args.a, table))
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from t2l.app.release import package_release
    from t2l.models.release import DEFAULT_RELEASE

    paths, options = paths_and_options(args.args, {"out": str(DEFAULT_RELEASE), "results": None, "body": None},
                                       "release", "out=DIR, results=RESULTS.json, body=CARD_BODY.md")
    if len(paths) != 2:
        raise T2LError("t2l release needs BUNDLE_DIR MULTITASK_LORA_DIR (e.g. outputs/t2l_release/hypernet "
                       "outputs/library/smollm2_135m/multitask/all)")
    body = Path(options["body"]).read_text(encoding="utf-8") if options["body"] else ""
    out = package_release(Path(paths[0]), Path(paths[1]), Path(options["out"]),
                          Path(options["results"]) if options["results"] else None, body)
    print(f"wrote {out} (model card with sha256 of every file: {out / 'README.md'})")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from t2l.app.config import compose
    from t2l.app.serve import serve

    cfg = compose("serve", args.overrides)
    serve(cfg.checkpoint, str(cfg.host), int(cfg.port), bool(cfg.share), library=cfg.library)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="t2l", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("assets", help="prepare the offline bundle (SmolLM2, MiniLM, BIG-bench, BIG-Bench Hard)")
    p.add_argument("--check", nargs="*", metavar="ASSET",
                   help="list present/missing assets (all, or those named); exit 1 if any is missing")
    p.add_argument("--optional", nargs="+", default=[], metavar="ASSET",
                   help="assets whose failure only warns (make test: bigbench bbh, whose tests then skip)")
    p.set_defaults(func=cmd_assets)
    for name, func, text in [("tasks", cmd_tasks, "list tasks"), ("eval", cmd_eval, "evaluate on tasks")]:
        p = sub.add_parser(name, help=text, description=f"{text}; arguments are Hydra overrides of t2l/conf/eval.yaml")
        p.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. tasks=[navigate] limit=20")
        p.set_defaults(func=func)
    for name, func, text, conf in [
            ("generate", cmd_generate, "turn task descriptions into peft adapters", "generate"),
            ("lorahub", cmd_lorahub, "LoraHub baseline: compose library LoRAs with searched weights", "lorahub"),
            ("params", cmd_params, "print the hypernetwork's trainable parameter count (no weights loaded)", "train"),
            ("serve", cmd_serve, "the web demo on 127.0.0.1: description -> adapter -> side-by-side outputs", "serve")]:
        p = sub.add_parser(name, help=text, description=f"{text}; arguments are Hydra overrides of t2l/conf/{conf}.yaml")
        p.add_argument("overrides", nargs="*")
        if name == "generate":
            p.add_argument("--description", action="append", metavar="TEXT",
                           help="a task description, taken as typed (repeat for several adapters)")
            p.add_argument("--examples", metavar="FILE.jsonl",
                           help="one task's unlabeled inputs, lines {\"input\": ...}: condition on them (= examples=FILE)")
        p.set_defaults(func=func)
    p = sub.add_parser("library", help="inspect the LoRA library or import peft adapters into it",
                       description="t2l library ls | import DIR... [--task T] | rm TASK... [--namespace N]  [overrides]")
    p.add_argument("action", choices=["ls", "import", "rm"])
    p.add_argument("rest", nargs="*", help="adapter dirs (import), task names (rm) and Hydra overrides of t2l/conf/train.yaml")
    p.add_argument("--namespace", default="tasks", help="library namespace for rm: tasks | multitask | oracle")
    p.add_argument("--task", help="task name for a single imported adapter (default: the dir name)")
    p.add_argument("--description", help="task description for the imported adapter")
    p.set_defaults(func=cmd_library)
    p = sub.add_parser("report", help="markdown results table and PNG plots from results.json files",
                       description="t2l report RESULTS.json [RESULTS.json...] [out=docs/results.md] [plots=docs/plots|none]")
    p.add_argument("args", nargs="*", metavar="RESULTS|out=FILE|plots=DIR")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("paired", help="one row of one t2l eval run minus a row of another, example by example",
                       description="t2l paired RUN_A:ROW[@PROMPTS] RUN_B:ROW[@PROMPTS] [--prompts task|bare|described]: "
                                   "the paired difference with a bootstrap 95%% interval; both runs must have scored "
                                   "the same examples (RUN:base@described is the prompting baseline)")
    p.add_argument("a", metavar="RUN_A:ROW")
    p.add_argument("b", metavar="RUN_B:ROW")
    p.add_argument("--prompts", default="task", help="the prompt setting to pair where a side names none (task | bare | described)")
    p.set_defaults(func=cmd_paired)
    p = sub.add_parser("release", help="package a bundle + multi-task LoRA as the released default, with hashes",
                       description="t2l release BUNDLE MULTITASK [out=DIR] [results=RESULTS.json] [body=CARD_BODY.md]")
    p.add_argument("args", nargs="*", metavar="DIR|out=DIR|results=FILE|body=FILE")
    p.set_defaults(func=cmd_release)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = build_parser()
    # Options may sit between positional words (`import DIR --task T base_model=x`): argparse stops a
    # nargs="*" positional at the first option, so collect the leftovers back into `rest`.
    args, extra = parser.parse_known_args(argv)
    if extra:
        field = {"library": "rest", "generate": "overrides"}.get(getattr(args, "command", None))
        if field is None or any(e.startswith("-") for e in extra):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        setattr(args, field, list(getattr(args, field)) + extra)
    try:
        return args.func(args)
    except T2LError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
