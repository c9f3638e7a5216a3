"""The single entry point of the core: Listing -> Analysis.

The CLI, the web app and the distributed runners all call ``analyze_batch``. It is
pure (no I/O beyond loading the packaged lexicon once) and deterministic: the same
listings and threshold always give the same analyses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from functools import cache

from wildtrace import __version__
from wildtrace.detect import DEFAULT_THRESHOLD, default_lexicon, detect, detection_data_files, model_in_use
from wildtrace.extract import EXTRACTOR_VERSION, extract
from wildtrace.model import Analysis, Listing
from wildtrace.parse import detect_language

__all__ = [
    "DEFAULT_THRESHOLD",
    "analyze",
    "analyze_batch",
    "analyzer_version",
    "prepare",
    "with_price_fallback",
]

#: Characters of a listing that language identification reads: enough to tell the
#: language, and its cost grows with the length (it was a quarter of analyze's time).
LANGUAGE_SAMPLE = 400


@cache
def detection_data_digest() -> str:
    """A digest of the detection data files (lexicon, taxa, a user's CITES checklist) and
    of the extraction rules: read once per process."""
    digest = hashlib.sha256()
    for path in detection_data_files():
        digest.update(path.read_bytes())
    digest.update(f"extract {EXTRACTOR_VERSION}".encode())  # new selector rules: re-extract too
    return digest.hexdigest()


def analyzer_version() -> str:
    """The package version plus a digest of the detection data and of the model in use
    (its SHA-256), so that stored analyses made with another lexicon or another model (a
    newly trained or activated one) are recognised as stale and recomputed, once."""
    model = model_in_use()
    digest = hashlib.sha256(detection_data_digest().encode())
    digest.update(b"model " + (model.digest if model is not None else "none").encode())
    return f"{__version__}+{digest.hexdigest()[:10]}"


def prepare() -> str:
    """Load the detection data now (lexicon, CITES checklist, learned model) and return the
    analyzer version. A command calls it before it starts any work, so that a bad setting
    (WILDTRACE_DETECTOR_MODEL, WILDTRACE_CITES_CHECKLIST) stops it at once with the file and
    the reason, before a run is recorded or a worker started, not at the first listing."""
    default_lexicon()
    model_in_use()
    return analyzer_version()


def analyze(listing: Listing, threshold: float = DEFAULT_THRESHOLD) -> Analysis:
    """Detect, explain and extract for one listing."""
    sample = " ".join(filter(None, (listing.title, listing.text, listing.seller_info)))
    language = detect_language(sample[:LANGUAGE_SAMPLE])
    return Analysis(
        listing_id=listing.id,
        detection=detect(listing, language, threshold),
        selectors=extract(listing, language),
        language=language,
        # the threshold is part of the result (``flagged``): another threshold, another analysis
        analyzer_version=f"{analyzer_version()};threshold={threshold:g}",
    )


def with_price_fallback(listing: Listing, analysis: Analysis) -> Listing:
    """The listing as it is stored and written: one without a price takes the raw text of its
    first money selector (found in the title or text, e.g. "giá chỉ 3.500.000đ"), and
    ``extra["fields_from"]["price"]`` says so ("text"). One rule, so that the scan row and the
    store give the same price (before, only the scan row had it and the stored price was null).
    """
    if listing.price:
        return listing
    money = next((s for s in analysis.selectors if s.type == "money"), None)
    if money is None or not money.raw.strip():
        return listing
    fields_from = {**listing.extra.get("fields_from", {}), "price": "text"}
    return replace(listing, price=money.raw, extra={**listing.extra, "fields_from": fields_from})


def analyze_batch(listings: Iterable[Listing], threshold: float = DEFAULT_THRESHOLD) -> list[Analysis]:
    """``analyze`` over many listings, in order."""
    return [analyze(listing, threshold) for listing in listings]
