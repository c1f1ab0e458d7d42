"""Repository paths the tests use, defined once (every other test file imports them from here)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
CONF = REPO / "conf"
BIGBENCH = FIXTURES / "bigbench"
