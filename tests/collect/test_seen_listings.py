"""The duplicate-id check in bounded memory: on disk past its limit, with the same answers."""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from wildtrace.collect.seen import FirstSeen, SeenListings
from wildtrace.model import ListingKey, Origin, Reject
from wildtrace.scanning import ScanTotals, read_listings

# (platform, id, sha256 or None): few values, so keys and captures repeat often
reads = st.lists(
    st.tuples(
        st.sampled_from([None, "", "market.test", "shop"]),
        st.sampled_from(["1", "2", "x:y", "é"]),
        st.sampled_from([None, "aa", "bb"]),
    ),
    max_size=40,
)


def reference(items: list[tuple[str | None, str, str | None]]) -> list[FirstSeen | None]:
    """The unbounded rule, as scanning.read_listings kept it in two dicts."""
    first: dict[ListingKey, Origin] = {}
    captures: dict[ListingKey, set[str]] = {}
    answers: list[FirstSeen | None] = []
    for line, (platform, uid, sha256) in enumerate(items, start=1):
        key = ListingKey(platform, uid)
        if key in first:
            known = captures.get(key)
            if sha256 is None or known is None or sha256 in known:
                answers.append(FirstSeen(first[key]))
                continue
        first.setdefault(key, Origin("in.jsonl", line))
        if sha256 is not None:
            captures.setdefault(key, set()).add(sha256)
        answers.append(None)
    return answers


@settings(max_examples=150, deadline=None)
@given(reads, st.sampled_from([0, 1, 3, 1000]))
def test_answers_are_those_of_the_unbounded_check_at_any_limit(
    items: list[tuple[str | None, str, str | None]], limit: int
) -> None:
    with SeenListings(limit) as seen:
        answers = [
            seen.add(ListingKey(platform, uid), Origin("in.jsonl", line), sha256)
            for line, (platform, uid, sha256) in enumerate(items, start=1)
        ]
    assert answers == reference(items)


def test_keys_move_to_a_temporary_file_past_the_limit_and_it_is_removed(tmp_path: Path) -> None:
    seen = SeenListings(limit=2)
    assert seen.add(ListingKey("p", "1"), Origin("a.jsonl", 1), None) is None
    assert seen.add(ListingKey("p", "2"), None, "s1") is None
    assert not seen.on_disk
    assert seen.add(ListingKey("p", "3"), Origin("a.jsonl", 3), None) is None
    assert seen.on_disk and len(seen) == 3
    path = seen._path
    assert path is not None and os.path.exists(path)
    assert seen.add(ListingKey("p", "1"), Origin("a.jsonl", 9), None) == FirstSeen(Origin("a.jsonl", 1))
    assert seen.add(ListingKey("p", "2"), Origin("a.jsonl", 9), "s1") == FirstSeen(None)
    assert seen.add(ListingKey("p", "2"), Origin("a.jsonl", 9), "s2") is None  # a new capture
    assert seen.add(ListingKey(None, "1"), None, None) is None  # no platform is its own namespace
    seen.close()
    assert not os.path.exists(path)


def test_a_scan_past_the_limit_rejects_the_same_duplicates(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    ids = ["a", "b", "a", "c", "d", "b", "e", "a"]
    lines = [json.dumps({"id": i, "title": f"item {i}"}) + "\n" for i in ids]
    source.write_text("".join(lines), encoding="utf-8")

    def scan(limit: int) -> tuple[list[str], list[str]]:
        rejects: list[Reject] = []
        listings = read_listings([source], ScanTotals(), rejects.append, seen_limit=limit)
        return [item.id for item in listings], [f"{r.origin} {r.reason}" for r in rejects]

    kept, rejected = scan(1)
    assert (kept, rejected) == scan(1000)
    assert kept == ["a", "b", "c", "d", "e"]
    assert rejected[0] == f"{source}:3 duplicate id 'a' (first at {source}:1)"
    assert len(rejected) == 3
