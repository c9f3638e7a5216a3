"""Entity resolution: which listings belong to the same seller or network, and why.

Listings are joined when they come from the same account (platform + seller), when
they share a selector (phone, email, handle, wallet), or when a handle in one listing
is the account name of a seller elsewhere. Every join becomes a ``Link`` with a reason
a prosecutor can read. A selector spread over too many accounts (a marketplace's help
line, a courier's number, a template) is held back instead of merging strangers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from wildtrace.model import Analysis, HeldBack, Link, Listing, Network

#: A selector shared by more accounts than this is held back (see the module docstring).
DEFAULT_MAX_ACCOUNTS = 6

#: Selector types that identify a person or a business; others are not used for linking.
LINKING_TYPES = frozenset(
    {"phone", "email", "telegram", "wechat", "line", "instagram", "facebook", "tiktok",
     "btc", "eth", "tron", "iban"}
)  # fmt: skip
_HANDLE_TYPES = frozenset({"telegram", "wechat", "line", "instagram", "facebook", "tiktok"})

_LABELS = {
    "phone": "phone", "email": "email", "telegram": "Telegram handle", "wechat": "WeChat ID",
    "line": "Line ID", "instagram": "Instagram account", "facebook": "Facebook account",
    "tiktok": "TikTok account", "btc": "Bitcoin wallet", "eth": "Ethereum wallet",
    "tron": "Tron wallet", "iban": "bank account (IBAN)",
}  # fmt: skip
_CHANNELS = {"whatsapp": "WhatsApp", "zalo": "Zalo", "viber": "Viber", "line": "Line"}


@dataclass(frozen=True, slots=True)
class _Group:
    kind: str
    value: str
    label: str
    members: tuple[int, ...]  # listing positions, in input order
    channels: dict[int, str]  # listing position -> the app named with the selector there


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, first: int, second: int) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def account_of(listing: Listing) -> str | None:
    """``platform:seller`` for listings that name their seller."""
    if not listing.seller:
        return None
    return f"{listing.platform or 'unknown'}:{listing.seller}"


def link_listings(
    pairs: Sequence[tuple[Listing, Analysis]],
    max_accounts: int = DEFAULT_MAX_ACCOUNTS,
    allow: Collection[str] = (),
) -> Network:
    """Link listings into networks. ``allow`` lists selector values to use even when
    they are spread over more than ``max_accounts`` accounts (a user's override)."""
    listings = [listing for listing, _ in pairs]
    accounts = [account_of(listing) or f"listing:{listing.id}" for listing in listings]
    groups, held_back = _groups(pairs, accounts, max_accounts, frozenset(allow))
    union = _UnionFind(len(listings))
    links: list[Link] = []
    for group in groups:
        hub = group.members[0]
        for member in group.members[1:]:
            union.union(hub, member)
            links.append(
                Link(listings[hub].id, listings[member].id,
                     _reason(group, hub, member, listings), group.kind, group.value)
            )  # fmt: skip
    clusters: dict[str, str] = {}
    names: dict[int, str] = {}
    for position, listing in enumerate(listings):
        root = union.find(position)
        names.setdefault(root, f"N{len(names) + 1:05d}")
        clusters[listing.id] = names[root]
    return Network(clusters, tuple(links), tuple(held_back))


def _groups(
    pairs: Sequence[tuple[Listing, Analysis]],
    accounts: list[str],
    max_accounts: int,
    allow: frozenset[str],
) -> tuple[list[_Group], list[HeldBack]]:
    """The sets of listings to join, each with what joins them."""
    by_account: dict[str, list[int]] = defaultdict(list)
    by_selector: dict[tuple[str, str], list[int]] = defaultdict(list)
    channels: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    by_name: dict[str, list[int]] = defaultdict(list)
    for position, (listing, analysis) in enumerate(pairs):
        by_account[accounts[position]].append(position)
        if listing.seller:
            by_name[listing.seller.casefold().lstrip("@")].append(position)
        for selector in analysis.selectors:
            if selector.type not in LINKING_TYPES:
                continue
            key = (selector.type, selector.value)
            by_selector[key].append(position)
            if selector.channel:
                channels[key].setdefault(position, _CHANNELS.get(selector.channel, selector.channel))
    groups = [
        _Group("account", account, "same account", tuple(members), {})
        for account, members in by_account.items()
        if len(members) > 1 and not account.startswith("listing:")
    ]
    held_back: list[HeldBack] = []
    for (kind, value), members in by_selector.items():
        if kind in _HANDLE_TYPES and value in by_name:
            members = sorted({*members, *by_name[value]})
        per_account = _one_per_account(members, accounts)
        spread = len(per_account)
        if spread < 2:
            continue
        label = _LABELS.get(kind, kind)
        if spread > max_accounts and value not in allow:
            held_back.append(
                HeldBack(kind, value, spread,
                         f"{label} {value} appears in listings of {spread} different accounts; "
                         f"held back as a likely shared service or template (more than "
                         f"{max_accounts}); allow it explicitly to link through it")
            )  # fmt: skip
            continue
        groups.append(_Group(kind, value, label, tuple(per_account), channels.get((kind, value), {})))
    return groups, held_back


def _one_per_account(members: list[int], accounts: list[str]) -> list[int]:
    """The first listing of each account among ``members`` (accounts link on their own)."""
    seen: dict[str, int] = {}
    for position in sorted(members):
        seen.setdefault(accounts[position], position)
    return list(seen.values())


def _describe(listing: Listing, channel: str | None = None) -> str:
    via = f" (via {channel})" if channel else ""
    if listing.seller:
        return f"account '{listing.seller}' on {listing.platform or 'an unknown platform'}{via}"
    return f"listing {listing.id}{via}"


def _reason(group: _Group, first: int, second: int, listings: list[Listing]) -> str:
    one, other = listings[first], listings[second]
    if group.kind == "account":
        return f"same {_describe(one)}"
    for giver, named in ((one, other), (other, one)):
        if (named.seller or "").casefold().lstrip("@") == group.value:
            return (
                f"{_describe(giver)} gives {group.label} {group.value}, "
                f"the name of {_describe(named)}"
            )
    return (
        f"{_describe(one, group.channels.get(first))} and "
        f"{_describe(other, group.channels.get(second))} both give {group.label} {group.value}"
    )
