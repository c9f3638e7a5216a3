"""Text the databases cannot hold, made storable at the store's boundary.

PostgreSQL refuses NUL in text and JSON (``\\u0000``), and neither engine's driver can
encode a lone surrogate (what a broken ``\\ud83d`` escape in JSON input reads as). One
such character used to abort a whole batch on PostgreSQL while SQLite took it, so the
same input gave two results. Every value written through the store is cleaned the same
way on both engines: NUL is removed, a lone surrogate becomes U+FFFD. The readers strip
NUL already (and warn); this is the defence in depth that keeps one value from losing a
batch, whatever code path wrote it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: How the unstorable characters look inside JSON text (escaped by json.dumps).
_ESCAPED = re.compile(r"\\u0000|\\ud[89a-f]", re.IGNORECASE)


def _replace(match: re.Match[str]) -> str:
    return "" if match.group() == "\x00" else "\ufffd"


def storable_text(value: str) -> str:
    """``value`` without NUL, with lone surrogates replaced; the same object when clean."""
    if _UNSTORABLE.search(value) is None:
        return value
    return _UNSTORABLE.sub(_replace, value)


def storable(value: Any) -> Any:
    """A value (text, or JSON-like lists and dicts of them) made storable, keys included."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, Mapping):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [storable(v) for v in value]
    return value


def json_needs_cleaning(value: Any) -> bool:
    """True when a JSON-like value holds text the databases cannot store."""
    return _ESCAPED.search(json.dumps(value, default=str)) is not None


def json_dumps(value: Any) -> str:
    """The engines' JSON serializer: ``json.dumps`` of the storable value."""
    text = json.dumps(value)
    if _ESCAPED.search(text) is None:
        return text
    return json.dumps(storable(value))


def clean_parameters(parameters: Any, many: bool = False) -> Any:
    """Statement parameters with their text made storable: one set, a list of sets
    (``many``), or the flattened set of a multi-row INSERT, as a mapping or a sequence.
    Returns the same object when nothing needed cleaning: the common case costs a scan."""
    if isinstance(parameters, str):
        return storable_text(parameters)
    if isinstance(parameters, Mapping):
        cleaned = {k: clean_parameters(v) for k, v in parameters.items()}
        if all(cleaned[k] is v for k, v in parameters.items()):
            return parameters
        return cleaned
    if isinstance(parameters, list | tuple):
        items = [clean_parameters(v) for v in parameters]
        if all(a is b for a, b in zip(items, parameters, strict=True)):
            return parameters
        return tuple(items) if isinstance(parameters, tuple) else items
    return parameters
