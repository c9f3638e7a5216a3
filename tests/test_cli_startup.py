"""``wildtrace --help`` starts fast: no heavy library is imported to print the help.

Every command module is imported by ``cli.py`` to register its commands, so a module that
imports SQLAlchemy, NumPy or Scrapy at its top makes every command, even ``--help``, pay
for it (1.5-2.7 s before this was guarded). Each check runs in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Libraries that take 0.05-1 s each to import and that no help text needs.
HEAVY = ("sqlalchemy", "alembic", "numpy", "scipy", "sklearn", "phonenumbers", "scrapy", "twisted",
         "pyspark", "pyarrow", "pandas", "igraph", "leidenalg", "networkx", "PIL", "selectolax",
         "fastapi", "py3langid")  # fmt: skip

_PROBE = """
import json, sys
from wildtrace.cli import run
heavy = json.loads(sys.argv[2])
sys.argv = ["wildtrace", *json.loads(sys.argv[1])]
try:
    run()
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(heavy))))
"""


def _loaded_by(*args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(list(args)), json.dumps(HEAVY)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


COMMANDS = [("--help",), ("--version",), ("link", "--help"), ("network", "--help"),
            ("scan", "--help"), ("judge", "--help"), ("ops", "--help"), ("evidence", "--help"),
            ("review", "--help"), ("train", "--help"), ("model", "--help"), ("spark", "--help"),
            ("load", "--help"), ("agency", "--help"), ("user", "--help"), ("audit", "--help"),
            ("collection", "--help"), ("serve", "--help")]  # fmt: skip


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: " ".join(args))
def test_help_imports_no_heavy_library(args: tuple[str, ...]) -> None:
    assert _loaded_by(*args) == []


def test_a_command_still_imports_what_it_needs() -> None:
    """The probe can fail: a command that runs does import its libraries."""
    assert "sqlalchemy" in _loaded_by("report", "--db", "sqlite://")
