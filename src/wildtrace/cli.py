"""The ``wildtrace`` command line: parse arguments, call a stage, show progress.

Messages, progress and summaries go to stderr, so ``--out -`` can be piped. Exit
status: 0 all good, 1 some records were rejected (the rest was processed), 2 usage or
configuration error, 3 an internal error (a bug: what was stored so far is consistent),
130 interrupted.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from wildtrace import __version__
from wildtrace.collect import ReadOptions, check_encoding, find_input_files, parse_field_mapping
from wildtrace.collect.photos import listing_photos
from wildtrace.config import threshold as resolve_threshold
from wildtrace.config import wildtrace_home
from wildtrace.errors import WildTraceError
from wildtrace.link import DEFAULT_MAX_ACCOUNTS, account_of, build_graph, link_listings
from wildtrace.model import Analysis, Listing, Network, Reject
from wildtrace.output import link_rows
from wildtrace.pipeline import prepare
from wildtrace.report import print_summary, render_html
from wildtrace.runners import default_workers
from wildtrace.scanning import RejectsFile, ScanTotals, pages_summary, run_scan
from wildtrace.store import RunStatus, Store, open_store
from wildtrace.store.judgements import active_judgements, save_network_accounts

app = typer.Typer(
    name="wildtrace",
    help="Investigate illegal wildlife and timber trade online.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
#: Markup is off by default: file names, sellers and reasons come from hostile data.
#: Messages that use markup escape every value they interpolate.
console = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

#: How many rejected records are printed one by one before the rest are only counted.
_SHOWN_REJECTS = 20

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
ThresholdOpt = Annotated[
    float | None,
    typer.Option("--threshold", min=0.0, max=1.0,
                 help="Score from which a listing is flagged [default: WILDTRACE_THRESHOLD or 0.5]."),
]  # fmt: skip


def _fail(message: str, code: int = 2) -> typer.Exit:
    console.print(f"[bold red]error:[/] {escape(message)}", markup=True)
    return typer.Exit(code)


@contextlib.contextmanager
def _open_out(out: Path | None) -> Iterator[TextIO | None]:
    """The output stream: nothing, stdout for "-", or the file (created with its folder)."""
    if out is None:
        yield None
    elif str(out) == "-":
        yield sys.stdout
    else:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            handle = out.open("w", encoding="utf-8")
        except OSError as exc:
            raise _fail(f"{out}: cannot write: {exc.strerror}") from exc
        with handle:
            yield handle


def _refuse_overwriting_inputs(out: Path, files: Sequence[Path]) -> None:
    """--out (or its rejects file) must not be an input: by path, symlink or hard link."""
    for target in (out, _rejects_path(out, "scan")):
        for path in files:
            same = path.resolve() == target.resolve() or (target.exists() and os.path.samefile(path, target))
            if same:
                raise _fail(f"--out {out} would overwrite the input {path}; choose another file")


def _rejects_path(out: Path | None, command: str) -> Path:
    """Beside ``--out`` when it is a file, else a new file under WILDTRACE_HOME/rejects/
    (named by time and process, so scans running side by side never share one)."""
    if out is not None and str(out) != "-":
        return out.with_name(out.name + ".rejects.jsonl")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    return wildtrace_home() / "rejects" / f"{command}-{stamp}-{os.getpid()}.jsonl"


def _progress() -> Progress:
    """A progress bar on a terminal; nothing at all in pipes and files."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files · {task.fields[listings]:,} listings"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def _show_reject(count: list[int]) -> Callable[[Reject], None]:
    def show(reject: Reject) -> None:
        count[0] += 1
        if count[0] <= _SHOWN_REJECTS:
            console.print(f"[yellow]rejected[/] {escape(f'{reject.origin}: {reject.reason}')}",
                          markup=True)  # fmt: skip
        elif count[0] == _SHOWN_REJECTS + 1:
            console.print("[yellow]... more rejected records; see the rejects file[/]", markup=True)

    return show


def _scan(
    inputs: list[Path],
    *,
    out: Path | None,
    store: Store | None,
    threshold: float,
    workers: int | None = None,
    command: str = "scan",
    write_rows: bool = True,
    on_batch: Callable[[list[tuple[Listing, Analysis]]], None] | None = None,
    options: ReadOptions | None = None,
) -> tuple[ScanTotals, Path | None]:
    """Run a scan with a progress bar, reject messages and a rejects file beside ``out``
    (the user's --out); scan rows go to ``out`` only when ``write_rows``."""
    files = _input_files(inputs)
    if out is not None and str(out) != "-":
        _refuse_overwriting_inputs(out, files)
    prepare()  # a bad detector model or checklist stops here, before a run is recorded
    run_id = store.start_run([str(path) for path in inputs]) if store is not None else None
    if store is not None:
        from wildtrace.evidence.imports import log_imports  # custody: one "import" entry per file

        log_imports(store, files, run_id)
    totals = ScanTotals()
    status: RunStatus = "interrupted"
    show = _show_reject([0])
    try:
        with (
            _open_out(out if write_rows else None) as sink,
            RejectsFile(_rejects_path(out, command)) as rejects,
            _progress() as progress,
        ):
            label = "Scanning" if command == "scan" else "Analyzing"
            task = progress.add_task(label, total=len(files), listings=0)

            def advance(done: int, read: int) -> None:
                progress.update(task, completed=done, listings=read)

            def on_reject(reject: Reject) -> None:
                rejects.write(reject)
                show(reject)

            run_scan(
                files, threshold=threshold, out=sink, store=store, run_id=run_id,
                workers=workers or default_workers(), totals=totals,
                on_reject=on_reject, on_progress=advance, on_batch=on_batch, options=options,
            )  # fmt: skip
        status = "completed"
    finally:
        if store is not None and run_id is not None:
            store.finish_run(
                run_id, read=totals.read, stored=totals.saved.stored,
                unchanged=totals.saved.unchanged, rejected=totals.rejected, status=status,
            )  # fmt: skip
    return totals, (rejects.path if rejects.count else None)


def _input_files(inputs: list[Path]) -> list[Path]:
    """The files to read; an error when none of them is of a kind WildTrace reads."""
    files = find_input_files(inputs)
    if not files:
        shown = ", ".join(str(path) for path in inputs)
        raise WildTraceError(f"no JSONL, CSV, HTML or WARC files found in {shown}")
    return files


def _print_scan_summary(totals: ScanTotals, store: Store | None, rejects: Path | None) -> None:
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
    if rejects is not None:
        console.print(f"Rejected records and their reasons: [cyan]{escape(str(rejects))}[/]", markup=True)


@app.command()
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
) -> None:
    """Analyze listings: score, explain, extract selectors; store them unless --no-store."""
    if not inputs:
        raise _fail("give at least one file or folder to scan")
    try:
        options = ReadOptions(encoding=check_encoding(encoding), mapping=parse_field_mapping(map_ or []))
    except WildTraceError as exc:
        raise _fail(str(exc)) from exc
    try:
        level = resolve_threshold(threshold)
        with contextlib.ExitStack() as stack:
            store = None if no_store else stack.enter_context(open_store(db))
            totals, rejects = _scan(inputs, out=out, store=store, threshold=level, workers=workers,
                                    options=options)  # fmt: skip
            _print_scan_summary(totals, store, rejects)
    except KeyboardInterrupt:
        console.print("Interrupted: what was stored so far is consistent; run again to complete.")
        raise typer.Exit(130) from None
    except WildTraceError as exc:
        raise _fail(str(exc)) from exc
    if totals.rejected:
        raise typer.Exit(1)


@app.command()
def link(
    inputs: InputsArg = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write one JSON object per listing ('-' for stdout)."),
    ] = None,
    db: DbOpt = None,
    max_accounts: Annotated[
        int, typer.Option("--max-accounts", min=1,
                          help="Hold back a selector shared by more accounts than this."),
    ] = DEFAULT_MAX_ACCOUNTS,
    allow: Annotated[
        list[str] | None,
        typer.Option("--allow", help="Link through this selector value even if widely shared."),
    ] = None,
    threshold: ThresholdOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Link listings into seller networks, with the reason for every link.

    With INPUT files, they are read and analyzed (nothing is stored). Without, the
    listings in the store are linked and the network is saved there.
    """
    try:
        level = resolve_threshold(threshold)
        rejects_path: Path | None = None
        if inputs:
            pairs: list[tuple[Listing, Analysis]] = []
            _, rejects_path = _scan(
                inputs, out=out, store=None, threshold=level, workers=workers, command="link",
                write_rows=False, on_batch=pairs.extend,
            )  # fmt: skip
            # several captures of one page are one listing: its latest capture counts
            pairs = list({listing.key: (listing, analysis) for listing, analysis in pairs}.values())
            photos = listing_photos(listing for listing, _ in pairs).by_listing
            network = link_listings(pairs, max_accounts, allow or (), photos=photos)
        else:
            with open_store(db) as store:
                pairs = list(store.load_analyses())
                photos = listing_photos(listing for listing, _ in pairs).by_listing
                network = link_listings(pairs, max_accounts, allow or (), active_judgements(store), photos)
                store.save_network(network)
                console.print(f"Network saved in {store.url}")
        listings = [listing for listing, _ in pairs]
        with _open_out(out) as sink:
            if sink is not None:
                for row in link_rows(listings, network):
                    sink.write(json.dumps(row, ensure_ascii=False) + "\n")
        _print_network_summary(listings, network)
        if rejects_path is not None:
            console.print(f"Rejected records and their reasons: [cyan]{escape(str(rejects_path))}[/]",
                          markup=True)  # fmt: skip
            raise typer.Exit(1)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except WildTraceError as exc:
        raise _fail(str(exc)) from exc


def _print_network_summary(listings: list[Listing], network: Network) -> None:
    accounts: dict[str, set[str]] = {}
    for listing in listings:
        owner = account_of(listing) or str(listing.key)
        accounts.setdefault(network.clusters[str(listing.key)], set()).add(owner)
    networks = sum(1 for owners in accounts.values() if len(owners) > 1)
    console.print(
        f"{len(listings):,} listings, {len(network.links):,} links, "
        f"{networks:,} networks spanning 2 or more accounts, "
        f"{len(network.held_back):,} shared values held back."
    )
    for held in network.held_back[:5]:
        console.print(f"[yellow]held back[/] {escape(held.reason)}", markup=True)


@app.command()
def report(
    db: DbOpt = None,
    html: Annotated[Path | None, typer.Option("--html", help="Also write the report here.")] = None,
) -> None:
    """Summarise the store: listings, flagged, commodities, sellers, networks."""
    try:
        with open_store(db) as store:
            summary = store.summary()
            print_summary(console, summary, store.url)
            if html is not None:
                html.parent.mkdir(parents=True, exist_ok=True)
                html.write_text(render_html(summary, store.url), encoding="utf-8")
                console.print(f"HTML report: [cyan]{escape(str(html))}[/]", markup=True)
    except (WildTraceError, OSError) as exc:
        raise _fail(str(exc)) from exc


def demo_inputs() -> list[Path]:
    """The demo corpus that ships inside the package."""
    root = Path(str(resources.files("wildtrace.demo") / "data"))
    return [root / "listings.jsonl", root / "more"]


@app.command()
def demo(
    db: DbOpt = None,
    threshold: ThresholdOpt = None,
) -> None:
    """Scan, store, link and report the bundled demo corpus (what `make demo` runs).

    The demo uses its own database, WILDTRACE_HOME/demo.db, unless --db is given.
    """
    try:
        home = wildtrace_home()
        level = resolve_threshold(threshold)
        out = home / "demo-scan.jsonl"
        # the fictional demo data gets a database of its own, never the user's store
        with open_store(db or f"sqlite:///{home / 'demo.db'}") as store:
            console.print(f"[bold]WildTrace {__version__}[/] demo: scanning the bundled listings",
                          markup=True)  # fmt: skip
            totals, rejects = _scan(demo_inputs(), out=out, store=store, threshold=level)
            _print_scan_summary(totals, store, rejects)
            pairs = list(store.load_analyses())
            network = link_listings(pairs, photos=listing_photos(listing for listing, _ in pairs).by_listing)
            store.save_network(network)
            save_network_accounts(store, build_graph([listing for listing, _ in pairs], network))
            _print_network_summary([listing for listing, _ in pairs], network)
            summary = store.summary()
            console.rule("Report")
            print_summary(console, summary, store.url)
            report_path = home / "report.html"
            report_path.write_text(render_html(summary, store.url), encoding="utf-8")
        console.print(f"Scan rows: [cyan]{escape(str(out))}[/]\n"
                      f"HTML report: [cyan]{escape(str(report_path))}[/]", markup=True)  # fmt: skip
        console.print("Next: [bold]wildtrace scan YOUR_FILES --out results.jsonl[/] "
                      "(into your own store), or [bold]wildtrace report --db "
                      f"{escape(str(home / 'demo.db'))}[/]", markup=True)  # fmt: skip
    except KeyboardInterrupt:
        console.print("Interrupted: run the demo again to complete it.")
        raise typer.Exit(130) from None
    except (WildTraceError, OSError) as exc:
        raise _fail(str(exc)) from exc
    if totals.rejected:
        raise typer.Exit(1)


# Commands defined in their own modules under wildtrace/commands/ (one module per stage).
# Register each here with one line, e.g. ``app.add_typer(ops.app, name="ops")``.
# --- registered commands: begin ---
from wildtrace.commands import crawl as crawl_commands  # noqa: E402

app.command("crawl")(crawl_commands.crawl)
app.command("demo-site")(crawl_commands.demo_site)
from wildtrace.commands import network as network_commands  # noqa: E402

app.command("network")(network_commands.network)
app.add_typer(network_commands.judge_app, name="judge")
from wildtrace.commands import ops as ops_commands  # noqa: E402

app.add_typer(ops_commands.app, name="ops")
from wildtrace.commands import evidence as evidence_commands  # noqa: E402

app.add_typer(evidence_commands.app, name="evidence")
from wildtrace.commands import train as train_commands  # noqa: E402

app.command("train")(train_commands.train)
# --- registered commands: end ---


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    """WildTrace: collect, detect, extract, link and report wildlife-trade listings."""
    if version:
        console.print(f"wildtrace {__version__}")
        raise typer.Exit()


def run() -> None:
    """The console entry point: the app, with a clear last word on an unexpected error."""
    try:
        app(prog_name="wildtrace")
    except Exception as exc:  # a bug: say so plainly instead of dumping a traceback
        console.print(
            f"[bold red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))}\n"
            "This is a bug in WildTrace; please report it with the command you ran. What was "
            "stored before it is consistent; set WILDTRACE_DEBUG=1 to see the traceback.",
            markup=True,
        )
        if os.environ.get("WILDTRACE_DEBUG"):
            raise
        sys.exit(3)
