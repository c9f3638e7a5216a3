"""What every command shares: the console, failures and exit statuses, the common options,
progress bars, the out-file, the rejects file's place and the display of rejects.

Messages, progress and summaries go to stderr, so ``--out -`` can be piped.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import signal
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from wildtrace.config import wildtrace_home
from wildtrace.errors import AccessError, StoreError, WildTraceError

# Heavy libraries (SQLAlchemy, NumPy, the selector libraries) are imported inside the
# functions that need them: ``wildtrace --help`` must not pay for them (tests/test_cli_startup.py).
if TYPE_CHECKING:
    from rich.progress import Progress

    from wildtrace.collect import ReadOptions
    from wildtrace.model import Analysis, Listing, Reject
    from wildtrace.scanning import ScanOutcome, ScanTotals
    from wildtrace.store import Store

#: Markup is off by default: file names, sellers and reasons come from hostile data.
#: Messages that use markup escape every value they interpolate.
console = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

# Exit statuses, the same for every command (the README lists them).
EXIT_REJECTED = 1  # some records were rejected; the rest was processed
EXIT_USAGE = 2  # usage or configuration error: the user must act
EXIT_BUG = 3  # an internal error (a bug); what was stored before it is consistent
EXIT_DATABASE = 4  # the database failed (unreachable, refused a write); the run is closed as interrupted
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT)
EXIT_TERMINATED = 143  # SIGTERM: handled like Ctrl-C

#: How many rejected records are printed one by one before the rest are only counted.
SHOWN_REJECTS = 20
#: The longest database message shown (a driver's message can carry a whole batch of SQL).
_SHOWN_DATABASE_ERROR = 600

InputsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Files or folders: JSONL, CSV, Excel (.xlsx), HTML, WARC (.warc, .warc.gz)."),
]
DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Database URL or SQLite file [default: WILDTRACE_DB, "
                 "else WILDTRACE_HOME/wildtrace.db]."),
]  # fmt: skip
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", "-j", min=1,
                 help="Processes that analyze listings [default: one per core, at most 4]."),
]  # fmt: skip
MaxAccountsOpt = Annotated[
    int,
    typer.Option("--max-accounts", min=1, help="Hold back a selector shared by more accounts than this."),
]
AllowOpt = Annotated[
    list[str] | None,
    typer.Option("--allow", help="Link through this selector value even if widely shared."),
]
ByOpt = Annotated[
    str | None,
    typer.Option("--by", help="Who decides (default: WILDTRACE_ANALYST, else the login name)."),
]
ThresholdOpt = Annotated[
    float | None,
    typer.Option("--threshold", min=0.0, max=1.0,
                 help="Score from which a listing is flagged [default: WILDTRACE_THRESHOLD, else the "
                 "threshold of the store's trained model, else 0.5]."),
]  # fmt: skip

CollectionOpt = Annotated[
    str,
    typer.Option("--collection", help="Store into this collection (created on first use); its "
                 "marking decides who sees what is stored."),
]  # fmt: skip
AgencyOpt = Annotated[
    str,
    typer.Option("--agency", help="The agency that owns the collection (add one with "
                 "`wildtrace agency add`)."),
]  # fmt: skip
TlpOpt = Annotated[
    str | None,
    typer.Option("--tlp", help="TLP marking of a new collection: CLEAR, GREEN, AMBER, AMBER+STRICT "
                 "or RED [default: AMBER]; for an existing collection, checked against its own."),
]  # fmt: skip


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print the error and return the exit to raise (``raise fail(...)``)."""
    console.print(f"[bold red]error:[/] {escape(message)}", markup=True)
    return typer.Exit(code)


def collection_for(store: Store, name: str, agency: str, tlp: str | None) -> int:
    """The id of the collection ``--collection``/``--agency``/``--tlp`` name, created on first
    use (in one write transaction); a bad marking, an unknown agency or a collection of another
    agency stops the command (exit 2) before anything is stored."""
    from wildtrace.store.access import MarkingError, parse_marking
    from wildtrace.store.collections import ensure_collection

    try:
        marking = parse_marking(tlp) if tlp is not None else None
    except MarkingError as exc:
        raise fail(f"--tlp: {exc}") from exc
    found: int | None = None
    with store.write_transaction("choose the collection") as conn:
        try:
            found = ensure_collection(conn, name, agency, marking)
        except AccessError as exc:  # the user's choice refused
            raise fail(str(exc)) from exc
    assert found is not None
    _warn_unread(store, name)
    return found


def _warn_unread(store: Store, name: str) -> None:
    """A RED collection naming no reader is seen by nobody: say how to name them."""
    from wildtrace.store.collections import collection_info

    info = collection_info(store, name)
    if info.marking == "RED" and not info.readers:
        console.print(f"[yellow]warning[/] collection {escape(name)} is TLP:RED and names no reader: "
                      "nobody sees what goes into it until `wildtrace collection readers "
                      f"{escape(name)} --add USER`", markup=True)  # fmt: skip


def database_errors() -> tuple[type[Exception], ...]:
    """SQLAlchemy's errors, imported only when asked (``except database_errors():``)."""
    from sqlalchemy.exc import SQLAlchemyError

    return (SQLAlchemyError,)


def stopping_errors() -> tuple[type[Exception], ...]:
    """The errors that stop a command with a clear message (``except stopping_errors():``),
    so that a command module need not import SQLAlchemy to name its errors. Python evaluates
    the ``except`` expression only when an error reaches it: nothing is imported before
    (put ``except KeyboardInterrupt`` or ``SystemExit`` clauses above it)."""
    return (WildTraceError, *database_errors())


def _database_error(error: BaseException) -> bool:
    """A StoreError, or any SQLAlchemy error (only possible once SQLAlchemy was imported)."""
    if isinstance(error, StoreError):
        return True
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    return sqlalchemy_exc is not None and isinstance(error, sqlalchemy_exc.SQLAlchemyError)


def failure(error: Exception) -> typer.Exit:
    """The exit for an error that stopped a command: a database failure is not the user's
    usage error (exit 4, with the database's own words); anything else typed is (exit 2)."""
    if _database_error(error):
        text = str(error).split("\n[SQL:", 1)[0].strip()
        if len(text) > _SHOWN_DATABASE_ERROR:
            text = text[:_SHOWN_DATABASE_ERROR] + " ..."
        console.print(f"[bold red]database error:[/] {escape(text)}", markup=True)
        console.print("What was stored before it is consistent; run the command again once the "
                      "database is back (re-running stores nothing twice).")  # fmt: skip
        return typer.Exit(EXIT_DATABASE)
    return fail(str(error))


#: Set while a SIGTERM is being handled as an interrupt (see ``sigterm_as_interrupt``).
_terminated = False


def interrupted_status(error: KeyboardInterrupt) -> int:
    """130 after Ctrl-C, 143 after SIGTERM."""
    return EXIT_TERMINATED if _terminated else EXIT_INTERRUPTED


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises KeyboardInterrupt in the main thread (and
    ``interrupted_status`` then says 143), so a terminated job closes its run, keeps its
    rejects and prints its summary, as after Ctrl-C."""
    global _terminated

    def terminate(signum: int, frame: FrameType | None) -> None:
        global _terminated
        _terminated = True
        raise KeyboardInterrupt

    _terminated = False
    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread (an embedding application): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def analyst(by: str | None) -> str:
    """Who decides (``--by``): the option, else ``WILDTRACE_ANALYST``, else the login name."""
    return by or os.environ.get("WILDTRACE_ANALYST") or getpass.getuser()


def rejects_beside(file: Path, given: Path | None, command: str) -> Path:
    """Where the rejected rows of an imported table go: ``--rejects``, else
    ``FILE.rejects.csv`` beside the input when that folder is writable, else a new file
    under WILDTRACE_HOME/rejects/ (``command`` names it)."""
    if given is not None:
        return given
    if os.access(file.parent, os.W_OK):
        return file.with_name(file.name + ".rejects.csv")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    return wildtrace_home() / "rejects" / f"{command}-{stamp}-{os.getpid()}.csv"


def rejects_path(out: Path | None, command: str) -> Path:
    """Beside ``--out`` when it is a file, else a new file under WILDTRACE_HOME/rejects/
    (named by time and process, so scans running side by side never share one)."""
    if out is not None and str(out) != "-":
        return out.with_name(out.name + ".rejects.jsonl")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    return wildtrace_home() / "rejects" / f"{command}-{stamp}-{os.getpid()}.jsonl"


def progress_bar(unit: str) -> Progress:
    """A progress bar on a terminal; nothing at all in pipes and files. ``unit`` follows the
    count (a rich format over the task's fields, e.g. "files · {task.fields[listings]:,} listings")."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def show_rejects(shown: int = SHOWN_REJECTS) -> Callable[[Reject], None]:
    """Print the first ``shown`` rejects with their reasons, then only say there are more."""
    count = 0

    def show(reject: Reject) -> None:
        nonlocal count
        count += 1
        if count <= shown:
            console.print(f"[yellow]rejected[/] {escape(f'{reject.origin}: {reject.reason}')}", markup=True)
        elif count == shown + 1:
            console.print("[yellow]... more rejected records; see the rejects file[/]", markup=True)

    return show


def scan_job(
    inputs: list[Path],
    *,
    store: Store | None,
    threshold: float,
    totals: ScanTotals,
    rejects: Path,
    out: Path | None = None,
    workers: int | None = None,
    command: str = "scan",
    write_rows: bool = True,
    on_batch: Callable[[list[tuple[Listing, Analysis]]], None] | None = None,
    options: ReadOptions | None = None,
    collection_id: int | None = None,
) -> ScanOutcome:
    """``scanning.scan_inputs`` with a progress bar and reject messages. ``totals`` keeps the
    counts when it is stopped part way; rejected records go to ``rejects`` (see
    ``rejects_path``); scan rows go to ``out`` only when ``write_rows``; ``options`` are the
    user's ``--encoding`` and ``--map``; stored listings go into ``collection_id``
    (``collection_for``; default: the local agency's ``default``)."""
    from wildtrace.runners import default_workers
    from wildtrace.scanning import scan_inputs

    with progress_bar("files · {task.fields[listings]:,} listings") as bar:
        task = bar.add_task("Scanning" if command == "scan" else "Analyzing", total=None, listings=0)
        outcome = scan_inputs(
            inputs, threshold=threshold, rejects_path=rejects, store=store,
            out=out if write_rows else None, protect=[] if out is None else [out],
            workers=workers or default_workers(), totals=totals,
            on_files=lambda total: bar.update(task, total=total),
            on_reject=show_rejects(),
            on_progress=lambda done, read: bar.update(task, completed=done, listings=read),
            on_batch=on_batch, options=options, collection_id=collection_id,
        )  # fmt: skip
    for run_id in outcome.closed_runs:
        console.print(f"Run {run_id}, left running by a scan that is gone, was closed as interrupted.")
    return outcome


def print_scan_summary(totals: ScanTotals, store: Store | None, rejects: Path | None) -> None:
    from wildtrace.scanning import pages_summary

    console.print(
        f"[bold]{totals.read:,}[/] listings read from {totals.files:,} files, "
        f"[bold red]{totals.flagged:,}[/] flagged, [bold]{totals.rejected:,}[/] rejected.",
        markup=True,
    )
    if totals.pages:  # WARC input: every page kept as evidence, listings made of listing pages
        console.print(pages_summary(totals.pages))
    if totals.cleaned:
        first = ", ".join(totals.cleaned[:3]) + (" ..." if len(totals.cleaned) > 3 else "")
        console.print(f"[yellow]warning[/] {len(totals.cleaned):,} listings kept with NUL characters "
                      f"removed (no database can store them): {escape(first)}", markup=True)  # fmt: skip
    if totals.commodities:
        top = sorted(totals.commodities.items(), key=lambda item: (-item[1], item[0]))[:8]
        console.print("Flagged commodities: " + ", ".join(f"{name} {n}" for name, n in top))
    if store is not None:
        saved = totals.saved
        console.print(
            f"Stored {saved.new:,} new, {saved.updated:,} updated, {saved.unchanged:,} unchanged "
            f"in {store.url}"
        )
        if saved.alerts:
            console.print(
                f"[bold red]{saved.alerts:,}[/] alerts: stored listings carry identifiers of a watchlist "
                "(`wildtrace alerts`)",
                markup=True,
            )
    if rejects is not None:
        console.print(f"Rejected records and their reasons: [cyan]{escape(str(rejects))}[/]", markup=True)
