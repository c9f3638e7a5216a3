"""What every command shares: the console, failure, options, progress, out-file and rejects.

Messages, progress and summaries go to stderr, so ``--out -`` can be piped.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from wildtrace.collect import find_input_files
from wildtrace.config import wildtrace_home
from wildtrace.errors import WildTraceError
from wildtrace.model import Analysis, Listing, Reject
from wildtrace.runners import default_workers
from wildtrace.scanning import RejectsFile, ScanTotals, run_scan
from wildtrace.store import RunStatus, Store

#: Markup is off by default: file names, sellers and reasons come from hostile data.
#: Messages that use markup escape every value they interpolate.
console = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

#: How many rejected records are printed one by one before the rest are only counted.
_SHOWN_REJECTS = 20

InputsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Files or folders: JSONL, CSV, HTML, WARC (.warc, .warc.gz)."),
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
) -> tuple[ScanTotals, Path | None]:
    """Run a scan with a progress bar, reject messages and a rejects file beside ``out``
    (the user's --out); scan rows go to ``out`` only when ``write_rows``."""
    files = _input_files(inputs)
    if out is not None and str(out) != "-":
        _refuse_overwriting_inputs(out, files)
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
                on_reject=on_reject, on_progress=advance, on_batch=on_batch,
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
