"""The files t2l ships inside the package, found beside this module in a checkout and in an installed wheel
alike (pyproject.toml's package-data lists them; tests/integration/test_wheel.py installs a wheel and runs
from another directory):

    t2l/conf/      the Hydra configs (t2l.app.config; T2L_CONF_DIR points at another copy)
    t2l/data/      the description banks and the split lists (t2l.tasks.descriptions, t2l.tasks.source)
    t2l/release/   the released bundle and its model card (t2l.models.release)
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CONF_DIR = PACKAGE_DIR / "conf"
DATA_DIR = PACKAGE_DIR / "data"
RELEASE_DIR = PACKAGE_DIR / "release"
