"""Custody of imported files: what ``wildtrace scan`` read into the store, byte for byte."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from wildtrace.collect.importers import input_format
from wildtrace.evidence.archive import file_sha256
from wildtrace.evidence.custody import CustodyEntry, CustodyLog, default_actor
from wildtrace.store import Store


def log_imports(
    store: Store, files: Sequence[Path], run_id: int | None = None, actor: str | None = None
) -> list[CustodyEntry]:
    """Append one ``import`` entry per input file (its real path, SHA-256 and size), in one
    transaction, before the file is read: the log shows exactly which bytes went in."""
    actor = actor or default_actor()
    items = []
    for path in files:
        try:
            size, digest = file_sha256(path)
        except OSError as exc:
            detail: dict[str, object] = {"error": f"cannot read: {exc.strerror or exc}"}
        else:
            detail = {"sha256": digest, "bytes": size, "format": input_format(path)}
        if run_id is not None:
            detail["scan_run"] = run_id
        items.append(("import", os.path.realpath(path), detail, actor))
    return CustodyLog(store).append_many(items)
