"""`t2l serve`: the web demo. Describe a task (or paste example inputs), get an adapter in well under a
second, compare the base model with and without it, look at the adapter, download it.

    t2l serve                                   # the released bundle, http://127.0.0.1:7860
    t2l serve checkpoint=outputs/t2l_sft/hypernet port=8000

Binds to 127.0.0.1 unless host= says otherwise; share=true (a public Gradio link) is never the default.
The base model is loaded once and shared; requests queue one at a time (DemoEngine holds the model).
"""

from __future__ import annotations

import itertools

from t2l.app.demo_engine import DemoEngine, Generated
from t2l.errors import T2LError

EXAMPLES = ["Answer questions about dates, with the date in MM/DD/YYYY form.",
            "Decide whether a sentence about sports is plausible; answer yes or no.",
            "Follow the navigation instructions and say whether you end where you started.",
            "Pick the adjective order that sounds right in English."]


def norms_figure(generated: Generated):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    for module, values in generated.norms.items():
        ax.plot(range(len(values)), values, marker="o", markersize=3, label=module)
    ax.set_xlabel("layer")
    ax.set_ylabel("||delta-W||_F")
    ax.set_title("Generated adapter: delta-W norm per layer")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


class Handlers:
    """What the page's two buttons do: generate an adapter; run a prompt with and without it."""

    def __init__(self, engine: DemoEngine):
        self.engine = engine
        self.requests = itertools.count(1)   # numbered, so that the page (and a test) sees every answer as new

    def on_generate(self, description, examples, name):
        number = next(self.requests)
        try:
            generated = self.engine.generate(description, examples)
            archive = self.engine.export_zip(generated, name)
        except T2LError as err:
            return None, f"**Error** (request {number}): {err}", None, "", None
        nearest = "\n".join(f"- {task}: cosine {cos:+.3f}" for task, cos in generated.nearest) or "- (no training tasks in the bundle)"
        status = (f"Adapter generated in **{generated.seconds * 1000:.0f} ms** (request {number}) for: "
                  f"{generated.description[:120]}")
        return generated, status, norms_figure(generated), f"Nearest adapters (training tasks; library:<task> = trained LoRAs):\n{nearest}", str(archive)

    def on_run(self, generated, prompt, choices):
        if generated is None:
            yield "**Error:** generate an adapter first", "", "", ""
            return
        try:
            text = self.engine.prompt_ids(prompt)
        except T2LError as err:
            yield f"**Error:** {err}", "", "", ""
            return
        options = [c.strip() for c in (choices or "").splitlines() if c.strip()][:20]
        with self.engine.lock:
            base = ""
            for base in self.engine.stream(text, None):
                yield "", base, "", ""
            tuned = ""
            for tuned in self.engine.stream(text, generated):
                yield "", base, tuned, ""
            table = self.choice_table(text, options, generated)
        yield "", base, tuned, table

    def choice_table(self, text, options: list[str], generated) -> str:
        """Per-choice log-probabilities with and without the adapter (empty without choices)."""
        if not options:
            return ""
        plain = self.engine.choice_scores(text, options, None)
        adapted = self.engine.choice_scores(text, options, generated)
        return "| choice | base log-prob | with adapter |\n|---|---:|---:|\n" + "\n".join(
            f"| {c} | {p:.4f} | {q:.4f} |" for c, p, q in zip(options, plain, adapted))


def build_app(engine: DemoEngine):
    import gradio as gr

    handlers = Handlers(engine)
    with gr.Blocks(title="t2l: Text-to-LoRA") as app:
        gr.Markdown("# Text-to-LoRA\nDescribe a task, get a LoRA adapter for "
                    f"`{engine.bundle.base['model_id']}` in one forward pass of the hypernetwork.")
        state = gr.State(None)
        with gr.Row():
            with gr.Column():
                description = gr.Textbox(label="Task description", lines=3, elem_id="description")
                examples = gr.Textbox(label="Example inputs (optional, one per line)", lines=3, elem_id="examples")
                name = gr.Textbox(label="Adapter name (for the download)", value="my-adapter", elem_id="name")
                gr.Examples(EXAMPLES, inputs=description, label="Example descriptions")
                generate = gr.Button("Generate adapter", variant="primary", elem_id="generate")
                status = gr.Markdown(elem_id="status")
                download = gr.File(label="Adapter (zipped peft directory)", elem_id="download")
            with gr.Column():
                plot = gr.Plot(label="Adapter picture", elem_id="plot")
                nearest = gr.Markdown(elem_id="nearest")
        prompt = gr.Textbox(label="Prompt", lines=3, elem_id="prompt")
        choices = gr.Textbox(label="Choices (optional, one per line: per-choice scores)", lines=2, elem_id="choices")
        run = gr.Button("Run", elem_id="run")
        message = gr.Markdown(elem_id="message")
        with gr.Row():
            base_out = gr.Textbox(label="Base model", lines=6, elem_id="base_out")
            tuned_out = gr.Textbox(label="Base model + generated adapter", lines=6, elem_id="tuned_out")
        scores = gr.Markdown(elem_id="scores")
        generate.click(handlers.on_generate, [description, examples, name], [state, status, plot, nearest, download],
                       concurrency_limit=1)
        run.click(handlers.on_run, [state, prompt, choices], [message, base_out, tuned_out, scores], concurrency_limit=1)
    return app.queue(max_size=16, default_concurrency_limit=1)


def serve(checkpoint: str | None, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
          block: bool = True, library: str | None = None):
    """Start the app; returns it (block=False: for tests, the server runs in a thread)."""
    app = build_app(DemoEngine(checkpoint, library=library))
    app.launch(server_name=host, server_port=port, share=share, prevent_thread_lock=not block, show_error=False)
    return app
