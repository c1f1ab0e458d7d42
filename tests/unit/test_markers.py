"""The `real_assets` marker does what pyproject.toml says: this suite's collection hook (tests/conftest.py)
marks every test that uses a real-asset fixture, `-m "not real_assets"` deselects them, and where
`t2l assets` has not prepared the bundle they skip naming the fix instead of failing on a missing file.

Each check collects a small sample file in a fresh pytest session (pytester) with tests/conftest.py loaded
as a plugin, so what is checked is the hook the suite runs, not a copy of it.
"""

from __future__ import annotations

import tomllib

import pytest

from t2l.assets import is_present, t2l_home
from tests.helpers.paths import REPO

SAMPLE = '''
import pytest


def test_plain():
    pass


def test_uses_the_tiny_model(tiny_model):
    pass


@pytest.fixture
def built_on_smollm2(smollm2):
    return smollm2


def test_uses_smollm2_through_a_fixture(built_on_smollm2):
    pass


@pytest.mark.real_assets
def test_marked_by_hand():
    pass
'''
REAL = {"test_uses_the_tiny_model", "test_uses_smollm2_through_a_fixture", "test_marked_by_hand"}
# Where this suite's bundle is, read before pytester points HOME (and so ~/.cache/t2l) at a temp dir.
BUNDLE_HOME = str(t2l_home())


@pytest.fixture(autouse=True)
def the_suites_bundle(monkeypatch):
    monkeypatch.setenv("T2L_HOME", BUNDLE_HOME)


def collect(pytester, *args: str) -> dict:
    """{name: item} of SAMPLE as collected (and selected) with the suite's conftest; nothing runs."""
    pytester.makeini("[pytest]\nmarkers =\n    real_assets: as in pyproject.toml\n")
    pytester.makepyfile(test_sample=SAMPLE)
    recorded = pytester.inline_run("--collect-only", "-p", "tests.conftest", *args)
    return {item.name: item for item in recorded.getcall("pytest_collection_finish").session.items}


def test_tests_using_real_asset_fixtures_are_marked(pytester):
    items = collect(pytester)
    assert {name for name, item in items.items() if item.get_closest_marker("real_assets")} == REAL


def test_not_real_assets_deselects_them(pytester):
    assert set(collect(pytester, "-m", "not real_assets")) == {"test_plain"}


def test_without_the_bundle_they_skip_naming_the_fix(pytester, monkeypatch, tmp_path):
    monkeypatch.setenv("T2L_HOME", str(tmp_path / "no-bundle"))
    items = collect(pytester)
    assert items["test_plain"].get_closest_marker("skip") is None
    for name in REAL:
        reason = items[name].get_closest_marker("skip").kwargs["reason"]
        assert "smollm2-135m-instruct, minilm not prepared" in reason and "run `t2l assets`" in reason, reason


def test_with_the_bundle_they_run(pytester):
    if not (is_present("smollm2-135m-instruct") and is_present("minilm")):
        pytest.skip("the bundle is not prepared here (the case above)")
    assert all(item.get_closest_marker("skip") is None for item in collect(pytester).values())


def test_the_marker_is_registered_and_markers_are_strict():
    """A misspelt marker (@pytest.mark.real_asset) is a collection error, not a marker that does nothing."""
    options = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "--strict-markers" in options["addopts"].split()
    assert any(marker.startswith("real_assets:") for marker in options["markers"])
