"""``wildtrace scan``: analyze listings from files, store them, write scan rows."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wildtrace.commands.common import (
    EXIT_REJECTED,
    AgencyOpt,
    CollectionOpt,
    DbOpt,
    InputsArg,
    ThresholdOpt,
    TlpOpt,
    WorkersOpt,
    collection_for,
    console,
    fail,
    failure,
    interrupted_status,
    print_scan_summary,
    rejects_path,
    scan_job,
    sigterm_as_interrupt,
    stopping_errors,
)
from wildtrace.config import threshold as resolve_threshold
from wildtrace.errors import WildTraceError

if TYPE_CHECKING:
    from wildtrace.store import Store


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
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help="Encoding of CSV and JSONL files, e.g. cp1252 "
                     "[default: UTF-8 or UTF-16, detected]."),
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="COLUMN=FIELD: read a column as a listing field, e.g. Prix=price."),
    ] = None,
    collection: CollectionOpt = "default",
    agency: AgencyOpt = "local",
    tlp: TlpOpt = None,
) -> None:
    """Analyze listings: score, explain, extract selectors; store them unless --no-store."""
    from wildtrace.collect import ReadOptions, check_encoding, parse_field_mapping
    from wildtrace.scanning import ScanTotals
    from wildtrace.store import open_store

    if not inputs:
        raise fail("give at least one file or folder to scan")
    try:
        options = ReadOptions(encoding=check_encoding(encoding), mapping=parse_field_mapping(map_ or []))
    except WildTraceError as exc:
        raise fail(str(exc)) from exc
    totals = ScanTotals()
    rejects = rejects_path(out, "scan")
    store: Store | None = None
    try:
        with sigterm_as_interrupt(), contextlib.ExitStack() as stack:
            # the store first: opening it installs its active model, whose threshold counts
            store = None if no_store else stack.enter_context(open_store(db))
            into = None if store is None else collection_for(store, collection, agency, tlp)
            level = resolve_threshold(threshold)
            scan_job(inputs, out=out, store=store, threshold=level, workers=workers, totals=totals,
                     rejects=rejects, options=options, collection_id=into)  # fmt: skip
            print_scan_summary(totals, store, rejects if totals.rejected else None)
    except KeyboardInterrupt as stop:
        console.print("Interrupted: what was stored so far is consistent; run again to complete.")
        print_scan_summary(totals, store, rejects if totals.rejected and rejects.exists() else None)
        raise typer.Exit(interrupted_status(stop)) from None
    except stopping_errors() as exc:
        raise failure(exc) from exc
    if totals.rejected:
        raise typer.Exit(EXIT_REJECTED)
