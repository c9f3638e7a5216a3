"""``wildtrace scan``: analyze listings from files, store them, write scan rows."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from wildtrace.commands.common import (
    DbOpt,
    InputsArg,
    ThresholdOpt,
    WorkersOpt,
    _fail,
    _print_scan_summary,
    _scan,
    console,
)
from wildtrace.config import threshold as resolve_threshold
from wildtrace.errors import WildTraceError
from wildtrace.store import open_store


def scan(
    inputs: InputsArg = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write one JSON object per listing ('-' for stdout)."),
    ] = None,
    db: DbOpt = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not store anything.")] = False,
    threshold: ThresholdOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Analyze listings: score, explain, extract selectors; store them unless --no-store."""
    if not inputs:
        raise _fail("give at least one file or folder to scan")
    try:
        level = resolve_threshold(threshold)
        with contextlib.ExitStack() as stack:
            store = None if no_store else stack.enter_context(open_store(db))
            totals, rejects = _scan(inputs, out=out, store=store, threshold=level, workers=workers)
            _print_scan_summary(totals, store, rejects)
    except KeyboardInterrupt:
        console.print("Interrupted: what was stored so far is consistent; run again to complete.")
        raise typer.Exit(130) from None
    except WildTraceError as exc:
        raise _fail(str(exc)) from exc
    if totals.rejected:
        raise typer.Exit(1)
