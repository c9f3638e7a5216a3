"""The streamed linking of a large store (``wildtrace.linking``) stores the same network as
the in-memory path (``scanning.link_store``), on SQLite and PostgreSQL: clusters, links and
their reasons, held-back values, analysts' judgements, and the per-account analysis."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from wildtrace import cli, linking
from wildtrace.linking import link_store_streamed
from wildtrace.model import Analysis, Detection, Listing, Selector
from wildtrace.scanning import link_store
from wildtrace.store import Store, open_store
from wildtrace.store import judgements as stored
from wildtrace.store.tables import HeldBackRow, LinkRow, NetworkMemberRow
from wildtrace.store.tables_judgements import NetworkAccountRow

DETECTION = Detection(score=0.9, flagged=True)
HELP_LINE = "+84190000001"


def _corpus(seed: int = 7, operators: int = 60) -> list[tuple[Listing, Analysis]]:
    """Operators with several accounts, shared phones and handles, a handle that is another
    seller's name, channels, listings without a seller, and a help line many accounts give."""
    rng = random.Random(seed)
    pairs: list[tuple[Listing, Analysis]] = []
    for operator in range(operators):
        pool = [("phone", f"+8491{operator:07d}", rng.choice((None, "zalo", "whatsapp")))]
        if operator % 3 == 0:
            pool.append(("telegram", f"shop{operator}", None))
        if operator % 7 == 0 and operator:
            pool.append(("phone", f"+8491{operator - 1:07d}", None))  # a partner's phone
        if operator % 11 == 0:
            pool.append(("instagram", f"seller{operator + 1}_0", None))  # another seller's name
        for account in range(rng.choice((1, 1, 2, 3))):
            platform = rng.choice(("facebook", "chotot", "shopee-vn"))
            seller = f"seller{operator}_{account}" if rng.random() > 0.1 else None
            for _ in range(rng.choice((1, 1, 2, 4))):
                uid = f"L{len(pairs):05d}"
                chosen = rng.sample(pool, k=min(len(pool), rng.choice((0, 1, 1, 2))))
                if rng.random() < 0.15:
                    chosen.append(("phone", HELP_LINE, None))
                chosen.insert(0, ("price", "100", None))  # not a linking type: positions still count
                selectors = tuple(Selector(kind, value, value, "text", 0, 1, channel)
                                  for kind, value, channel in chosen)  # fmt: skip
                pairs.append((Listing(id=uid, platform=platform, seller=seller, text="x"),
                              Analysis(uid, DETECTION, selectors)))  # fmt: skip
    return pairs


def _stored_network(store: Store) -> dict[str, Any]:
    with store.read_connection("test") as conn:
        links = sorted(tuple(row) for row in conn.execute(select(
            LinkRow.source_listing_id, LinkRow.target_listing_id, LinkRow.kind, LinkRow.value, LinkRow.reason
        )))  # fmt: skip
        members = dict(conn.execute(select(NetworkMemberRow.listing_id, NetworkMemberRow.cluster)).all())
        held = [tuple(row) for row in conn.execute(
            select(HeldBackRow.kind, HeldBackRow.value, HeldBackRow.accounts, HeldBackRow.reason)
            .order_by(HeldBackRow.id))]  # fmt: skip
        accounts = sorted(tuple(row) for row in conn.execute(select(NetworkAccountRow.__table__)))
    return {"links": links, "members": members, "held_back": held, "accounts": accounts}


def _both(store: Store, **options: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    link_store(store, **options)
    in_memory = _stored_network(store)
    summary = link_store_streamed(store, **options)
    streamed = _stored_network(store)
    assert summary.links == len(streamed["links"])
    assert summary.listings == len(streamed["members"])
    return in_memory, streamed


def test_streamed_linking_stores_the_same_network(db_url: str) -> None:
    with open_store(db_url) as store:
        store.save_batch(_corpus())
        in_memory, streamed = _both(store, max_accounts=6)
    assert streamed == in_memory
    assert any(link[2] == "telegram" for link in in_memory["links"])  # the corpus exercises every path
    assert any("the name of" in link[4] for link in in_memory["links"])
    assert any(h[1] == HELP_LINE for h in in_memory["held_back"])
    assert len(set(in_memory["members"].values())) < len(in_memory["members"])


def test_streamed_linking_applies_the_judgements_and_allow(db_url: str) -> None:
    pairs = _corpus(seed=3)
    accounts = list(dict.fromkeys(f"{x.platform}:{x.seller}" for x, _ in pairs if x.seller))
    sellerless = [f"listing:{listing.key}" for listing, _ in pairs if not listing.seller]
    by_operator: dict[str, list[str]] = {}
    for account in accounts:
        by_operator.setdefault(account.split(":")[1].split("_")[0], []).append(account)
    partners = [names for names in by_operator.values() if len(names) > 1]
    with open_store(db_url) as store:
        store.save_batch(pairs)
        stored.add_judgement(store, "reject", partners[0][0], partners[0][1], "ana", "two shops")
        stored.add_judgement(store, "reject", partners[1][1], partners[1][0], "ana")
        stored.add_judgement(store, "confirm", accounts[1], accounts[-2], "ana")
        stored.add_judgement(store, "confirm", sellerless[0], accounts[5], "bao")
        stored.add_judgement(store, "reject", "+84910000003", None, "ana", "a courier")
        in_memory, streamed = _both(store, max_accounts=3, allow=[HELP_LINE])
    assert streamed == in_memory
    assert any(link[2] == "judgement" for link in in_memory["links"])
    assert any(link[3] == HELP_LINE for link in in_memory["links"])  # allowed through the guard
    assert any("judged them different operators" in held[3] for held in in_memory["held_back"])


def test_link_command_streams_a_large_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``wildtrace link`` takes the streamed path from STREAMED_FROM listings (lowered here)."""
    db = f"sqlite:///{tmp_path / 'w.db'}"
    with open_store(db) as store:
        store.save_batch(_corpus())
        link_store(store)
        in_memory = _stored_network(store)
    monkeypatch.setattr(linking, "STREAMED_FROM", 10)
    result = CliRunner().invoke(cli.app, ["link", "--db", db])
    assert result.exit_code == 0, result.output
    assert "streamed" in result.output
    assert f"{len(in_memory['members']):,} listings, {len(in_memory['links']):,} links" in result.output
    with open_store(db) as store:
        assert _stored_network(store) == in_memory
