"""`t2l serve` driven in a real headless Chromium (Debian's chromium through Python Playwright): load the
page, type a description, generate, run a prompt with choices, see both outputs, download the zip, and
check that the zip loads with PeftModel.from_pretrained and gives the scores the page showed. Then the bad
inputs: each a message in the page, and the server keeps serving. The released bundle and the real
SmolLM2 are used; a screenshot is saved under the test's output directory.
"""

from __future__ import annotations

import re
import shutil
import socket
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.real_assets

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
DESCRIPTION = "Answer questions about dates, with the date in MM/DD/YYYY form."
PROMPT = "Today is 03/05/2021. What is the date tomorrow?"
CHOICES = ["03/06/2021", "03/04/2021"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app():
    from t2l.app.serve import serve

    port = free_port()
    served = serve(None, "127.0.0.1", port, block=False)
    yield f"http://127.0.0.1:{port}", served
    served.close()


@pytest.fixture(scope="module")
def page(app):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(accept_downloads=True, viewport={"width": 1400, "height": 1600})
        page.goto(app[0])
        page.wait_for_selector("#generate")
        yield page
        browser.close()


STATUS = "#status [data-testid='markdown']"   # the message itself, not Gradio's progress tracker beside it
STATUS_JS = "document.querySelector(\"#status [data-testid='markdown']\").innerText"


def generate(page, description: str, name: str = "my-adapter") -> str:
    page.fill("#description textarea", description)
    page.fill("#name textarea, #name input", name)
    before = page.inner_text(STATUS)   # every answer names its request number: it always differs
    page.click("#generate")
    page.wait_for_function(f"(before) => {{ const t = {STATUS_JS};"
                           " return t !== before && /Adapter generated in|Error/.test(t); }", arg=before)
    return page.inner_text(STATUS)


def test_describe_generate_run_and_download(page, tmp_path):
    status = generate(page, DESCRIPTION)
    millis = int(re.search(r"generated in (\d+) ms", status)[1])
    assert millis < 1000, status   # in the running app, on this CPU
    page.fill("#prompt textarea", PROMPT)
    page.fill("#choices textarea", "\n".join(CHOICES))
    page.click("#run")
    page.wait_for_function("() => document.querySelector('#scores').innerText.includes('with adapter')",
                           timeout=180_000)
    base_text = page.input_value("#base_out textarea")
    tuned_text = page.input_value("#tuned_out textarea")
    assert base_text.strip() and tuned_text.strip()
    rows = [line for line in page.inner_text("#scores").splitlines() if line.strip().startswith(tuple(CHOICES))]
    shown = {r.split("\t")[0].strip(): [float(x) for x in re.findall(r"-?\d+\.\d{4}", r)] for r in rows}
    assert set(shown) == set(CHOICES), page.inner_text("#scores")
    page.screenshot(path=str(tmp_path / "serve.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#download a")
    archive = tmp_path / "adapter.zip"
    info.value.save_as(archive)
    with zipfile.ZipFile(archive) as z:
        assert all(not n.startswith(("/", "..")) for n in z.namelist())
        z.extractall(tmp_path / "unzipped")
    folder = next((tmp_path / "unzipped").iterdir())
    assert folder.name == "my-adapter" and (folder / "adapter_config.json").is_file()
    assert_peft_gives_the_shown_scores(folder, shown)


def assert_peft_gives_the_shown_scores(folder: Path, shown: dict[str, list[float]]) -> None:
    import torch
    from peft import PeftModel

    from t2l.eval.scoring import score_choices
    from t2l.models.base import load_base
    from t2l.tasks.prompts import build_prompt, continuation
    from tests.helpers.specs import base_spec

    base = base_spec("smollm2_135m")
    model, tokenizer = load_base(base)
    text = build_prompt(tokenizer, PROMPT, base.chat_template)
    conts = [[continuation(c, base.chat_template) for c in CHOICES]]
    with torch.no_grad():
        plain = [lp for lp, _ in score_choices(model, tokenizer, [text], conts)[0]]
        tuned_model = PeftModel.from_pretrained(model, str(folder)).eval()
        tuned = [lp for lp, _ in score_choices(tuned_model, tokenizer, [text], conts)[0]]
    for choice, p, q in zip(CHOICES, plain, tuned):
        assert shown[choice][0] == pytest.approx(p, abs=6e-5) and shown[choice][1] == pytest.approx(q, abs=6e-5)
    assert any(abs(p - q) > 1e-3 for p, q in zip(plain, tuned))   # the adapter changes the scores


@pytest.mark.parametrize(("text", "message"), [
    ("", "the task description is empty"),
    ("x" * 100_000, "the task description is 100,000 characters; the limit is 2,000"),
    ("plain \x00\x01 binary", "holds binary or control characters"),
])
def test_bad_descriptions_are_a_message_and_the_server_keeps_serving(page, text, message):
    assert message in generate(page, text)
    assert "Adapter generated in" in generate(page, "Translate a sentence into French; 日本語 and Ελληνικά too.")


def test_a_name_with_path_characters_stays_inside_the_work_directory(page, app):
    assert "Adapter generated in" in generate(page, DESCRIPTION, name="../../etc/evil name")
    href = page.get_attribute("#download a", "href") or ""
    assert "etc-evil-name.zip" in href and "../" not in href


def test_a_prompt_past_the_limit_is_a_message(page):
    generate(page, DESCRIPTION)
    page.fill("#prompt textarea", "word " * 1500)   # under the character cap, over the token cap
    page.fill("#choices textarea", "")
    page.click("#run")
    page.wait_for_function("() => document.querySelector('#message').innerText.includes('Error')", timeout=60_000)
    assert re.search(r"the prompt is \d+ tokens; the limit is 1024: shorten it", page.inner_text("#message"))


def test_many_clicks_at_once_are_queued(page):
    """Clicks on a pending button are dropped by the page (Gradio's trigger_mode="once"), the rest queue one
    at a time (concurrency 1, queue of 16): no error, and the server answers the next request."""
    page.fill("#description textarea", DESCRIPTION)
    for _ in range(6):
        page.click("#generate", no_wait_after=True)
    seen = re.search(r"request (\d+)", page.inner_text(STATUS))
    first = int(seen[1]) if seen else 0
    page.wait_for_function(f"(n) => {{ const m = {STATUS_JS}.match(/request (\\d+)/);"
                           " return m && Number(m[1]) > n; }", arg=first, timeout=60_000)
    assert "Adapter generated in" in generate(page, DESCRIPTION)   # and it still serves


def test_library_adapters_join_the_neighbours(tmp_path):
    """library=DIR: trained LoRAs are ranked beside the training-task adapters; a copy of one is its own
    nearest neighbour (cosine 1)."""
    import torch

    from t2l.app.demo_engine import DemoEngine, Generated
    from t2l.lora.library import Library
    from tests.helpers.specs import base_spec

    base = base_spec("smollm2_135m")
    from t2l.models.bundle import T2L
    from t2l.models.release import DEFAULT_RELEASE

    spec = T2L.from_pretrained(DEFAULT_RELEASE / "hypernet").spec
    library = Library(tmp_path / "lib", base, spec)
    torch.manual_seed(0)
    weights = {f"{m}.{ab}": torch.randn(spec.num_layers, *(spec.a_shape(m) if ab == "A" else spec.b_shape(m))) * 0.01
               for m in spec.target_modules for ab in "AB"}
    library.add("tasks", "my_task", weights, {"descriptions": ["my task"]})
    engine = DemoEngine(None, library=str(tmp_path / "lib"))
    assert engine.references[0][-1] == "library:my_task"
    nearest = engine.nearest({k: v[None] for k, v in weights.items()})
    assert nearest[0][0] == "library:my_task" and nearest[0][1] == pytest.approx(1.0, abs=1e-5)
    assert isinstance(engine.generate(DESCRIPTION), Generated)
