"""Training labels in: the demo corpus and reviewers' labels files, read from disk and
handed to ``detect.training`` as labelled listings (the core reads no file)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from wildtrace.collect.importers import read_file
from wildtrace.detect import Labelled, demo_labelled, labelled_rows
from wildtrace.errors import InputError
from wildtrace.model import Listing


def demo_examples(split: str) -> list[Labelled]:
    """Demo listings with their labels: ``train`` (4/5) or ``heldout`` (1/5)."""
    root = Path(str(resources.files("wildtrace.demo") / "data"))
    with (root / "labels.csv").open(encoding="utf-8", newline="") as handle:
        labels = {row["id"]: row for row in csv.DictReader(handle)}
    listings = (item for item in read_file(root / "listings.jsonl") if isinstance(item, Listing))
    return demo_labelled(listings, labels, split)


def label_file_examples(path: Path, listings: Sequence[Path] = ()) -> list[Labelled]:
    """Reviewer labels from CSV: ``id,label`` (+ listings files) or ``label,title,text``."""
    known: dict[str, Listing] = {}
    for source in listings:
        for item in read_file(source):
            if isinstance(item, Listing):
                known[item.id] = item
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = ((reader.line_num, row) for row in reader)
            return labelled_rows(str(path), reader.fieldnames, rows, known)
    except UnicodeDecodeError as exc:
        raise InputError(str(path), "not UTF-8 text; save the labels as UTF-8 CSV") from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
