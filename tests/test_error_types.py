"""Every error WildTrace defines derives from WildTraceError and survives the trip from a
worker process (pickling) with its fields and message."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import wildtrace
from wildtrace.errors import WildTraceError

#: Exception classes that do not derive from WildTraceError. Empty, and stays so.
NOT_YET_TYPED: set[str] = set()


def _exception_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(wildtrace.__path__, "wildtrace."):
        if info.name.endswith("__main__") or info.name.startswith("wildtrace.web"):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional extra that is not installed
            continue
        for value in vars(module).values():
            if not inspect.isclass(value) or value.__module__ != module.__name__:
                continue
            if issubclass(value, BaseException):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def test_every_error_class_derives_from_wildtrace_error() -> None:
    classes = _exception_classes()
    assert "wildtrace.errors.ModelFileError" in classes
    untyped = {name for name, cls in classes.items() if not issubclass(cls, WildTraceError)}
    assert sorted(untyped - NOT_YET_TYPED) == []


def _example_arguments(cls: type[BaseException]) -> list[object]:
    values: list[object] = []
    for name, parameter in list(inspect.signature(cls.__init__).parameters.items())[1:]:
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            values.append(f"message about {name}")
        elif parameter.default is not parameter.empty:
            values.append(7 if "int" in str(parameter.annotation) else parameter.default)
        else:
            values.append(7 if str(parameter.annotation) == "int" else f"value of {name}")
    return values


@pytest.mark.parametrize(
    "name", sorted(name for name, cls in _exception_classes().items() if issubclass(cls, WildTraceError))
)
def test_each_error_survives_pickling_with_its_fields(name: str) -> None:
    cls = _exception_classes()[name]
    error = cls(*_example_arguments(cls))
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is cls
    assert str(again) == str(error)
    assert vars(again) == vars(error)


def test_a_bad_checklist_read_in_a_worker_is_reported_not_a_broken_pool(tmp_path: Path) -> None:
    """An InputError raised inside the process pool used to break it ("internal error:
    BrokenProcessPool", exit 3): it must reach the user as the file and the reason."""
    listings = tmp_path / "many.jsonl"
    row = '{{"id": "{0}", "title": "ivory bangle {0}", "text": "carved ivory for sale"}}\n'
    listings.write_text("".join(row.format(index) for index in range(1200)), encoding="utf-8")
    checklist = tmp_path / "checklist.csv"
    checklist.write_text("a,b\n1,2\n", encoding="utf-8")
    env = {"WILDTRACE_CITES_CHECKLIST": str(checklist), "WILDTRACE_HOME": str(tmp_path / "home"),
           "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "wildtrace", "scan", str(listings), "--no-store", "--out", str(tmp_path / "o"),
         "--workers", "2"],
        capture_output=True, text=True, env=env, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "internal error" not in result.stderr
    assert f"{checklist}:1: not a CITES checklist" in result.stderr.replace("\n", "")
