"""Stored listings for the review tests: analysed by the real pipeline, saved by the store."""

from __future__ import annotations

from wildtrace.model import Listing
from wildtrace.pipeline import analyze
from wildtrace.store import Store

#: (platform, id, title): offers, a decoy, and the same id on two platforms.
LISTINGS = (
    ("bazaar.example", "1", "Carved ivory bangle, old elephant ivory, WhatsApp me"),
    ("bazaar.example", "2", "Rhino horn powder, 50 g, shipping worldwide"),
    ("bazaar.example", "3", "Plush elephant toy for kids"),
    ("forum.example", "1", "Pangolin scales for sale, DM for price"),
    ("forum.example", "4", "Vintage wooden chair, good condition"),
)


def store_listings(store: Store, listings: tuple[tuple[str, str, str], ...] = LISTINGS) -> list[str]:
    """Analyse and store the listings; returns their keys (``platform:id``)."""
    pairs = []
    for platform, uid, title in listings:
        listing = Listing(id=uid, platform=platform, title=title, url=f"https://{platform}/item/{uid}")
        pairs.append((listing, analyze(listing)))
    store.save_batch(pairs)
    return [str(listing.key) for listing, _ in pairs]
