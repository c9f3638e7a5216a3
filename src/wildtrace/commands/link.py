"""``wildtrace link``: link listings into seller networks, with the reason for every link."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError

from wildtrace.collect.photos import listing_photos
from wildtrace.commands.common import (
    EXIT_REJECTED,
    DbOpt,
    InputsArg,
    ThresholdOpt,
    WorkersOpt,
    console,
    failure,
    interrupted_status,
    rejects_path,
    scan_job,
    sigterm_as_interrupt,
)
from wildtrace.config import threshold as resolve_threshold
from wildtrace.errors import WildTraceError
from wildtrace.link import DEFAULT_MAX_ACCOUNTS, account_of, link_listings
from wildtrace.model import Analysis, Listing, Network
from wildtrace.output import link_rows
from wildtrace.scanning import ScanTotals, latest_captures, link_store, open_out
from wildtrace.store import open_store


def link(
    inputs: InputsArg = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write one JSON object per listing ('-' for stdout)."),
    ] = None,
    db: DbOpt = None,
    max_accounts: Annotated[
        int,
        typer.Option("--max-accounts", min=1, help="Hold back a selector shared by more accounts than this."),
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
        with sigterm_as_interrupt():
            level = resolve_threshold(threshold)
            rejects: Path | None = None
            if inputs:
                pairs: list[tuple[Listing, Analysis]] = []
                totals, rejects = ScanTotals(), rejects_path(out, "link")
                scan_job(
                    inputs, out=out, store=None, threshold=level, workers=workers, command="link",
                    write_rows=False, on_batch=pairs.extend, totals=totals, rejects=rejects,
                )  # fmt: skip
                rejects = rejects if totals.rejected else None
                # several captures of one page are one listing: its latest capture counts
                pairs = latest_captures(pairs)
                photos = listing_photos(listing for listing, _ in pairs).by_listing
                network = link_listings(pairs, max_accounts, allow or (), photos=photos)
            else:
                with open_store(db) as store:
                    linked = link_store(store, max_accounts, allow or ())
                    pairs, network = linked.pairs, linked.network
                    console.print(f"Network saved in {store.url}")
            listings = [listing for listing, _ in pairs]
            with open_out(out) as sink:
                if sink is not None:
                    for row in link_rows(listings, network):
                        sink.write(json.dumps(row, ensure_ascii=False) + "\n")
            print_network_summary(listings, network)
    except KeyboardInterrupt as stop:
        raise typer.Exit(interrupted_status(stop)) from None
    except (WildTraceError, SQLAlchemyError) as exc:
        raise failure(exc) from exc
    if rejects is not None:
        console.print(f"Rejected records and their reasons: [cyan]{escape(str(rejects))}[/]", markup=True)
        raise typer.Exit(EXIT_REJECTED)


def print_network_summary(listings: list[Listing], network: Network) -> None:
    """Listings, links, networks of two or more accounts, and the values held back."""
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
