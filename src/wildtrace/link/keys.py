"""Linking at scale: a union-find over accounts, fed with link keys (value -> listings).

``link_listings`` holds every listing and its analysis in memory, which a store of
millions cannot afford. Here the caller (``wildtrace.linking``) streams what linking needs
and nothing else: each listing's account, and for each linking value (selector type and
value, or a photo group) the listings that give it, one key at a time. Listings of one
account are always one network, so the union-find runs over accounts; a value given by
fewer than two accounts is dropped as soon as it has been read (most are), and only the
listings a link joins are ever described in a reason: the caller fetches those, in batches,
after ``group_accounts`` has decided.

The result is the same as ``link_listings`` on the same listings: the same groups in the
same order, the same guard, the same judgements, the same reasons (resolve.py writes
them) and the same network names (tests/link/test_link_streamed.py compares the two).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from wildtrace.link.judgements import Judgement
from wildtrace.link.resolve import _CHANNELS, _HANDLE_TYPES, LABELS, _Group, _UnionFind, guard
from wildtrace.model import HeldBack

#: One key: (selector type, value, [(listing position, order within the listing, detail)]),
#: occurrences in listing order. ``order`` is the selector's position among the listing's
#: selectors (photos after them); ``detail`` is the app named with it, or the photo's file.
LinkKey = tuple[str, str, Sequence[tuple[int, int, str | None]]]

#: A photo is keyed after every selector of its listing, as ``link_listings`` reads them.
PHOTO_ORDER = 1 << 30


@dataclass
class AccountLinks:
    """What linking decided, by listing position: the joins to explain and the clusters.

    ``joins`` are (group, target, member) in link order: ``resolve.explain`` words each.
    ``blocked`` are joins an analyst's rejection refused, with that judgement (or None).
    ``held_back`` are the values the guard or an analyst held back, in order, before the
    blocked ones. ``cluster`` names each account's network (``N00001``...), by account.
    """

    joins: list[tuple[_Group, int, int]] = field(default_factory=list)
    blocked: list[tuple[_Group, int, int, Judgement | None]] = field(default_factory=list)
    held_back: list[HeldBack] = field(default_factory=list)
    cluster: list[str] = field(default_factory=list)

    def listings_to_describe(self) -> set[int]:
        """The listing positions that a reason names: the only ones the caller must fetch."""
        wanted = {position for _, target, member in self.joins for position in (target, member)}
        wanted.update(position for _, first, second, _ in self.blocked for position in (first, second))
        return wanted


def group_accounts(
    accounts: Sequence[int],
    sellers: Sequence[str | None],
    keys: Iterable[LinkKey],
    max_accounts: int,
    allow: Collection[str] = (),
    rejected: Mapping[str, Judgement] | None = None,
    confirmed: Sequence[tuple[Judgement, int, int]] = (),
    refused: Sequence[tuple[Judgement, int, int]] = (),
) -> AccountLinks:
    """Join accounts through the values they share, with the over-correlation guard.

    ``accounts[p]`` is the account of listing ``p`` (accounts numbered by their first
    listing, as ``link_listings`` meets them); ``sellers[a]`` the seller name of account
    ``a`` (None: a listing without a seller). ``keys`` are the link keys (``LinkKey``), in
    any order. ``allow`` and ``rejected``: values to link through whatever their spread, and
    values an analyst rejected. ``confirmed`` and ``refused`` are the analysts' judgements on
    two accounts, each with the first listing of both, in the order they apply.
    """
    first_listing: list[int] = []
    for position, account in enumerate(accounts):
        if account == len(first_listing):
            first_listing.append(position)
    by_name: dict[str, list[int]] = defaultdict(list)  # "a handle is a seller's name"
    for account, seller in enumerate(sellers):
        if seller:
            by_name[seller.casefold().lstrip("@")].append(first_listing[account])
    found: list[tuple[tuple[int, int], _Group | HeldBack]] = []
    for kind, value, occurrences in keys:
        named = by_name.get(value) if kind in _HANDLE_TYPES else None
        if len(occurrences) < 2 and not named:
            continue  # given once: links nothing (most values)
        members = [position for position, _, _ in occurrences]
        if named:
            members = sorted({*members, *named})
        per_account: dict[int, int] = {}
        for position in members:
            per_account.setdefault(accounts[position], position)
        if len(per_account) < 2:
            continue
        first = min(occurrences, key=lambda occurrence: occurrence[:2])
        held = guard(kind, value, len(per_account), max_accounts, allow, rejected or {})
        if held is not None:
            found.append(((first[0], first[1]), held))
            continue
        details: dict[int, str] = {}
        for position, _, detail in occurrences:
            if detail is not None:  # a channel as investigators name it ("zalo": Zalo), or a photo's file
                details.setdefault(position, detail if kind == "photo" else _CHANNELS.get(detail, detail))
        group = _Group(kind, value, LABELS.get(kind, kind), tuple(per_account.values()), details)
        found.append(((first[0], first[1]), group))
    found.sort(key=lambda item: item[0])
    result = AccountLinks(held_back=[item for _, item in found if isinstance(item, HeldBack)])
    groups = [
        _Group("judgement", str(judgement.id), f"#{judgement.id}", (min(one, other), max(one, other)), {})
        for judgement, one, other in reversed(confirmed)
    ] + [item for _, item in found if isinstance(item, _Group)]
    _join(result, groups, accounts, len(first_listing), refused)
    return result


def _join(
    result: AccountLinks,
    groups: list[_Group],
    accounts: Sequence[int],
    size: int,
    refused: Sequence[tuple[Judgement, int, int]],
) -> None:
    """Union the accounts of each group, first to last, refusing what an analyst rejected;
    then name each account's network by the order its first listing comes in."""
    union = _UnionFind(size)
    for judgement, one, other in refused:
        union.forbid(accounts[one], accounts[other], judgement)
    for group in groups:
        joined = [group.members[0]]
        for member in group.members[1:]:
            if union.constrained:  # join to the first member it may join (a star otherwise)
                account = accounts[member]
                target = next((j for j in joined if union.blocker(accounts[j], account) is None), None)
            else:
                target = joined[0]
            if target is None:
                refusal = union.blocker(accounts[joined[0]], accounts[member])
                result.blocked.append((group, joined[0], member, refusal))
                continue
            union.union(accounts[target], accounts[member])
            joined.append(member)
            result.joins.append((group, target, member))
    names: dict[int, str] = {}
    for account in range(size):  # accounts are numbered in the order of their first listing
        root = union.find(account)
        names.setdefault(root, f"N{len(names) + 1:05d}")
        result.cluster.append(names[root])
