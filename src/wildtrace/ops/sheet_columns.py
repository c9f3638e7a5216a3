"""What a seizure sheet's columns and outcome words mean, from data files beside the code:
``data/column_aliases.csv`` (canonical field, a column name in any language) and
``data/outcome_words.csv`` (outcome kind, a word that names it). Add names there."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from wildtrace.ops.model import OUTCOME_KINDS


def _rows(name: str) -> list[dict[str, str]]:
    path = resources.files("wildtrace.ops") / "data" / name
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def field_aliases() -> dict[str, tuple[str, ...]]:
    """Canonical field -> the column names that mean it, fields in the table's order."""
    aliases: dict[str, list[str]] = {}
    for row in _rows("column_aliases.csv"):
        aliases.setdefault(row["field"], []).append(row["alias"])
    return {name: tuple(names) for name, names in aliases.items()}


@cache
def outcome_words() -> dict[str, str]:
    """A word (as written) -> the outcome kind it names."""
    words = {row["word"]: row["kind"] for row in _rows("outcome_words.csv")}
    if not set(words.values()) <= set(OUTCOME_KINDS):
        raise ValueError(f"outcome_words.csv: kinds must be among {', '.join(OUTCOME_KINDS)}")
    return words


#: Canonical fields and the column names (any language) that mean them.
FIELD_ALIASES: dict[str, tuple[str, ...]] = field_aliases()
