"""link_listings(): networks of listings, each join with a reason, and the over-correlation guard."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st
from link_helpers import link_listings

from wildtrace.link import DEFAULT_MAX_ACCOUNTS, account_of
from wildtrace.link import link_listings as link_listings_by_key
from wildtrace.model import Analysis, Detection, HeldBack, Link, Listing, Network, Selector

DETECTION = Detection(score=0.9, flagged=True)
PHONE = "+84912345678"


def _sel(kind: str, value: str, channel: str | None = None) -> Selector:
    return Selector(kind, value, value, "text", 0, len(value), channel)


def _pair(
    listing_id: str,
    *selectors: Selector,
    platform: str | None = None,
    seller: str | None = None,
) -> tuple[Listing, Analysis]:
    listing = Listing(id=listing_id, platform=platform, seller=seller)
    return listing, Analysis(listing_id, DETECTION, tuple(selectors))


# -- account_of ------------------------------------------------------------------------------


def test_account_of() -> None:
    assert account_of(Listing(id="a", platform="facebook", seller="Ngà Voi")) == "facebook:Ngà Voi"
    assert account_of(Listing(id="a", seller="Ngà Voi")) == "unknown:Ngà Voi"
    assert account_of(Listing(id="a", platform="facebook")) is None
    assert account_of(Listing(id="a", platform="facebook", seller="")) is None


# -- joins and their reasons -------------------------------------------------------------------


def test_listings_of_one_account_are_linked() -> None:
    network = link_listings(
        [
            _pair("a", platform="facebook", seller="Ngà Voi HN"),
            _pair("b", platform="facebook", seller="Ngà Voi HN"),
            _pair("c", platform="facebook", seller="Ngà Voi HN"),
        ]
    )
    assert network == Network(
        clusters={"a": "N00001", "b": "N00001", "c": "N00001"},
        links=(
            Link("a", "b", "same account 'Ngà Voi HN' on facebook", "account", "facebook:Ngà Voi HN"),
            Link("a", "c", "same account 'Ngà Voi HN' on facebook", "account", "facebook:Ngà Voi HN"),
        ),
        held_back=(),
    )


def test_same_seller_name_on_two_platforms_is_not_the_same_account() -> None:
    network = link_listings(
        [_pair("a", platform="facebook", seller="ivory88"), _pair("b", platform="chotot", seller="ivory88")]
    )
    assert network.links == ()
    assert network.clusters == {"a": "N00001", "b": "N00002"}


def test_shared_phone_across_platforms_links_with_a_readable_reason() -> None:
    network = link_listings(
        [
            _pair("a", _sel("phone", PHONE, "zalo"), platform="facebook", seller="Ngà Voi HN"),
            _pair("b", _sel("phone", PHONE, "whatsapp"), platform="chotot", seller="ngavoi88"),
        ]
    )
    (link,) = network.links
    assert (link.source, link.target, link.kind, link.value) == ("a", "b", "phone", PHONE)
    assert link.reason == (
        "account 'Ngà Voi HN' on facebook (via Zalo) and account 'ngavoi88' on chotot (via WhatsApp) "
        f"both give phone {PHONE}"
    )
    assert network.clusters == {"a": "N00001", "b": "N00001"}


def test_reason_names_listings_without_a_seller_and_other_selector_types() -> None:
    network = link_listings(
        [
            _pair("x1", _sel("btc", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")),
            _pair("x2", _sel("btc", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"), seller="horn"),
        ]
    )
    (link,) = network.links
    assert link.reason == (
        "listing x1 and account 'horn' on an unknown platform both give Bitcoin wallet "
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    )


def test_a_selector_repeated_within_one_account_does_not_link_it_to_itself() -> None:
    network = link_listings(
        [
            _pair("a", _sel("email", "x@example.com"), platform="p", seller="s"),
            _pair("b", _sel("email", "x@example.com"), platform="p", seller="s"),
        ]
    )
    assert [(link.kind, link.source, link.target) for link in network.links] == [("account", "a", "b")]


def test_handle_given_in_one_listing_is_the_account_name_of_another() -> None:
    network = link_listings(
        [
            _pair("d", _sel("telegram", "hornshop")),
            _pair("e", platform="telegram", seller="@HornShop"),
            _pair("f", platform="facebook", seller="someone else"),
        ]
    )
    assert network.links == (
        Link(
            "d", "e",
            "listing d gives Telegram handle hornshop, the name of account '@HornShop' on telegram",
            "telegram", "hornshop",
        ),
    )  # fmt: skip
    assert network.clusters == {"d": "N00001", "e": "N00001", "f": "N00002"}


def test_the_account_named_by_a_handle_may_come_first() -> None:
    network = link_listings(
        [
            _pair("e", platform="instagram", seller="ivory.shop"),
            _pair("d", _sel("instagram", "ivory.shop"), platform="chotot", seller="ban_nga"),
        ]
    )
    (link,) = network.links
    assert (link.source, link.target) == ("e", "d")
    assert link.reason == (
        "account 'ban_nga' on chotot gives Instagram account ivory.shop, "
        "the name of account 'ivory.shop' on instagram"
    )


def test_non_linking_selector_types_are_ignored() -> None:
    network = link_listings([_pair("a", _sel("price", "500")), _pair("b", _sel("price", "500"))])
    assert network.links == ()
    assert network.clusters == {"a": "N00001", "b": "N00002"}


def test_listings_with_no_seller_and_no_selectors_are_singletons() -> None:
    network = link_listings([_pair("a"), _pair("b"), _pair("c")])
    assert network == Network({"a": "N00001", "b": "N00002", "c": "N00003"}, (), ())


def test_empty_input() -> None:
    assert link_listings([]) == Network({}, (), ())


# -- groups, stars and clusters -------------------------------------------------------------


def _network_of_five() -> Network:
    return link_listings(
        [
            _pair("s1"),
            _pair("p1", _sel("phone", PHONE)),
            _pair("p2", _sel("phone", PHONE), _sel("email", "x@example.com")),
            _pair("s2", platform="olx", seller="alone"),
            _pair("p3", _sel("phone", PHONE)),
            _pair("p4", _sel("email", "x@example.com")),
        ]
    )


def test_a_group_is_a_star_from_its_first_member() -> None:
    network = _network_of_five()
    phone = [(link.source, link.target) for link in network.links if link.kind == "phone"]
    email = [(link.source, link.target) for link in network.links if link.kind == "email"]
    assert phone == [("p1", "p2"), ("p1", "p3")]  # three members, two links
    assert email == [("p2", "p4")]
    assert len(network.links) == 3


def test_cluster_ids_follow_first_appearance_and_are_shared_within_a_network() -> None:
    network = _network_of_five()
    assert network.clusters == {
        "s1": "N00001",
        "p1": "N00002",
        "p2": "N00002",
        "s2": "N00003",
        "p3": "N00002",
        "p4": "N00002",
    }
    assert [link.target for link in network.links if "p2" in (link.source, link.target)] == ["p2", "p4"]


def test_linking_is_deterministic() -> None:
    assert _network_of_five() == _network_of_five()


# -- the over-correlation guard --------------------------------------------------------------


def _shared_by(count: int, value: str = "+842838221111") -> list[tuple[Listing, Analysis]]:
    return [
        _pair(f"l{i}", _sel("phone", value), platform="chotot", seller=f"seller{i}") for i in range(count)
    ]


def test_a_value_shared_by_max_accounts_is_used() -> None:
    network = link_listings(_shared_by(DEFAULT_MAX_ACCOUNTS))
    assert len(network.links) == DEFAULT_MAX_ACCOUNTS - 1
    assert set(network.clusters.values()) == {"N00001"}
    assert network.held_back == ()


def test_a_value_shared_by_more_accounts_is_held_back_with_a_reason() -> None:
    network = link_listings(_shared_by(DEFAULT_MAX_ACCOUNTS + 1))
    assert network.links == ()
    assert len(set(network.clusters.values())) == DEFAULT_MAX_ACCOUNTS + 1
    assert network.held_back == (
        HeldBack(
            "phone", "+842838221111", 7,
            "phone +842838221111 appears in listings of 7 different accounts; held back as a likely "
            "shared service or template (more than 6); allow it explicitly to link through it",
        ),
    )  # fmt: skip


def test_allow_overrides_the_guard() -> None:
    network = link_listings(_shared_by(DEFAULT_MAX_ACCOUNTS + 1), allow=["+842838221111"])
    assert network.held_back == ()
    assert len(network.links) == DEFAULT_MAX_ACCOUNTS
    assert set(network.clusters.values()) == {"N00001"}


def test_custom_max_accounts() -> None:
    network = link_listings(_shared_by(3), max_accounts=2)
    assert [(h.value, h.accounts) for h in network.held_back] == [("+842838221111", 3)]
    assert network.links == ()


def test_the_guard_counts_accounts_not_listings() -> None:
    pairs = [_pair(f"l{i}", _sel("phone", PHONE), platform="p", seller=f"s{i % 2}") for i in range(10)]
    network = link_listings(pairs, max_accounts=2)
    assert network.held_back == ()
    assert set(network.clusters.values()) == {"N00001"}
    phone_links = [link for link in network.links if link.kind == "phone"]
    assert [(link.source, link.target) for link in phone_links] == [("l0", "l1")]
    # each account's five listings are joined by a star of four account links
    assert len(network.links) == 1 + 4 + 4


def test_a_held_back_value_does_not_stop_other_links() -> None:
    pairs = _shared_by(8)
    pairs.append(_pair("extra", _sel("email", "a@b.co"), _sel("phone", "+842838221111")))
    pairs.append(_pair("extra2", _sel("email", "a@b.co")))
    network = link_listings(pairs)
    assert [(link.source, link.target, link.kind) for link in network.links] == [("extra", "extra2", "email")]
    assert [h.accounts for h in network.held_back] == [9]


# -- property: clusters are exactly the connected parts of what joins listings -------------

_PLATFORMS = st.sampled_from([None, "facebook", "chotot", "telegram"])
_SELLERS = st.sampled_from([None, "ivory88", "hornshop", "@HornShop", "Ngà Voi"])
_SELECTORS = st.sampled_from(
    [
        _sel("phone", "+84912345678"),
        _sel("phone", "+84987654321", "zalo"),
        _sel("email", "x@example.com"),
        _sel("telegram", "hornshop"),
        _sel("instagram", "ivory88"),
        _sel("eth", "0xabc"),
        _sel("price", "500"),
    ]
)


@st.composite
def _pairs(draw: st.DrawFn) -> list[tuple[Listing, Analysis]]:
    count = draw(st.integers(min_value=0, max_value=14))
    return [
        _pair(
            f"id{i}",
            *draw(st.lists(_SELECTORS, max_size=3)),
            platform=draw(_PLATFORMS),
            seller=draw(_SELLERS),
        )
        for i in range(count)
    ]


def _reference_partition(
    pairs: list[tuple[Listing, Analysis]], max_accounts: int, allow: frozenset[str]
) -> set[frozenset[str]]:
    """The expected clusters, computed without the module's code."""
    ids = [listing.id for listing, _ in pairs]
    parent = {listing_id: listing_id for listing_id in ids}

    def root(item: str) -> str:
        while parent[item] != item:
            item = parent[item]
        return item

    def join(members: list[str]) -> None:
        for other in members[1:]:
            parent[root(other)] = root(members[0])

    account = {listing.id: account_of(listing) or f"listing:{listing.id}" for listing, _ in pairs}
    by_account: dict[str, list[str]] = defaultdict(list)
    for listing_id in ids:
        by_account[account[listing_id]].append(listing_id)
    for members in by_account.values():
        join(members)
    linking = {"phone", "email", "telegram", "instagram", "eth"}
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for listing, analysis in pairs:
        for selector in analysis.selectors:
            if selector.type in linking:
                holders[(selector.type, selector.value)].add(listing.id)
    for (kind, value), members in holders.items():
        if kind in ("telegram", "instagram"):
            members |= {
                listing.id for listing, _ in pairs
                if listing.seller and listing.seller.casefold().lstrip("@") == value
            }  # fmt: skip
        spread = len({account[m] for m in members})
        if spread >= 2 and (spread <= max_accounts or value in allow):
            join(sorted(members))
    parts: dict[str, set[str]] = defaultdict(set)
    for listing_id in ids:
        parts[root(listing_id)].add(listing_id)
    return {frozenset(part) for part in parts.values()}


@settings(max_examples=200, deadline=None)
@given(
    _pairs(),
    st.integers(min_value=1, max_value=4),
    st.sets(st.sampled_from(["+84912345678", "hornshop", "x@example.com"]), max_size=2),
)
def test_clusters_partition_the_listings_consistently_with_the_links(
    pairs: list[tuple[Listing, Analysis]], max_accounts: int, allow: set[str]
) -> None:
    network = link_listings(pairs, max_accounts=max_accounts, allow=allow)
    ids = [listing.id for listing, _ in pairs]
    assert list(network.clusters) == ids
    # both ends of every link share a cluster
    for link in network.links:
        assert network.clusters[link.source] == network.clusters[link.target]
        assert link.source != link.target
        assert link.reason
    # clusters are the connected components of the links, no more and no less
    parent = {listing_id: listing_id for listing_id in ids}

    def root(item: str) -> str:
        while parent[item] != item:
            item = parent[item]
        return item

    for link in network.links:
        parent[root(link.target)] = root(link.source)
    by_links: dict[str, set[str]] = defaultdict(set)
    by_cluster: dict[str, set[str]] = defaultdict(set)
    for listing_id in ids:
        by_links[root(listing_id)].add(listing_id)
        by_cluster[network.clusters[listing_id]].add(listing_id)
    clusters = {frozenset(part) for part in by_cluster.values()}
    assert {frozenset(part) for part in by_links.values()} == clusters
    # a spanning forest: one link fewer than members per cluster, at the least
    assert len(network.links) >= len(ids) - len(clusters)
    # and they are what the joins described in the module docstring give
    assert clusters == _reference_partition(pairs, max_accounts, frozenset(allow))
    # cluster ids are numbered in order of first appearance
    seen: list[str] = []
    for listing_id in ids:
        if network.clusters[listing_id] not in seen:
            seen.append(network.clusters[listing_id])
    assert seen == [f"N{n:05d}" for n in range(1, len(seen) + 1)]
    # everything held back really is spread wider than allowed
    for held in network.held_back:
        assert held.accounts > max_accounts
        assert held.value not in allow
    assert link_listings(pairs, max_accounts=max_accounts, allow=allow) == network


def test_the_same_id_on_two_platforms_is_two_listings_named_by_key() -> None:
    """Ids are unique per platform only (issue 10, finding 6): linking keys listings by
    ``platform:id`` (the plain id for a listing that names no platform)."""
    network = link_listings_by_key(
        [_pair("123", _sel("phone", PHONE), platform="shop-a", seller="x"),
         _pair("123", _sel("phone", PHONE), platform="shop-b", seller="y"),
         _pair("123", platform=None, seller=None)]
    )  # fmt: skip
    assert network.clusters == {"shop-a:123": "N00001", "shop-b:123": "N00001", "123": "N00002"}
    assert [(link.source, link.target) for link in network.links] == [("shop-a:123", "shop-b:123")]
