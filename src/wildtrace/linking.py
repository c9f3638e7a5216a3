"""Linking the store at scale: the streamed path of ``wildtrace link``.

``scanning.link_store`` reads every stored listing with its whole analysis and links them in
memory (``link_listings``): right for investigations, too heavy for tens of millions. From
``STREAMED_FROM`` listings, ``link`` takes this path: the store streams each listing's
account and the link keys (``store/link_keys.py``), the union-find runs over accounts with
the guard and the analysts' judgements (``link/keys.py``), and only the listings a link
names are read to explain it (proportional to the accounts in networks of two or more, not
to the store). The network and the per-account analysis (communities and centralities of
the networks of two or more accounts) are then replaced in one transaction, in batches.

Same result as the in-memory path (tests/link/test_link_streamed.py), except that photos
are not read on this path (linking by photo needs every image hashed: run ``network`` or
``link --in-memory`` for that), and the links are stored in another order.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from wildtrace.link import (
    DEFAULT_MAX_ACCOUNTS,
    DEFAULT_SEED,
    AccountLinks,
    AccountNode,
    Judgement,
    blocked,
    build_graph,
    current_names,
    describe,
    explain,
    group_accounts,
    latest,
)
from wildtrace.model import HeldBack, Link, Listing, Network
from wildtrace.store import Store
from wildtrace.store.judgements import active_judgements
from wildtrace.store.link_keys import (
    NetworkRows,
    StoredListings,
    listing_accounts,
    read_described,
    read_link_keys,
    read_listings,
    save_network_rows,
)

#: From this many stored listings, ``link`` streams (below, it links in memory: the same
#: result, and photos too).
STREAMED_FROM = 200_000


@dataclass(frozen=True)
class LinkSummary:
    """What the streamed linking stored, for the command's summary."""

    listings: int
    links: int
    networks: int  # networks spanning two or more accounts
    held_back: tuple[HeldBack, ...]


def link_store_streamed(
    store: Store,
    max_accounts: int = DEFAULT_MAX_ACCOUNTS,
    allow: Sequence[str] = (),
    seed: int = DEFAULT_SEED,
) -> LinkSummary:
    """Link the stored listings (with the analysts' judgements) and save the network and its
    analysis, streaming: see the module docstring."""
    found = read_listings(store)
    active, first_of = _judged(store, found, active_judgements(store))
    confirmed_values = {j.first for j in active if j.second is None and j.verdict == "confirm"}
    rejected_values = {j.first: j for j in active if j.second is None and j.verdict == "reject"}
    pairs: dict[str, list[tuple[Judgement, int, int]]] = {"confirm": [], "reject": []}
    for j in active:
        if j.second is not None and j.first in first_of and j.second in first_of:
            pairs[j.verdict].append((j, first_of[j.first], first_of[j.second]))
    decided = group_accounts(
        found.accounts, found.sellers, read_link_keys(store, found.position_of), max_accounts,
        frozenset(allow) | confirmed_values, rejected_values, pairs["confirm"], pairs["reject"],
    )  # fmt: skip
    described = read_described(store, found, decided.listings_to_describe())
    judged = {str(j.id): j for j in active}
    reasons = [explain(group, target, member, described, judged) for group, target, member in decided.joins]
    held_back = tuple(decided.held_back) + tuple(
        blocked(group, first, second, described, refusal) for group, first, second, refusal in decided.blocked
    )
    links = [
        Link(str(described[target].key), str(described[member].key), reason, group.kind, group.value)
        for (group, target, member), reason in zip(decided.joins, reasons, strict=True)
    ]
    spread = Counter(decided.cluster)
    graph = build_graph(
        list(described.values()),
        Network({str(listing.key): decided.cluster[found.accounts[p]] for p, listing in described.items()},
                tuple(links), held_back),
        seed,
    )  # fmt: skip
    written = save_network_rows(store, NetworkRows(
        links=_link_rows(found, decided, reasons),
        members=((found.row_ids[p], decided.cluster[a]) for p, a in enumerate(found.accounts)),
        held_back=held_back,
        accounts=_account_rows(found, decided, graph.nodes),
    ))  # fmt: skip
    return LinkSummary(len(found.row_ids), written, sum(1 for n in spread.values() if n > 1), held_back)


def _judged(
    store: Store, found: StoredListings, judgements: Sequence[Judgement]
) -> tuple[list[Judgement], dict[str, int]]:
    """The judgements that apply (old ``listing:<id>`` names renamed, as ``link_listings``
    does) and the first listing of each account they name."""
    names = {name for j in judgements for name in (j.first, j.second) if name and j.second is not None}
    refs = sorted(name.removeprefix("listing:") for name in names if name.startswith("listing:"))
    renamed = {f"listing:{ref}": found.account_name(account)
               for ref, account in listing_accounts(store, found, refs).items()}  # fmt: skip
    active = latest(current_names(judgements, renamed))
    wanted = {name for j in active for name in (j.first, j.second) if name and j.second is not None}
    first_of: dict[str, int] = {}
    if wanted:
        seen = 0
        for position, account in enumerate(found.accounts):
            if account == seen:  # accounts are numbered in the order of their first listing
                seen += 1
                name = found.account_name(account)
                if name in wanted:
                    first_of[name] = position
    return active, first_of


def _link_rows(
    found: StoredListings, decided: AccountLinks, reasons: list[str]
) -> Iterator[tuple[int, int, str, str, str]]:
    """The links to store (listing row ids): the analysts' joins, each listing to the first
    listing of its account, then the joins through shared values."""
    ids = found.row_ids
    joins = list(zip(decided.joins, reasons, strict=True))
    for (group, target, member), reason in joins:
        if group.kind == "judgement":
            yield ids[target], ids[member], group.kind, group.value, reason
    first = array("q", [-1]) * len(found.sellers)
    said: dict[int, str] = {}
    for position, account in enumerate(found.accounts):
        if first[account] < 0:
            first[account] = position
            continue
        seller = found.sellers[account]
        if not seller:
            continue
        same = said.get(account)
        if same is None:
            owner = Listing("", found.platforms[account] or None, seller=seller)
            same = said[account] = "same " + describe(owner)
        yield ids[first[account]], ids[position], "account", found.account_name(account), same
    for (group, target, member), reason in joins:
        if group.kind != "judgement":
            yield ids[target], ids[member], group.kind, group.value, reason


def _account_rows(
    found: StoredListings, decided: AccountLinks, analysed: dict[str, AccountNode]
) -> Iterator[dict[str, object]]:
    """One network_accounts row per account: the graph's analysis for the accounts of
    networks of two or more, the obvious values for an account alone."""
    counts = Counter(found.accounts)
    for account, seller in enumerate(found.sellers):
        name = found.account_name(account)
        cluster = decided.cluster[account]
        node = analysed.get(name)
        yield {
            "account": name, "platform": found.platforms[account], "seller": seller or "",
            "listings": counts[account], "cluster": cluster,
            "community": node.community if node is not None else f"{cluster}.1",
            "degree": node.degree if node is not None else 0,
            "betweenness": node.betweenness if node is not None else 0.0,
        }  # fmt: skip
