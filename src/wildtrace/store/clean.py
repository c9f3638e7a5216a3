"""Text the databases cannot hold, made storable at the store's boundary.

PostgreSQL refuses NUL in text and JSON (``\\u0000``), and neither engine's driver can
encode a lone surrogate (what a broken ``\\ud83d`` escape in JSON input reads as). One
such character used to abort a whole batch on PostgreSQL while SQLite took it, so the
same input gave two results. Every value written through the store is cleaned the same
way on both engines, by the core's rule (``wildtrace.parse.clean_text`` / ``clean_value``:
NUL removed, a lone surrogate replaced by U+FFFD; the one place it is decided). The
readers clean records already (and warn); this is the defence in depth that keeps one
value from losing a batch, whatever code path wrote it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from wildtrace.parse import clean_text, clean_value


def storable_value(value: Any) -> Any:
    """A JSON-like value (text, lists, tuples and dicts of them, keys included) made
    storable; the same object when nothing needed cleaning."""
    cleaned, count = clean_value(value)
    return cleaned if count else value


def json_dumps(value: Any) -> str:
    """The engines' JSON serializer: ``json.dumps`` of the storable value."""
    text = json.dumps(value)
    if "\\u" not in text:  # NUL and lone surrogates only appear in JSON text as \u escapes
        return text
    cleaned, count = clean_value(value)
    return json.dumps(cleaned) if count else text


def clean_parameters(parameters: Any, many: bool = False) -> Any:
    """Statement parameters with their text made storable: one set, a list of sets
    (``many``), or the flattened set of a multi-row INSERT, as a mapping or a sequence.
    Returns the same object when nothing needed cleaning, found with one search over all
    their text: the common case costs a walk, not a copy."""
    strings: list[str] = []
    _collect_text(parameters, strings)
    joined = "\x01".join(strings)
    if clean_text(joined) is joined:
        return parameters
    return _cleaned(parameters)


def _collect_text(parameters: Any, strings: list[str]) -> None:
    if type(parameters) is str:
        strings.append(parameters)
    elif isinstance(parameters, Mapping):
        for value in parameters.values():
            if type(value) is str:
                strings.append(value)
            elif isinstance(value, Mapping | list | tuple | str):
                _collect_text(value, strings)
    elif isinstance(parameters, list | tuple):
        for value in parameters:
            if type(value) is str:
                strings.append(value)
            elif isinstance(value, Mapping | list | tuple | str):
                _collect_text(value, strings)
    elif isinstance(parameters, str):  # a str subclass
        strings.append(parameters)


def _cleaned(parameters: Any) -> Any:
    """The parameters with every text value cleaned; the same objects where nothing changed."""
    if isinstance(parameters, str):
        return clean_text(parameters)
    if isinstance(parameters, Mapping):
        cleaned = {k: _cleaned(v) for k, v in parameters.items()}
        if all(cleaned[k] is v for k, v in parameters.items()):
            return parameters
        return cleaned
    if isinstance(parameters, list | tuple):
        items = [_cleaned(v) for v in parameters]
        if all(a is b for a, b in zip(items, parameters, strict=True)):
            return parameters
        return tuple(items) if isinstance(parameters, tuple) else items
    return parameters
