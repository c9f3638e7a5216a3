"""``wildtrace ops``: import an operation's seizure sheets, report what it achieved.

    wildtrace ops import seizures.xlsx --operation THUNDER-2025 [--map qty=quantity]
    wildtrace ops report THUNDER-2025 --format html --out thunder.html

Exit status as everywhere: 0 all rows stored (or already there), 1 some rows rejected
(the good ones are stored; the rejects file says which and why), 2 the user must act
(unreadable file, unknown operation, bad option).
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, cast

import typer
from rich.markup import escape

from wildtrace.commands.common import SHOWN_REJECTS as _SHOWN_REJECTS
from wildtrace.commands.common import (
    AgencyOpt,
    CollectionOpt,
    DbOpt,
    TlpOpt,
    collection_for,
    console,
    failure,
    progress_bar,
    rejects_beside,
)
from wildtrace.commands.common import fail as _fail
from wildtrace.errors import WildTraceError

if TYPE_CHECKING:
    from wildtrace.ops.importer import ReadResult
    from wildtrace.store import Store

app = typer.Typer(
    help="Operations and seizures: import seizure sheets, report what an operation achieved.",
    no_args_is_help=True,
)
_progress = partial(progress_bar, "seizure lines")


@app.command("import")
def import_seizures(
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8 or UTF-16, any delimiter) or Excel .xlsx.")],
    operation: Annotated[str, typer.Option("--operation", help="Name of the operation.")],
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="COLUMN=FIELD for a column the aliases miss, e.g. qty=quantity."),
    ] = None,
    db: DbOpt = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel sheet [default: the first].")] = None,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Where rejected rows go [default: FILE.rejects.csv].")
    ] = None,
    coordinator: Annotated[
        str | None, typer.Option("--coordinator", help="The coordinating body, shown in the report.")
    ] = None,
    date_order: Annotated[
        str,
        typer.Option(
            "--date-order",
            help="How to read 03/04/2025: dmy, mdy, or auto "
            "(from the file's unambiguous dates; else ambiguous rows are rejected).",
        ),
    ] = "auto",
    encoding: Annotated[
        str | None,
        typer.Option("--encoding",
                     help="Encoding of a CSV file, e.g. cp1252 [default: UTF-8 or UTF-16, detected]."),
    ] = None,
    collection: CollectionOpt = "default",
    agency: AgencyOpt = "local",
    tlp: TlpOpt = None,
) -> None:
    """Import seizure lines into an operation; re-importing stores nothing twice.

    Seizure lines are not listings: the collection (``--collection``, ``--agency``, ``--tlp``)
    is checked or created as for ``scan``, and the import is recorded under it in the audit log.
    """
    from wildtrace.collect.tabular import check_encoding
    from wildtrace.ops.dates import DateOrder
    from wildtrace.ops.importer import parse_mapping, read_seizures
    from wildtrace.ops.store import operation_collection, save_rows
    from wildtrace.store import open_store

    if date_order not in ("auto", "dmy", "mdy"):
        raise _fail(f"--date-order {date_order!r}: use dmy, mdy or auto")
    if not operation.strip():
        raise _fail("--operation needs a name")
    try:
        mapping = parse_mapping(map_ or [])
        check_encoding(encoding)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    if not file.is_file():
        raise _fail(f"{file}: no such file")
    result: ReadResult | None = None
    try:
        result = read_seizures(
            file, mapping=mapping, sheet=sheet, date_order=cast(DateOrder, date_order), encoding=encoding
        )
        recognised = ", ".join(f"{column}->{name}" for column, name in result.columns.items())
        console.print(f"Columns: {recognised}")
        with open_store(db) as store, _progress() as progress:
            collection_id = collection_for(store, collection, agency, tlp)  # refused before storing
            with store.read_connection("find the operation") as conn:
                held = operation_collection(conn, operation.strip())
            if held is not None and held != collection:
                raise _fail(f"operation {operation.strip()!r} belongs to collection {held!r}: import into "
                            f"it with --collection {held}, or name another operation")  # fmt: skip
            task = progress.add_task("Storing", total=len(result.rows))
            saved = save_rows(
                store,
                operation.strip(),
                result.rows,
                lambda done: progress.update(task, completed=done),
                coordinator=coordinator,
                collection_id=collection_id,
            )
            where = store.url
            result.rejects.extend(saved.rejects)  # rows the database refused, each alone
            _audit_import(store, operation.strip(), collection, file, saved.new, saved.already)
    except KeyboardInterrupt:
        _save_rejects(file, rejects, result)
        console.print("Interrupted: batches already stored are complete; run again to finish.")
        raise typer.Exit(130) from None
    except WildTraceError as exc:
        _save_rejects(file, rejects, result)
        raise failure(exc) from exc
    if result.cleaned:
        rows = ", ".join(map(str, result.cleaned[:5])) + (" ..." if len(result.cleaned) > 5 else "")
        console.print(f"[yellow]warning[/] {escape(str(file))}: NUL characters removed from "
                      f"{len(result.cleaned):,} rows (rows {rows})", markup=True)  # fmt: skip
    for reject in result.rejects[:_SHOWN_REJECTS]:
        console.print(
            f"[yellow]rejected[/] {escape(f'{reject.file}: row {reject.row}: {reject.reason}')}", markup=True
        )
    if len(result.rejects) > _SHOWN_REJECTS:
        console.print(f"... {len(result.rejects) - _SHOWN_REJECTS} more rejected rows; see the rejects file")
    read = len(result.rows) + len(result.rejects)
    console.print(
        f"{read:,} rows read (dates {result.date_order}), {saved.new:,} seizure lines stored, "
        f"{saved.already:,} already stored, {len(result.rejects):,} rejected; "
        f"{saved.suspects_new:,} new suspects; operation {operation.strip()!r} in {where}"
    )
    kept_as = {
        "transport_mode": "stored as 'other' with the text as given "
        "(add it to wildtrace/ops/data/transport_modes.csv to map it)",
        "trade_term": "stored without a trade term, the text as given (not a CITES trade-term code)",
    }
    for (column, value), count in sorted(result.unmapped.items(), key=lambda item: (-item[1], item[0])):
        console.print(f"unmapped {column} {value!r} in {count:,} rows: {kept_as[column]}")
    if result.rejects:
        _save_rejects(file, rejects, result)
        raise typer.Exit(1)


def _audit_import(store: Store, operation: str, collection: str, file: Path, new: int, already: int) -> None:
    """The import in the audit log, under the collection it was made for (the operations tables
    carry no collection of their own)."""
    from wildtrace.store.audit import AuditLog
    from wildtrace.store.people import local_viewer

    detail = {"collection": collection, "file": file.name, "new": new, "already": already}
    AuditLog(store).append(local_viewer(store), "ops.import", f"operation:{operation}", detail=detail)


def _save_rejects(file: Path, given: Path | None, result: ReadResult | None) -> None:
    """Write the rejected rows (when there are any) and say where: also when storing
    failed, so that what the reader rejected is never lost."""
    if result is None or not result.rejects:
        return
    from wildtrace.ops.importer import write_rejects

    path = rejects_beside(file, given, "ops-import")
    if path.resolve() == file.resolve():
        raise _fail(f"--rejects {path} would overwrite the input")
    try:
        write_rejects(path, result.rejects, result.header)
    except OSError as exc:
        raise _fail(f"{path}: cannot write the rejects: {exc.strerror}") from exc
    console.print(f"Rejected rows and their reasons: [cyan]{escape(str(path))}[/]", markup=True)


Format = Literal["text", "json", "html"]


@app.command("report")
def report(
    name: Annotated[str, typer.Argument(help="The operation.")],
    format_: Annotated[str, typer.Option("--format", "-f", help="text, json or html.")] = "text",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here [default: stdout].")] = None,
    db: DbOpt = None,
) -> None:
    """What an operation achieved: countries, seizures, suspects, quantities, values, routes."""
    from wildtrace.ops.report import build_report, render_html, render_text
    from wildtrace.ops.store import operation_names
    from wildtrace.store import open_store

    if format_ not in ("text", "json", "html"):
        raise _fail(f"--format {format_!r}: use text, json or html")
    try:
        with open_store(db) as store:
            data = build_report(store, name)
            known = operation_names(store) if data is None else []
    except WildTraceError as exc:
        raise failure(exc) from exc
    if data is None:
        shown = ", ".join(repr(n) for n in known) or "none yet (wildtrace ops import FILE --operation NAME)"
        raise _fail(f"no operation {name!r} in the store; operations: {shown}")
    if format_ == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    elif format_ == "html":
        text = render_html(data)
    else:
        text = render_text(data)
    if out is None or str(out) == "-":
        typer.echo(text, nl=False)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"{out}: cannot write: {exc.strerror}") from exc
    console.print(f"Report written to [cyan]{escape(str(out))}[/]", markup=True)


@app.command("list")
def list_operations(db: DbOpt = None) -> None:
    """The operations in the store."""
    from wildtrace.ops.store import operation_names
    from wildtrace.store import open_store

    try:
        with open_store(db) as store:
            for name in operation_names(store):
                typer.echo(name)
    except WildTraceError as exc:
        raise failure(exc) from exc
