"""Entity resolution: which listings belong to the same seller or network, and why.

Listings are joined when they come from the same account (platform + seller), when
they share a selector (phone, email, handle, wallet, IBAN), when a handle in one listing
is the account name of a seller elsewhere, when they show the same photo (perceptual
hash, ``images.py``), or when an analyst confirmed it (``judgements.py``). Every join
becomes a ``Link`` with a reason a prosecutor can read.

A selector spread over too many accounts (a marketplace's help line, a courier's number,
a template, a stock photo) is held back instead of merging strangers: the over-correlation
guard. ``allow`` (or an analyst confirming the value) overrides it. Analysts' rejections
win over every shared value: two accounts judged different never end up in one network.
"""

from __future__ import annotations

import dataclasses
import gc
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from wildtrace.link.images import MAX_DISTANCE, photo_groups
from wildtrace.link.judgements import Judgement, latest
from wildtrace.model import Analysis, HeldBack, Link, Listing, Network

#: A selector shared by more accounts than this is held back (see the module docstring).
DEFAULT_MAX_ACCOUNTS = 6

#: Selector types that identify a person or a business; others are not used for linking.
LINKING_TYPES = frozenset(
    {"phone", "email", "telegram", "wechat", "line", "instagram", "facebook", "tiktok",
     "btc", "eth", "tron", "iban", "photo"}
)  # fmt: skip
_HANDLE_TYPES = frozenset({"telegram", "wechat", "line", "instagram", "facebook", "tiktok"})

LABELS = {
    "phone": "phone", "email": "email", "telegram": "Telegram handle", "wechat": "WeChat ID",
    "line": "Line ID", "instagram": "Instagram account", "facebook": "Facebook account",
    "tiktok": "TikTok account", "btc": "Bitcoin wallet", "eth": "Ethereum wallet",
    "tron": "Tron wallet", "iban": "bank account (IBAN)", "photo": "photo",
}  # fmt: skip
_CHANNELS = {"whatsapp": "WhatsApp", "zalo": "Zalo", "viber": "Viber", "line": "Line",
             "telegram": "Telegram", "signal": "Signal", "wechat": "WeChat"}  # fmt: skip

#: Photos per listing, keyed by ``str(listing.key)``: (image reference, 64-bit perceptual hash).
Photos = Mapping[str, Sequence[tuple[str, int]]]


@dataclass(frozen=True, slots=True)
class _Group:
    kind: str
    value: str
    label: str
    members: tuple[int, ...]  # listing positions, in input order
    details: dict[int, str]  # listing position -> the app named with it, or the photo's file


class _UnionFind:
    """Union-find that refuses joins an analyst rejected (cannot-link constraints)."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.cannot: dict[int, dict[int, Judgement]] = defaultdict(dict)
        self.constrained: dict[int, list[int]] = {}  # root -> its members with constraints

    def forbid(self, first: int, second: int, judgement: Judgement) -> None:
        self.cannot[first][second] = judgement
        self.cannot[second][first] = judgement
        for item in (first, second):
            root = self.find(item)
            members = self.constrained.setdefault(root, [])
            if item not in members:
                members.append(item)

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def blocker(self, first: int, second: int) -> Judgement | None:
        """The rejection that forbids joining the networks of ``first`` and ``second``."""
        if not self.constrained:  # no rejection at all: the common case, kept cheap
            return None
        a, b = self.find(first), self.find(second)
        if a == b:
            return None
        for member in self.constrained.get(a, ()):
            for other, judgement in self.cannot[member].items():
                if self.find(other) == b:
                    return judgement
        return None

    def union(self, first: int, second: int) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            low, high = min(a, b), max(a, b)
            self.parent[high] = low
            moved = self.constrained.pop(high, None)
            if moved:
                self.constrained.setdefault(low, []).extend(moved)


def account_of(listing: Listing) -> str | None:
    """``platform:seller`` for listings that name their seller."""
    if not listing.seller:
        return None
    return f"{listing.platform or 'unknown'}:{listing.seller}"


def _old_listing_names(
    judgements: Sequence[Judgement], listings: Sequence[Listing], accounts: Sequence[str]
) -> dict[str, str]:
    """``listing:<id>`` -> the account it names now, for judgements recorded before listings
    were keyed by platform (a seller-less listing on a platform was ``listing:<id>``, it is
    ``listing:<platform>:<id>`` now). Only where one platform uses the id, the rule the
    store applies to plain ids (``store.repository.listing_row_ids``); an ambiguous old name
    matches nothing rather than the wrong listing."""
    named = {name for j in judgements for name in (j.first, j.second) if name and name.startswith("listing:")}
    wanted = {name.removeprefix("listing:") for name in named.difference(accounts)}
    if not wanted:
        return {}
    platforms: dict[str, set[str]] = defaultdict(set)
    for listing in listings:
        if listing.id in wanted:
            platforms[listing.id].add(listing.platform or "")
    return {
        f"listing:{listing.id}": account
        for listing, account in zip(listings, accounts, strict=True)
        if listing.id in wanted and listing.platform and not listing.seller
        and len(platforms[listing.id]) == 1
    }


def current_names(judgements: Sequence[Judgement], old: Mapping[str, str]) -> list[Judgement]:
    """The judgements with old listing names replaced by the accounts they name now."""
    if not old:
        return list(judgements)
    return [
        dataclasses.replace(
            j,
            first=old.get(j.first, j.first) if j.second is not None else j.first,
            second=old.get(j.second, j.second) if j.second is not None else None,
        )
        for j in judgements
    ]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Linking builds millions of small objects and frees none: Python's cyclic collector
    would rescan them all again and again (a third of the time at a million listings)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def link_listings(
    pairs: Sequence[tuple[Listing, Analysis]],
    max_accounts: int = DEFAULT_MAX_ACCOUNTS,
    allow: Collection[str] = (),
    judgements: Sequence[Judgement] = (),
    photos: Photos | None = None,
) -> Network:
    """Link listings into networks.

    ``allow`` lists selector values to use even when they are spread over more than
    ``max_accounts`` accounts (a user's override). ``judgements`` are analysts' decisions,
    which win over the automatic result. ``photos`` are the listings' image hashes
    (``str(listing.key)`` -> [(image reference, pHash)]), read and hashed by the caller (``collect.photos``):
    linking reads no file; without them, no listing is linked by photo.
    """
    with _collector_paused():
        return _link(pairs, max_accounts, allow, judgements, photos)


def _link(
    pairs: Sequence[tuple[Listing, Analysis]],
    max_accounts: int,
    allow: Collection[str],
    judgements: Sequence[Judgement],
    photos: Photos | None,
) -> Network:
    listings = [listing for listing, _ in pairs]
    accounts = [account_of(listing) or f"listing:{listing.key}" for listing in listings]
    active = latest(current_names(judgements, _old_listing_names(judgements, listings, accounts)))
    confirmed_values = {j.first for j in active if j.second is None and j.verdict == "confirm"}
    rejected_values = {j.first: j for j in active if j.second is None and j.verdict == "reject"}
    if photos is None:
        photos = {}
    groups, held_back = _groups(
        pairs, accounts, max_accounts, frozenset(allow) | confirmed_values, rejected_values, photos
    )
    union = _UnionFind(len(listings))
    first_of: dict[str, int] = {}
    for position, account in enumerate(accounts):
        first_of.setdefault(account, position)
    links: list[Link] = []
    for judgement in active:
        if judgement.second is None or judgement.verdict != "reject":
            continue
        if judgement.first in first_of and judgement.second in first_of:
            union.forbid(first_of[judgement.first], first_of[judgement.second], judgement)
    for judgement in active:
        if judgement.second is None or judgement.verdict != "confirm":
            continue
        if judgement.first in first_of and judgement.second in first_of:
            one, other = first_of[judgement.first], first_of[judgement.second]
            label = f"#{judgement.id}"
            members = (min(one, other), max(one, other))
            groups.insert(0, _Group("judgement", str(judgement.id), label, members, {}))
    judged = {str(j.id): j for j in active}
    for group in groups:
        joined = [group.members[0]]
        for member in group.members[1:]:
            if union.constrained:  # join to the first member it may join (a star otherwise)
                target = next((j for j in joined if union.blocker(j, member) is None), None)
            else:
                target = joined[0]
            if target is None:
                refusal = union.blocker(joined[0], member)
                held_back.append(blocked(group, joined[0], member, listings, refusal))
                continue
            union.union(target, member)
            joined.append(member)
            reason = explain(group, target, member, listings, judged)
            source, dest = str(listings[target].key), str(listings[member].key)
            links.append(Link(source, dest, reason, group.kind, group.value))
    clusters: dict[str, str] = {}
    names: dict[int, str] = {}
    for position, listing in enumerate(listings):
        root = union.find(position)
        names.setdefault(root, f"N{len(names) + 1:05d}")
        clusters[str(listing.key)] = names[root]
    return Network(clusters, tuple(links), tuple(held_back))


def blocked(
    group: _Group, first: int, second: int, listings: Mapping[int, Listing] | Sequence[Listing],
    judgement: Judgement | None,
) -> HeldBack:
    """The held-back note for a join an analyst's rejection refused."""
    who = judgement.describe() if judgement is not None else "an analyst"
    return HeldBack(
        group.kind, group.value, len(group.members),
        f"{group.label} {group.value} was not used to join {describe(listings[second])} to the "
        f"network of {describe(listings[first])}: {who} judged them different operators",
    )  # fmt: skip


def _groups(
    pairs: Sequence[tuple[Listing, Analysis]],
    accounts: list[str],
    max_accounts: int,
    allow: frozenset[str],
    rejected: Mapping[str, Judgement],
    photos: Photos,
) -> tuple[list[_Group], list[HeldBack]]:
    """The sets of listings to join, each with what joins them."""
    by_account: dict[str, list[int]] = defaultdict(list)
    by_selector: dict[tuple[str, str], list[int]] = defaultdict(list)
    details: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    by_name: dict[str, list[int]] = defaultdict(list)
    representative = photo_groups(photos) if photos else {}
    for position, (listing, analysis) in enumerate(pairs):
        by_account[accounts[position]].append(position)
        for selector in analysis.selectors:
            if selector.type not in LINKING_TYPES:
                continue
            key = (selector.type, selector.value)
            by_selector[key].append(position)
            if selector.channel:
                details[key].setdefault(position, _CHANNELS.get(selector.channel, selector.channel))
        for image, digest in photos.get(str(listing.key), ()):
            key = ("photo", f"{representative[digest]:016x}")
            if not by_selector[key] or by_selector[key][-1] != position:
                by_selector[key].append(position)
            details[key].setdefault(position, image)
    for members in by_account.values():  # account names, for "a handle is a seller's name"
        seller = pairs[members[0]][0].seller
        if seller:
            by_name[seller.casefold().lstrip("@")].append(members[0])
    groups = [
        _Group("account", account, "same account", tuple(members), {})
        for account, members in by_account.items()
        if len(members) > 1 and not account.startswith("listing:")
    ]
    held_back: list[HeldBack] = []
    for (kind, value), members in by_selector.items():
        if len(members) < 2 and not (kind in _HANDLE_TYPES and value in by_name):
            continue  # given once: links nothing (most values)
        if kind in _HANDLE_TYPES and value in by_name:
            members = sorted({*members, *by_name[value]})
        per_account = _one_per_account(members, accounts)
        spread = len(per_account)
        if spread < 2:
            continue
        held = guard(kind, value, spread, max_accounts, allow, rejected)
        if held is not None:
            held_back.append(held)
            continue
        label = LABELS.get(kind, kind)
        groups.append(_Group(kind, value, label, tuple(per_account), details.get((kind, value), {})))
    return groups, held_back


def guard(
    kind: str, value: str, spread: int, max_accounts: int, allow: Collection[str],
    rejected: Mapping[str, Judgement],
) -> HeldBack | None:
    """Why a value given by ``spread`` accounts must not link (an analyst rejected it, or the
    over-correlation guard holds it back), or None when it may."""
    label = LABELS.get(kind, kind)
    if value in rejected:
        return HeldBack(kind, value, spread,
                        f"{label} {value} appears in listings of {spread} different accounts; "
                        f"not used for linking: rejected by {rejected[value].describe()}")  # fmt: skip
    if spread > max_accounts and value not in allow:
        return HeldBack(kind, value, spread,
                        f"{label} {value} appears in listings of {spread} different accounts; "
                        f"held back as a likely shared service or template (more than "
                        f"{max_accounts}); allow it explicitly to link through it")  # fmt: skip
    return None


def _one_per_account(members: list[int], accounts: list[str]) -> list[int]:
    """The first listing of each account among ``members`` (accounts link on their own)."""
    seen: dict[str, int] = {}
    for position in members:  # already in input order
        seen.setdefault(accounts[position], position)
    return list(seen.values())


def describe(listing: Listing, channel: str | None = None) -> str:
    """How a reason names a listing: by its account when it has one."""
    via = f" (via {channel})" if channel else ""
    if listing.seller:
        return f"account '{listing.seller}' on {listing.platform or 'an unknown platform'}{via}"
    return f"listing {listing.id}{via}"


def explain(
    group: _Group, target: int, member: int, listings: Mapping[int, Listing] | Sequence[Listing],
    judged: Mapping[str, Judgement],
) -> str:
    """The reason of the link that ``group`` makes from listing ``target`` to ``member``
    (positions into ``listings``; ``judged``: the active judgements by id)."""
    if group.kind == "judgement":
        return (f"{describe(listings[target])} and {describe(listings[member])} are one operator: "
                f"confirmed by {judged[group.value].describe()}")  # fmt: skip
    return _reason(group, target, member, listings)


def _reason(
    group: _Group, first: int, second: int, listings: Mapping[int, Listing] | Sequence[Listing]
) -> str:
    one, other = listings[first], listings[second]
    if group.kind == "account":
        return f"same {describe(one)}"
    if group.kind == "photo":
        return (
            f"{describe(one)} and {describe(other)} show the same photo "
            f"({group.details.get(first, '?')} and {group.details.get(second, '?')}: perceptual "
            f"hashes at most {MAX_DISTANCE} of 64 bits apart, photo group {group.value})"
        )
    for giver, named in ((one, other), (other, one)):
        if (named.seller or "").casefold().lstrip("@") == group.value:
            return (
                f"{describe(giver)} gives {group.label} {group.value}, "
                f"the name of {describe(named)}"
            )
    return (
        f"{describe(one, group.details.get(first))} and "
        f"{describe(other, group.details.get(second))} both give {group.label} {group.value}"
    )
