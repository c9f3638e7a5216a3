"""``wildtrace watch`` (watchlists of identifiers an agency already knows) and ``wildtrace
alerts`` (stored listings that carry one).

Values are normalised like the extractors normalise listings (``extract.identifiers``), so a
phone typed ``+84 91 234 5678`` matches ``0912345678`` written in Vietnam. Every scan, crawl
and load matches what it stores; a new entry is also matched at once against the listings
already stored. The command line acts as the local agency unless ``--agency`` names another.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from wildtrace.commands.common import (
    EXIT_REJECTED,
    SHOWN_REJECTS,
    DbOpt,
    console,
    fail,
    failure,
    rejects_beside,
)

if TYPE_CHECKING:
    from wildtrace.collect.tabular import Table
    from wildtrace.ops.model import RejectedRow
    from wildtrace.store.watchlists import WatchEntry

app = typer.Typer(
    help="Watchlists: identifiers your agency knows; every scan and crawl raises an alert on them.",
    no_args_is_help=True,
)

KINDS_HELP = "phone, email, wallet, iban, handle or account (or an app: telegram, wechat, ...)"
TypeOpt = Annotated[str, typer.Option("--type", "-t", help=f"What the value is: {KINDS_HELP}.")]
ListOpt = Annotated[str, typer.Option("--list", "-l", help="The watchlist (created on first use).")]
WatchAgencyOpt = Annotated[
    str | None, typer.Option("--agency", help="Act as this agency [default: the local agency].")
]
RegionOpt = Annotated[
    str | None,
    typer.Option("--region", help="Country (ISO code, e.g. VN) of phone numbers written without +code."),
]
PlatformOpt = Annotated[
    str | None, typer.Option("--platform", help="The app of a handle, or the platform of an account.")
]
WatchTlpOpt = Annotated[
    str | None,
    typer.Option("--tlp", help="Marking of a new watchlist: CLEAR, GREEN, AMBER, AMBER+STRICT or RED "
                 "[default: AMBER]; CLEAR and GREEN lists raise alerts for every agency."),
]  # fmt: skip

@app.command("add")
def watch_add(
    value: Annotated[str, typer.Argument(help="The identifier, as written anywhere.")],
    kind: TypeOpt,
    watchlist: ListOpt = "local",
    note: Annotated[str, typer.Option("--note", help="Why it is watched.")] = "",
    until: Annotated[str | None, typer.Option("--until", help="No alerts after this date.")] = None,
    region: RegionOpt = None,
    platform: PlatformOpt = None,
    tlp: WatchTlpOpt = None,
    agency: WatchAgencyOpt = None,
    db: DbOpt = None,
) -> None:
    """Watch one identifier; says at once which stored listings already carry it."""
    from wildtrace.errors import WildTraceError
    from wildtrace.extract import IdentifierError, identify
    from wildtrace.store import open_store
    from wildtrace.store.people import agency_viewer
    from wildtrace.store.watchlists import WatchEntry, add_entries, parse_until

    try:
        identifier = identify(kind, value, region, platform)
        valid_until = parse_until(until) if until else None
    except (IdentifierError, ValueError) as exc:
        raise fail(str(exc)) from exc
    try:
        with open_store(db) as store:
            result = add_entries(
                store,
                [WatchEntry(identifier, note, valid_until)],
                agency_viewer(store, agency),
                watchlist,
                tlp,
            )
    except WildTraceError as exc:
        raise failure(exc) from exc
    shown = f"{identifier.type} {identifier.value}" + (
        f" on {identifier.platform}" if identifier.platform else ""
    )
    if result.added:
        console.print(f"Watching {escape(shown)} on watchlist {escape(watchlist)}.")
    else:
        console.print(f"{escape(shown)} was already on watchlist {escape(watchlist)}.")
    if result.alerts:
        console.print(
            f"[bold red]{result.alerts:,}[/] stored listings carry it: `wildtrace alerts`", markup=True
        )


@app.command("remove")
def watch_remove(
    value: Annotated[str, typer.Argument(help="The identifier, as it was added.")],
    kind: TypeOpt,
    watchlist: Annotated[
        str | None, typer.Option("--list", "-l", help="Only from this watchlist [default: every list].")
    ] = None,
    region: RegionOpt = None,
    platform: PlatformOpt = None,
    agency: WatchAgencyOpt = None,
    db: DbOpt = None,
) -> None:
    """Stop watching an identifier (alerts it raised stay, as history)."""
    from wildtrace.errors import WildTraceError
    from wildtrace.extract import IdentifierError, identify
    from wildtrace.store import open_store
    from wildtrace.store.people import agency_viewer
    from wildtrace.store.watchlists import remove_entries

    try:
        identifier = identify(kind, value, region, platform)
    except IdentifierError as exc:
        raise fail(str(exc)) from exc
    try:
        with open_store(db) as store:
            gone = remove_entries(store, identifier, agency_viewer(store, agency), watchlist)
    except WildTraceError as exc:
        raise failure(exc) from exc
    if not gone:
        raise fail(f"{identifier.type} {identifier.value} is not on {watchlist or 'any watchlist of yours'}")
    console.print(f"Removed {identifier.type} {escape(identifier.value)} from {gone} watchlist(s).")


@app.command("list")
def watch_list(
    watchlist: Annotated[
        str | None, typer.Argument(help="Show this watchlist's entries [default: list the watchlists].")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many entries.")] = 1000,
    agency: WatchAgencyOpt = None,
    db: DbOpt = None,
) -> None:
    """The watchlists you may see, or the entries of one (tab-separated, newest first)."""
    from wildtrace.errors import WildTraceError
    from wildtrace.store import open_store
    from wildtrace.store.people import agency_viewer
    from wildtrace.store.watchlists import list_entries, list_watchlists

    try:
        with open_store(db) as store:
            viewer = agency_viewer(store, agency)
            if watchlist is None:
                lists = list_watchlists(store, viewer)
                typer.echo("watchlist\tagency\tmarking\tentries\talerts\tsource")
                for info in lists:
                    typer.echo(
                        f"{info.name}\t{info.agency}\t{info.tlp}\t{info.entries}\t{info.alerts}\t{info.source}"
                    )
                return
            entries = list_entries(store, viewer, watchlist, limit)
    except WildTraceError as exc:
        raise failure(exc) from exc
    typer.echo("type\tvalue\tplatform\tvalid until\tnote\tsource")
    for entry in entries:
        until = entry.valid_until.isoformat() if entry.valid_until else "-"
        typer.echo(
            f"{entry.type}\t{entry.value}\t{entry.platform or '-'}\t{until}\t{entry.note}\t{entry.source_ref}"
        )


@app.command("import")
def watch_import(
    file: Annotated[
        Path,
        typer.Argument(help="CSV or Excel: columns value and type; optional note, until, region, platform."),
    ],
    watchlist: ListOpt = "local",
    region: RegionOpt = None,
    tlp: WatchTlpOpt = None,
    agency: WatchAgencyOpt = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="The file's encoding if not UTF-8/16.")
    ] = None,
    rejects: Annotated[Path | None, typer.Option("--rejects", help="Where rejected rows go.")] = None,
    db: DbOpt = None,
) -> None:
    """Watch every identifier of a table; rows that are not one are saved with the reason."""
    from wildtrace.collect.tabular import ReadOptions, check_encoding, read_table
    from wildtrace.errors import WildTraceError
    from wildtrace.store import open_store
    from wildtrace.store.people import agency_viewer
    from wildtrace.store.watchlists import add_entries

    try:
        check_encoding(encoding)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    if not file.is_file():
        raise fail(f"{file}: no such file")
    try:
        table = read_table(file, ReadOptions(encoding=encoding))
        good, rejected = entry_rows(file, table, region)
        with open_store(db) as store:
            result = add_entries(
                store, good, agency_viewer(store, agency), watchlist, tlp, source=f"csv:{file.name}"
            )
    except OSError as exc:
        raise fail(f"{file}: cannot read: {exc.strerror or exc}") from exc
    except WildTraceError as exc:
        raise failure(exc) from exc
    for reject in rejected[:SHOWN_REJECTS]:
        console.print(
            f"[yellow]rejected[/] {escape(f'{reject.file}:{reject.row}: {reject.reason}')}", markup=True
        )
    if len(rejected) > SHOWN_REJECTS:
        console.print(f"... {len(rejected) - SHOWN_REJECTS:,} more rejected rows; see the rejects file")
    console.print(
        f"{len(good) + len(rejected):,} rows read: {result.added:,} entries added to {escape(watchlist)}, "
        f"{result.already:,} already there, {len(rejected):,} rejected; "
        f"[bold red]{result.alerts:,}[/] alerts on stored listings.",
        markup=True,
    )
    if rejected:
        path = rejects_beside(file, rejects, "watch-import")
        if path.resolve() == file.resolve():
            raise fail(f"--rejects {path} would overwrite the input")
        from wildtrace.ops.importer import write_rejects

        try:
            write_rejects(path, rejected, table.header)
        except OSError as exc:
            raise fail(f"{path}: cannot write the rejects: {exc.strerror}") from exc
        console.print(f"Rejected rows and their reasons: [cyan]{escape(str(path))}[/]", markup=True)
        raise typer.Exit(EXIT_REJECTED)


def entry_rows(file: Path, table: Table, region: str | None) -> tuple[list[WatchEntry], list[RejectedRow]]:
    """The watchlist entries of a table's rows, and the rows that are not one (with why)."""
    from wildtrace.collect.tabular import column_key, unguard_formula
    from wildtrace.errors import InputError
    from wildtrace.extract import IdentifierError, identify
    from wildtrace.ops.model import RejectedRow
    from wildtrace.store.watchlists import WatchEntry, parse_until

    columns = {column_key(name): index for index, name in reversed(list(enumerate(table.header)))}
    missing = [name for name in ("value", "type") if name not in columns]
    if missing:
        where = f"{file}:{table.header_line}" if table.header else str(file)
        raise InputError(
            where, f"a watchlist file needs the columns value and type (missing: {', '.join(missing)})"
        )
    good: list[WatchEntry] = []
    rejected: list[RejectedRow] = []
    for row in table.rows:
        cells = dict(
            zip(table.header, (str(unguard_formula(cell) or "") for cell in row.cells), strict=False)
        )

        def cell(name: str, cells: tuple[object, ...] = row.cells) -> str:
            index = columns.get(name)
            value = cells[index] if index is not None and index < len(cells) else None
            return "" if value is None else str(unguard_formula(value)).strip()

        if row.problem is not None:
            rejected.append(RejectedRow(str(file), row.line, row.problem, cells))
            continue
        try:
            identifier = identify(
                cell("type"), cell("value"), cell("region") or region, cell("platform") or None
            )
            until = parse_until(cell("until")) if cell("until") else None
        except (IdentifierError, ValueError) as exc:
            rejected.append(RejectedRow(str(file), row.line, str(exc), cells))
            continue
        good.append(WatchEntry(identifier, cell("note"), until, f"{file.name}:{row.line}"))
    return good, rejected


def alerts(
    since: Annotated[
        str | None, typer.Option("--since", help="Only alerts raised since: 7d, 24h, 2026-12-01 ...")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many, newest first.")] = 200,
    agency: WatchAgencyOpt = None,
    db: DbOpt = None,
) -> None:
    """Stored listings that carry an identifier of a watchlist (tab-separated, newest first)."""
    from wildtrace.errors import WildTraceError
    from wildtrace.store import open_store
    from wildtrace.store.people import agency_viewer
    from wildtrace.store.watchlists import count_alerts, list_alerts, parse_since

    try:
        start = parse_since(since) if since else None
    except ValueError as exc:
        raise fail(str(exc)) from exc
    try:
        with open_store(db) as store:
            viewer = agency_viewer(store, agency)
            found = list_alerts(store, viewer, start, limit)
            total = count_alerts(store, viewer, start)
    except WildTraceError as exc:
        raise failure(exc) from exc
    typer.echo("raised\tlisting\ttype\tvalue\twatchlist\tnote\ttitle")
    for alert in found:
        title = (alert.title or "").replace("\t", " ").replace("\n", " ")[:80]
        typer.echo(
            f"{alert.raised_at.isoformat(timespec='seconds')}\t{alert.listing_key}\t{alert.selector_type}\t"
            f"{alert.value}\t{alert.watchlist or '-'}\t{alert.note}\t{title}"
        )
    console.print(f"{total:,} alerts{' since ' + start.isoformat(timespec='seconds') if start else ''}"
                  f"{f'; the newest {len(found):,} shown' if total > len(found) else ''}.")  # fmt: skip
