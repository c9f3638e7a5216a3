"""The commands start without PySpark and say how to install it when it is missing."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from wildtrace import cli


def test_the_command_module_imports_no_spark() -> None:
    code = ("import sys, wildtrace.cli, wildtrace.commands.spark; "
            "print([m for m in ('pyspark', 'pyarrow', 'py4j') if m in sys.modules])")  # fmt: skip
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "[]"


def test_without_the_extra_the_command_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    found = importlib.util.find_spec
    missing = lambda name, *rest: None if name == "pyspark" else found(name, *rest)  # noqa: E731
    monkeypatch.setattr(importlib.util, "find_spec", missing)
    result = CliRunner().invoke(cli.app, ["spark", "scan", "x.jsonl", "--out", "out"])
    assert result.exit_code == 2
    assert "pip install 'wildtrace[spark]'" in result.output
