"""``wildtrace export stix|ftm|csv|xlsx`` (what leaves, for partners and analysts) and
``wildtrace import stix`` (a partner's bundle becomes a watchlist).

Every export is made as an agency (``--agency``, the local one by default) and holds only
what that agency may see, under the markings of where it came from; RED and AMBER+STRICT
material leaves only when ``--allow-marking`` names it. Each export is written to the audit
log: what left, under which marking, for whom (``--for``), in which format, into which file
and its SHA-256. docs/exchange.md shows how to load each format into MISP, OpenCTI and Aleph.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from wildtrace.commands.common import DbOpt, console, fail, failure

if TYPE_CHECKING:
    from wildtrace.share.exportset import ExportSet
    from wildtrace.store import Store
    from wildtrace.store.access import Viewer
    from wildtrace.store.exchange import Selection

export_app = typer.Typer(
    help="Export listings, selectors, accounts and links: STIX 2.1, FollowTheMoney, CSV, Excel.",
    no_args_is_help=True,
)
import_app = typer.Typer(help="Import a partner's STIX 2.1 bundle as a watchlist.", no_args_is_help=True)

CollectionsOpt = Annotated[
    list[str] | None, typer.Option("--collection", help="Export this collection (repeatable).")
]
CasesOpt = Annotated[
    list[int] | None, typer.Option("--case", help="Export this case, by number (repeatable).")
]
NetworksOpt = Annotated[
    list[str] | None, typer.Option("--network", help="Export this network, by id (repeatable).")
]
ListingsOpt = Annotated[
    list[str] | None, typer.Option("--listing", help="Export this listing, platform:id (repeatable).")
]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="The file to write.")]
ForOpt = Annotated[
    str,
    typer.Option(
        "--for", help="Who receives it (an agency, a unit, a prosecutor): recorded in the audit log."
    ),
]
AsAgencyOpt = Annotated[
    str | None, typer.Option("--agency", help="Export as this agency [default: the local agency].")
]
AllowMarkingOpt = Annotated[
    list[str] | None,
    typer.Option("--allow-marking", help="Let material under this marking leave (RED, AMBER+STRICT); "
                 "only when the recipient may receive it."),
]  # fmt: skip
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")]


def _selection(
    collections: list[str] | None,
    cases: list[int] | None,
    networks: list[str] | None,
    listings: list[str] | None,
) -> Selection:
    from wildtrace.store.exchange import Selection

    return Selection(
        tuple(collections or ()), tuple(cases or ()), tuple(networks or ()), tuple(listings or ())
    )


def _allowed(markings: list[str] | None) -> set[str]:
    from wildtrace.store.access import MarkingError, parse_marking

    try:
        return {parse_marking(marking) for marking in markings or ()}
    except MarkingError as exc:
        raise fail(str(exc)) from exc


def _export(
    form: str,
    out: Path,
    force: bool,
    db: str | None,
    agency: str | None,
    recipient: str,
    allow: list[str] | None,
    selection: Selection,
    write: Callable[[ExportSet, Path], str],
) -> None:
    """The steps every export shares: choose as the agency, refuse what may not leave, write
    beside ``out`` and move into place (a failed export leaves no half file), audit, summarise.
    ``write`` writes the export to the path it is given and returns a summary line."""
    from wildtrace.errors import WildTraceError
    from wildtrace.evidence.archive import file_sha256
    from wildtrace.store import open_store
    from wildtrace.store.exchange import build_export
    from wildtrace.store.people import agency_viewer

    if not recipient.strip():
        raise fail("--for must say who receives the export")
    if out.exists() and not force:
        raise fail(f"--out {out} exists; give --force to replace it")
    allowed = _allowed(allow)
    try:
        with open_store(db) as store:
            viewer = agency_viewer(store, agency)
            export = build_export(store, viewer, selection, allowed)
            summary = _write_into_place(form, out, export, write)
            digest = file_sha256(out)[1] if out.is_file() else None
            _audit(store, viewer, export, selection, form, recipient, out, digest)
    except OSError as exc:
        raise fail(f"{out}: cannot write the export: {exc.strerror or exc}") from exc
    except WildTraceError as exc:
        raise failure(exc) from exc
    counts = export.counts
    console.print(
        f"Wrote {escape(str(out))} ({form}, TLP:{export.marking}) for {escape(recipient)}: "
        f"{counts['listings']:,} listings, {counts['selectors']:,} selectors, "
        f"{counts['accounts']:,} accounts, {counts['links']:,} links. {escape(summary)}"
    )
    if digest:
        console.print(f"SHA-256: {digest} (recorded in the audit log)")


def _write_into_place(
    form: str, out: Path, export: ExportSet, write: Callable[[ExportSet, Path], str]
) -> str:
    if form == "csv":  # a folder of files: the writer refuses to overwrite them itself
        return write(export, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    try:
        summary = write(export, partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def _audit(
    store: Store, viewer: Viewer, export: ExportSet, selection: Selection, form: str, recipient: str,
    out: Path, digest: str | None,
) -> None:  # fmt: skip
    from wildtrace.store.exchange import record_export

    record_export(
        store,
        viewer,
        export,
        selection=selection,
        form=form,
        recipient=recipient,
        out=str(out.resolve()),
        sha256=digest,
    )


@export_app.command("stix")
def export_stix(
    out: OutOpt,
    recipient: ForOpt,
    collection: CollectionsOpt = None,
    case: CasesOpt = None,
    network: NetworksOpt = None,
    listing: ListingsOpt = None,
    agency: AsAgencyOpt = None,
    allow_marking: AllowMarkingOpt = None,
    force: ForceOpt = False,
    db: DbOpt = None,
) -> None:
    """One STIX 2.1 bundle: observables, indicators, observed listings, linking reasons, groupings."""

    def write(export: ExportSet, path: Path) -> str:
        from wildtrace.share.stix_export import write_stix

        with path.open("w", encoding="utf-8") as handle:
            objects = write_stix(export, handle)
        return f"{objects:,} STIX objects."

    _export("stix", out, force, db, agency, recipient, allow_marking,
            _selection(collection, case, network, listing), write)  # fmt: skip


@export_app.command("ftm")
def export_ftm(
    out: OutOpt,
    recipient: ForOpt,
    collection: CollectionsOpt = None,
    case: CasesOpt = None,
    network: NetworksOpt = None,
    listing: ListingsOpt = None,
    agency: AsAgencyOpt = None,
    allow_marking: AllowMarkingOpt = None,
    force: ForceOpt = False,
    db: DbOpt = None,
) -> None:
    """FollowTheMoney entities, one JSON object per line (for Aleph and the ftm tools).

    Needs the optional extra: pip install 'wildtrace[ftm]'."""
    from wildtrace.share.ftm import MissingExtraError, require_followthemoney

    try:
        require_followthemoney()
    except MissingExtraError as exc:
        raise failure(exc) from exc

    def write(export: ExportSet, path: Path) -> str:
        from wildtrace.share.ftm import write_ftm

        with path.open("w", encoding="utf-8") as handle:
            entities = write_ftm(export, handle)
        return f"{entities:,} FollowTheMoney entities."

    _export("ftm", out, force, db, agency, recipient, allow_marking,
            _selection(collection, case, network, listing), write)  # fmt: skip


@export_app.command("csv")
def export_csv(
    out: Annotated[Path, typer.Option("--out", "-o", help="The folder to write the CSV files into.")],
    recipient: ForOpt,
    collection: CollectionsOpt = None,
    case: CasesOpt = None,
    network: NetworksOpt = None,
    listing: ListingsOpt = None,
    agency: AsAgencyOpt = None,
    allow_marking: AllowMarkingOpt = None,
    force: ForceOpt = False,
    db: DbOpt = None,
) -> None:
    """CSV files (about, listings, selectors, accounts, links) that no spreadsheet runs as formulas."""

    def write(export: ExportSet, path: Path) -> str:
        from wildtrace.share.sheets import write_csv

        rows = write_csv(export, path, force=force)
        return "Files: " + ", ".join(f"{name} ({count:,} rows)" for name, count in rows.items())

    if out.exists() and not out.is_dir():
        raise fail(f"--out {out} is a file; give a folder for the CSV files")
    _export("csv", out, True, db, agency, recipient, allow_marking,
            _selection(collection, case, network, listing), write)  # fmt: skip


@export_app.command("xlsx")
def export_xlsx(
    out: OutOpt,
    recipient: ForOpt,
    collection: CollectionsOpt = None,
    case: CasesOpt = None,
    network: NetworksOpt = None,
    listing: ListingsOpt = None,
    agency: AsAgencyOpt = None,
    allow_marking: AllowMarkingOpt = None,
    force: ForceOpt = False,
    db: DbOpt = None,
) -> None:
    """One Excel workbook (About, Listings, Selectors, Accounts, Links), marked in every sheet."""

    def write(export: ExportSet, path: Path) -> str:
        from wildtrace.share.sheets import write_xlsx

        rows = write_xlsx(export, path, force=True)
        return "Sheets: " + ", ".join(f"{name} ({count:,} rows)" for name, count in rows.items())

    _export("xlsx", out, force, db, agency, recipient, allow_marking,
            _selection(collection, case, network, listing), write)  # fmt: skip


@import_app.command("stix")
def import_stix(
    file: Annotated[Path, typer.Argument(help="A STIX 2.1 bundle (JSON), from WildTrace, MISP or OpenCTI.")],
    watchlist: Annotated[
        str | None, typer.Option("--list", "-l", help="The watchlist to fill [default: stix:FILE-NAME].")
    ] = None,
    agency: Annotated[
        str | None, typer.Option("--agency", help="Import for this agency [default: the local agency].")
    ] = None,
    tlp: Annotated[
        str | None,
        typer.Option(
            "--tlp",
            help="Marking of the watchlist when the bundle marks nothing [default: AMBER]; "
            "a stricter marking in the bundle wins.",
        ),
    ] = None,
    allow_marking: Annotated[
        list[str] | None,
        typer.Option("--allow-marking", help="Accept a bundle marked RED or AMBER+STRICT (repeatable)."),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Country of phone numbers written without +code.")
    ] = None,
    db: DbOpt = None,
) -> None:
    """Read the selectors of a partner's bundle (observables and indicator patterns) into a
    watchlist; object types that carry no selector are counted and skipped."""
    from wildtrace.errors import WildTraceError
    from wildtrace.share.stix_import import read_bundle
    from wildtrace.store import open_store
    from wildtrace.store.people import agency_viewer
    from wildtrace.store.watchlists import add_entries

    allowed = _allowed(allow_marking)
    try:
        found = read_bundle(file, region=region, default_marking=tlp)
        if found.marking in ("RED", "AMBER+STRICT") and found.marking not in allowed:
            raise fail(
                f"{file}: the bundle is marked TLP:{found.marking}; import it only if your agency may hold "
                f"it, with --allow-marking {found.marking}"
            )
        name = watchlist or f"stix:{file.stem}"
        with open_store(db) as store:
            result = add_entries(
                store, found.entries, agency_viewer(store, agency), name, found.marking,
                source=f"stix:{file.name}" + (f" ({found.source})" if found.source else ""),
            )  # fmt: skip
    except OSError as exc:
        raise fail(f"{file}: cannot read: {exc.strerror or exc}") from exc
    except WildTraceError as exc:
        raise failure(exc) from exc
    for problem in found.problems[:20]:
        console.print(f"[yellow]not imported[/] {escape(problem)}", markup=True)
    skipped = ", ".join(f"{kind} {count:,}" for kind, count in sorted(found.skipped.items()))
    console.print(
        f"{file}: {found.objects:,} objects read; {result.added:,} entries added to watchlist "
        f"{escape(name)} (TLP:{found.marking}), {result.already:,} already there, "
        f"{len(found.problems):,} values not understood; skipped: {escape(skipped) or 'none'}. "
        f"[bold red]{result.alerts:,}[/] alerts on stored listings.",
        markup=True,
    )
    if found.problems:
        raise typer.Exit(1)
