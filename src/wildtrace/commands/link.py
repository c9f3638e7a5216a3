"""``wildtrace link``: link listings into seller networks, with the reason for every link."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from wildtrace.commands.common import (
    EXIT_REJECTED,
    AllowOpt,
    DbOpt,
    InputsArg,
    MaxAccountsOpt,
    ThresholdOpt,
    WorkersOpt,
    console,
    failure,
    interrupted_status,
    rejects_path,
    scan_job,
    sigterm_as_interrupt,
    stopping_errors,
)
from wildtrace.config import threshold as resolve_threshold
from wildtrace.link import DEFAULT_MAX_ACCOUNTS, account_of

if TYPE_CHECKING:
    from wildtrace.model import Analysis, HeldBack, Listing, Network
    from wildtrace.scanning import ScanTotals


def link(
    inputs: InputsArg = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write one JSON object per listing ('-' for stdout)."),
    ] = None,
    db: DbOpt = None,
    max_accounts: MaxAccountsOpt = DEFAULT_MAX_ACCOUNTS,
    allow: AllowOpt = None,
    threshold: ThresholdOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Link listings into seller networks, with the reason for every link.

    With INPUT files, they are read and analyzed (nothing is stored). Without, the
    listings in the store are linked and the network is saved there.
    """
    from wildtrace.linking import STREAMED_FROM, link_store_streamed
    from wildtrace.output import link_rows
    from wildtrace.scanning import link_store, open_out
    from wildtrace.store import open_store
    from wildtrace.store.link_keys import stored_listings

    try:
        with sigterm_as_interrupt():
            level = resolve_threshold(threshold)
            rejects: Path | None = None
            if inputs:
                rejects = rejects_path(out, "link")
                pairs, network, totals = link_files(
                    inputs, out=out, rejects=rejects, threshold=level, workers=workers,
                    max_accounts=max_accounts, allow=allow or (),
                )  # fmt: skip
                rejects = rejects if totals.rejected else None
            else:
                with open_store(db) as store:
                    if out is None and stored_listings(store) >= STREAMED_FROM:
                        summary = link_store_streamed(store, max_accounts, allow or ())
                        console.print(f"Network saved in {store.url} (streamed: photos not linked)")
                        print_summary(summary.listings, summary.links, summary.networks, summary.held_back)
                        return
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
    except stopping_errors() as exc:
        raise failure(exc) from exc
    if rejects is not None:
        console.print(f"Rejected records and their reasons: [cyan]{escape(str(rejects))}[/]", markup=True)
        raise typer.Exit(EXIT_REJECTED)


def link_files(
    inputs: list[Path],
    *,
    out: Path | None,
    rejects: Path,
    threshold: float,
    workers: int | None,
    max_accounts: int,
    allow: Sequence[str],
) -> tuple[list[tuple[Listing, Analysis]], Network, ScanTotals]:
    """Read, analyse (nothing stored) and link INPUT files, for ``link`` and ``network``.

    Several captures of one page are one listing: its latest capture counts. The photos are
    read here, at the edge, and passed to linking. ``out`` is only checked against the inputs.
    """
    from wildtrace.collect.photos import listing_photos
    from wildtrace.link import link_listings
    from wildtrace.scanning import ScanTotals, latest_captures

    found: list[tuple[Listing, Analysis]] = []
    totals = ScanTotals()
    scan_job(
        inputs, out=out, store=None, threshold=threshold, workers=workers, command="link",
        write_rows=False, on_batch=found.extend, totals=totals, rejects=rejects,
    )  # fmt: skip
    pairs = latest_captures(found)
    photos = listing_photos(listing for listing, _ in pairs).by_listing
    return pairs, link_listings(pairs, max_accounts, allow, photos=photos), totals


def print_network_summary(listings: list[Listing], network: Network) -> None:
    """Listings, links, networks of two or more accounts, and the values held back."""
    accounts: dict[str, set[str]] = {}
    for listing in listings:
        owner = account_of(listing) or str(listing.key)
        accounts.setdefault(network.clusters[str(listing.key)], set()).add(owner)
    networks = sum(1 for owners in accounts.values() if len(owners) > 1)
    print_summary(len(listings), len(network.links), networks, network.held_back)


def print_summary(listings: int, links: int, networks: int, held_back: Sequence[HeldBack]) -> None:
    """The summary line of a linking and the first values held back."""
    console.print(
        f"{listings:,} listings, {links:,} links, {networks:,} networks spanning 2 or more accounts, "
        f"{len(held_back):,} shared values held back."
    )
    for held in held_back[:5]:
        console.print(f"[yellow]held back[/] {escape(held.reason)}", markup=True)
