"""``wildtrace evidence verify`` and ``wildtrace evidence export``: check and hand over evidence.

Exit status: 0 all good, 1 a mismatch was found (verify) or a capture could not be confirmed
(export), 2 usage error or the user must act (unknown listing or seller, existing --out),
3 internal error.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from wildtrace.commands.common import DbOpt, console, failure, progress_bar
from wildtrace.commands.common import fail as _fail
from wildtrace.errors import WildTraceError

app = typer.Typer(
    help="Check archived evidence and the chain of custody; export evidence bundles and WACZ packages.",
    no_args_is_help=True,
)

ArchivesOpt = Annotated[
    Path | None,
    typer.Option("--archives", help="Folder where the WARC files are now, if they were moved "
                 "(searched by file name)."),
]  # fmt: skip
#: Mismatches printed one by one before the rest are only counted.
_SHOWN = 50


_progress = partial(progress_bar, "WARC files")


AnchorOpt = Annotated[
    Path | None,
    typer.Option("--anchor", help="An anchor file written by `evidence anchor`: check that the "
                 "custody log still extends it (nothing cut off or rewritten since)."),
]  # fmt: skip


@app.command()
def verify(db: DbOpt = None, archives: ArchivesOpt = None, anchor: AnchorOpt = None) -> None:
    """Re-hash every archived record and file the store knows, check each against the store and
    the custody log, and re-walk the custody log.

    Every mismatch is listed (file, offset, URL, expected and found); exit 1 if there is any.
    """
    if archives is not None and not archives.is_dir():
        raise _fail(f"--archives {archives}: no such folder")
    if anchor is not None and not anchor.is_file():
        raise _fail(f"--anchor {anchor}: no such file")
    from wildtrace.evidence.custody import CustodyLog, check_anchor, default_actor
    from wildtrace.evidence.verify import verify_evidence
    from wildtrace.store import open_store

    try:
        with open_store(db) as store:
            with _progress() as progress:
                task = progress.add_task("Verifying", total=None, listings=0)

                def advance(done: int, total: int) -> None:
                    progress.update(task, completed=done, total=total)

                report = verify_evidence(store, archives, on_file=advance)
            chain = report.chain
            assert chain is not None
            if anchor is not None:
                anchored = check_anchor(CustodyLog(store), anchor)
                chain = report.chain = replace(chain, problems=(*chain.problems, *anchored))
                if not anchored:
                    console.print(f"The custody log still extends the anchor {escape(str(anchor))}.")
            for number, mismatch in enumerate(report.mismatches, 1):
                if number <= _SHOWN:
                    console.print(f"[red]MISMATCH[/] {escape(str(mismatch))}", markup=True)
            for problem in chain.problems[:_SHOWN]:
                console.print(f"[red]CUSTODY[/] {escape(str(problem))}", markup=True)
            hidden = max(0, len(report.mismatches) - _SHOWN) + max(0, len(chain.problems) - _SHOWN)
            if hidden:
                console.print(f"... and {hidden:,} more problems")
            entry = CustodyLog(store).append(
                action="verify",
                subject="evidence",
                detail={"files": report.files, "records": report.records, "bytes": report.bytes,
                        "mismatches": len(report.mismatches), "custody_problems": len(chain.problems),
                        "custody_entries": chain.entries, "custody_head": chain.head},
                actor=default_actor(),
            )  # fmt: skip
            verdict = "[bold green]OK[/]" if report.ok else "[bold red]MISMATCHES FOUND[/]"
            console.print(
                f"{verdict}: {report.records:,} records in {report.files:,} WARC files "
                f"({report.bytes / 1e6:,.1f} MB) and {chain.entries:,} custody entries checked; "
                f"{len(report.mismatches):,} archive mismatches, {len(chain.problems):,} custody problems.",
                markup=True,
            )
            console.print(
                f"Custody log head before this check: {chain.head} (keep it apart from the database, "
                "or write it with `wildtrace evidence anchor --out FILE`)"
            )
            console.print(f"This check was logged as custody entry {entry.seq}, hash {entry.hash}")
    except WildTraceError as exc:
        raise failure(exc) from exc
    if not report.ok:
        raise typer.Exit(1)


#: What ``evidence export --format`` writes.
EXPORT_FORMATS = ("bundle", "wacz")
FormatOpt = Annotated[
    str,
    typer.Option("--format", help="bundle (zip: WARC, pages, custody, HTML summary, manifest) or "
                 "wacz (WACZ 1.1.1: opens in ReplayWeb.page)."),
]  # fmt: skip
ExportAgencyOpt = Annotated[
    str | None,
    typer.Option("--agency", help="Export as this agency: only the listings it may see "
                 "(default: the local agency)."),
]  # fmt: skip
AllowMarkingOpt = Annotated[
    list[str] | None,
    typer.Option("--allow-marking", help="Let material under this marking out (AMBER+STRICT, RED; "
                 "repeatable); such material is refused without it."),
]  # fmt: skip
SignKeyOpt = Annotated[
    Path | None,
    typer.Option("--sign-key", help="wacz: sign the package with this ECDSA P-256 private key (PEM)."),
]


@app.command()
def export(
    target: Annotated[str, typer.Argument(help="A listing (platform:id) or URL, a seller, platform:seller.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The file to write (.zip for a bundle, .wacz).")],
    db: DbOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
    archives: ArchivesOpt = None,
    format_: FormatOpt = "bundle",
    agency: ExportAgencyOpt = None,
    allow_marking: AllowMarkingOpt = None,
    sign_key: SignKeyOpt = None,
) -> None:
    """Hand over the captures of a listing or seller: WARC records, page list, custody, summary
    (bundle), or a WACZ package that replay tools open (wacz). Carries the strictest TLP marking
    of what it holds; AMBER+STRICT and RED material needs --allow-marking."""
    if format_ not in EXPORT_FORMATS:
        raise _fail(f"--format {format_}: use one of {', '.join(EXPORT_FORMATS)}")
    if sign_key is not None and format_ != "wacz":
        raise _fail("--sign-key signs a WACZ package; give --format wacz")
    if sign_key is not None and not sign_key.is_file():
        raise _fail(f"--sign-key {sign_key}: no such file")
    if out.exists() and not force:
        raise _fail(f"--out {out} exists; give --force to replace it")
    if out.exists() and out.is_dir():
        raise _fail(f"--out {out} is a folder; give a file name")
    from wildtrace.evidence.export import BundleResult, export_bundle
    from wildtrace.evidence.wacz import WaczResult, export_wacz
    from wildtrace.store import open_store
    from wildtrace.store.access import MarkingError, parse_marking
    from wildtrace.store.people import agency_viewer

    try:
        allowed = {parse_marking(marking) for marking in allow_marking or ()}
    except MarkingError as exc:
        raise _fail(f"--allow-marking: {exc}") from exc
    try:
        with open_store(db) as store:
            viewer = agency_viewer(store, agency)
            result: WaczResult | BundleResult
            if format_ == "wacz":
                result = export_wacz(store, target, out, force=force, archives=archives, sign_key=sign_key,
                                     viewer=viewer, allow_marking=allowed)  # fmt: skip
            else:
                result = export_bundle(store, target, out, force=force, archives=archives, viewer=viewer,
                                       allow_marking=allowed)  # fmt: skip
    except OSError as exc:
        raise _fail(f"{out}: cannot write the export: {exc.strerror or exc}") from exc
    except WildTraceError as exc:
        raise failure(exc) from exc
    for problem in result.unverified:
        console.print(f"[red]MISMATCH[/] archived record differs from the stored SHA-256: {escape(problem)}",
                      markup=True)  # fmt: skip
    for missing in sorted(set(result.missing)):
        console.print(
            f"[yellow]missing[/] WARC file not found (use --archives): {escape(missing)}", markup=True
        )
    if isinstance(result, WaczResult):
        console.print(
            f"Wrote {escape(str(result.path))} (WACZ {'signed' if result.signed else 'unsigned'}, "
            f"TLP:{result.marking}, as agency {escape(result.agency or '-')}): {result.captures:,} "
            f"captures of {result.listings:,} listings ({result.archived:,} with their WARC records).",
            markup=True,
        )
        console.print(f"WACZ SHA-256: {result.sha256}")
    else:
        console.print(
            f"Wrote {escape(str(result.path))} (TLP:{result.marking}): {result.captures:,} captures of "
            f"{result.listings:,} listings ({result.archived:,} with their WARC records), "
            f"{result.custody_entries:,} custody entries.",
            markup=True,
        )
        console.print(f"Bundle SHA-256: {result.sha256}")
    if result.unverified or result.missing:
        raise typer.Exit(1)


@app.command()
def anchor(
    out: Annotated[Path, typer.Option("--out", "-o", help="The anchor file to write (JSON).")],
    db: DbOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
) -> None:
    """Write the custody log's head (hash, entry count, time) to a file kept outside the database.

    `evidence verify --anchor FILE` later proves the log still holds that entry unchanged.
    No RFC 3161 timestamp is requested (no timestamp-authority client is installed).
    """
    from wildtrace.evidence.custody import CustodyLog, write_anchor
    from wildtrace.store import open_store

    if out.exists() and not force:
        raise _fail(f"--out {out} exists; give --force to replace it")
    try:
        with open_store(db) as store:
            written = write_anchor(CustodyLog(store), out, store.url)
    except WildTraceError as exc:
        raise failure(exc) from exc
    console.print(
        f"Anchored custody entry {written['entries']:,} (head {written['custody_head']}) "
        f"in {escape(str(out))}; keep this file apart from the database."
    )


@app.command("log")
def custody_log(
    db: DbOpt = None,
    subject: Annotated[
        list[str] | None,
        typer.Option("--subject", help="Only entries about this URL, file path, listing:ID or seller:NAME."),
    ] = None,
) -> None:
    """Print the chain-of-custody log, one JSON object per entry (stdout), oldest first."""
    from wildtrace.evidence.custody import CustodyLog
    from wildtrace.store import open_store

    try:
        with open_store(db) as store:
            for entry in CustodyLog(store).entries(subject):
                sys.stdout.write(json.dumps(entry.as_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    except WildTraceError as exc:
        raise failure(exc) from exc
