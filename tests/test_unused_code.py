"""No dead code in ``src``: every top-level function of the package is used by the package
itself. A function only tests call is a test helper and lives in ``tests/``; one nothing
calls is removed (it is the next maintainer's false lead). Decorated functions (commands,
routes, fixtures: registered by their decorator) and dunders are exempt."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import wildtrace

SRC = Path(wildtrace.__file__).parent


def _unused_functions() -> list[str]:
    texts = {path: path.read_text("utf-8") for path in sorted(SRC.rglob("*.py"))}
    words: dict[str, int] = {}
    for text in texts.values():
        for word in re.findall(r"\w+", text):
            words[word] = words.get(word, 0) + 1
    unused = []
    for path, text in texts.items():
        for node in ast.parse(text).body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.decorator_list:
                continue
            if node.name.startswith("__") or words.get(node.name, 0) > 1:
                continue
            unused.append(f"{path.relative_to(SRC)}: {node.name}")
    return unused


def test_every_top_level_function_in_src_is_used_in_src() -> None:
    assert _unused_functions() == []
