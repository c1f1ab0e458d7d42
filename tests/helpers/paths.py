"""Repository paths the tests use, defined once (every other test file imports them from here)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
# The package data (t2l.package_data), named by path so a test checks where the package looks
CONF = REPO / "t2l" / "conf"
DATA = REPO / "t2l" / "data"
RELEASE = REPO / "t2l" / "release" / "t2l-smollm2-135m-minilm"
BIGBENCH = FIXTURES / "bigbench"

# Public benchmark data shared beside the checkout (../shared/data; see its README): BIG-Bench Hard's 27 files
# and 22 BIG-bench tasks. tests/conftest.py points T2L_BBH_SOURCE / T2L_BIGBENCH_SOURCE at them when unset.
SHARED_DATA = REPO.parent / "shared" / "data"
SHARED_BBH = SHARED_DATA / "bbh"
SHARED_BIGBENCH = SHARED_DATA / "bigbench"


def bbh_source():
    """The BBH folder the tests read: $T2L_BBH_SOURCE, else ../shared/data/bbh; None when neither exists."""
    import os

    for given in (os.environ.get("T2L_BBH_SOURCE"), SHARED_BBH):
        if given and Path(given).is_dir():
            return Path(given)
    return None
