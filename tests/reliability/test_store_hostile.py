"""Hostile text at the store's boundary (issue 10, finding 15): whatever characters a
record holds, a batch is stored whole on SQLite and PostgreSQL alike, with NUL removed and
lone surrogates replaced, and saving it again changes nothing."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wildtrace.model import Analysis, Detection, Listing, Origin, Reject, Selector
from wildtrace.parse import clean_text, clean_value
from wildtrace.store import open_store

#: Text rich in the characters that used to lose a batch: NUL and lone surrogates.
HOSTILE = st.text(
    alphabet=st.one_of(st.sampled_from(["\x00", "\ud83d", "\udc00", "a", "é", "象", "\\", "u", "0"]),
                       st.characters()),
    max_size=16,
)  # fmt: skip
_numbers = itertools.count()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=HOSTILE, seller=HOSTILE, uid=HOSTILE, key=HOSTILE, raw=HOSTILE)
def test_any_text_is_stored_whole_on_both_engines(
    db_url: str, title: str, seller: str, uid: str, key: str, raw: str
) -> None:
    n = next(_numbers)
    uid = f"{n}-{uid}"
    listing = Listing(uid, "shop.example", seller=seller or None, title=title, extra={key: [raw]})
    selector = Selector("handle", clean_text(seller) or "x", seller, "seller", 0, len(seller))
    good = Listing(f"{n}-good", "shop.example", title="fine")
    pairs = [(listing, Analysis(uid, Detection(0.5, True), (selector,))),
             (good, Analysis(good.id, Detection(0.1, False)))]  # fmt: skip
    with open_store(db_url) as store:
        counts = store.save_batch(pairs)
        assert counts.new == 2
        assert store.save_batch(pairs).unchanged == 2
        stored = {item.id: item for item, _ in store.load_analyses()}
        assert store.save_rejects(None, [Reject(Origin(f"in-{n}.jsonl", 1), "bad", raw)]) == 1
    item = stored[clean_text(uid)]
    assert item.title == clean_text(title)
    assert item.extra == clean_value({key: [raw]})[0]
    assert f"{n}-good" in stored
