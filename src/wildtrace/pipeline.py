"""The single entry point of the core: Listing -> Analysis.

The CLI, the web app and the distributed runners all call ``analyze_batch``. It is
pure (no I/O beyond loading the packaged lexicon once) and deterministic: the same
listings and threshold always give the same analyses.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from typing import Any

from wildtrace import __version__
from wildtrace.detect import (
    DEFAULT_THRESHOLD,
    default_lexicon,
    default_matcher,
    detect_batch,
    detection_data_files,
    model_in_use,
)
from wildtrace.extract import EXTRACTOR_VERSION, extract
from wildtrace.model import REMEMBERED_TEXT_CHARS, TEXT_FIELDS, Analysis, Listing
from wildtrace.parse import detect_language

__all__ = [
    "DEFAULT_THRESHOLD",
    "AnalysisCache",
    "analysis_cache",
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


#: Analyses remembered per process: many listings repeat a template (a seller's stock text,
#: a re-post with a new id), and a repeat is answered without analysing it again.
ANALYSIS_CACHE_SIZE = 4096


def detection_owner() -> tuple[Any, ...]:
    """What the cached analyses were made with: the lexicon, its matcher, the learned model
    and the digest of the data files (cached, so one object). When any of them is another
    object, the analysis cache is emptied. The one place that says which data an analysis
    depends on (``model_in_use`` answers an installed or store-activated model)."""
    return default_lexicon(), default_matcher(), model_in_use(), detection_data_digest()


class AnalysisCache:
    """A bounded LRU map from what ``analyze`` reads of a listing (every field but the id,
    and the threshold) to its analysis. The key is the fields themselves, not a digest
    of them: a tuple of the listing's own strings hashes at C speed and cannot collide."""

    def __init__(self, size: int = ANALYSIS_CACHE_SIZE) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._owner: tuple[Any, ...] | None = None
        self._entries: OrderedDict[tuple[Any, ...], Analysis] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every analysis (and the counts)."""
        self._entries.clear()
        self._owner = None
        self.hits = self.misses = 0

    def check_owner(self) -> None:
        """Empty the cache when the detection data or model changed since it was filled."""
        owner = detection_owner()
        # by identity: each part is built once per process and cached, so a new object means
        # new data (comparing a lexicon's thousands of terms on every batch would cost)
        if self._owner is None or any(new is not old for new, old in zip(owner, self._owner, strict=True)):
            self._entries.clear()
            self._owner = owner

    def analyze(self, listings: list[Listing], threshold: float) -> list[Analysis]:
        """The analyses of ``listings``, in order: those whose fields were seen before (in
        an earlier batch or earlier in this one) from the cache, the others analysed
        together (``_analyze_batch``)."""
        keys = [(*(getattr(listing, name) for name in _ANALYSED_FIELDS), threshold) for listing in listings]
        entries = self._entries
        known: dict[tuple[Any, ...], Analysis] = {}
        new: dict[tuple[Any, ...], Listing] = {}
        for index, (key, listing) in enumerate(zip(keys, listings, strict=True)):
            if key in known or key in new:
                continue
            if any(isinstance(value, str) and len(value) > REMEMBERED_TEXT_CHARS for value in key):
                keys[index] = key = (_NOT_REMEMBERED, index)  # analysed, never stored
                new[key] = listing
                continue
            found = entries.get(key)
            if found is None:
                new[key] = listing
            else:
                entries.move_to_end(key)
                known[key] = found
        self.misses += len(new)
        self.hits += len(listings) - len(new)
        for key, analysis in zip(new, _analyze_batch(list(new.values()), threshold), strict=True):
            known[key] = analysis
            if key[0] is not _NOT_REMEMBERED:
                entries[key] = analysis
        while len(entries) > self.size:
            entries.popitem(last=False)
        out = []
        for key, listing in zip(keys, listings, strict=True):
            analysis = known[key]
            out.append(
                analysis if analysis.listing_id == listing.id else replace(analysis, listing_id=listing.id)
            )
        return out


#: What ``analyze`` reads of a listing: its text fields and its platform (the region of
#: phone numbers). Everything else (id, dates, images, capture) does not change the analysis.
_ANALYSED_FIELDS = (*TEXT_FIELDS, "platform")
#: The key of a listing with a field too long to remember (REMEMBERED_TEXT_CHARS).
_NOT_REMEMBERED = object()


@cache
def analysis_cache() -> AnalysisCache:
    """This process's analysis cache."""
    return AnalysisCache()


def analyze(listing: Listing, threshold: float = DEFAULT_THRESHOLD) -> Analysis:
    """Detect, explain and extract for one listing (answered from the analysis cache when
    a listing with the same fields was analysed with the same data and threshold)."""
    return analyze_batch([listing], threshold)[0]


def _analyze_batch(listings: list[Listing], threshold: float) -> list[Analysis]:
    """``analyze_batch`` without the cache: the language of each listing, the detections
    of all (their learned features computed together), the selectors of each."""
    languages = [
        detect_language(" ".join(filter(None, (item.title, item.text, item.seller_info)))[:LANGUAGE_SAMPLE])
        for item in listings
    ]
    detections = detect_batch(listings, languages, threshold)
    # the threshold is part of the result (``flagged``): another threshold, another analysis
    version = f"{analyzer_version()};threshold={threshold:g}"
    return [
        Analysis(
            listing_id=listing.id,
            detection=detection,
            selectors=extract(listing, language),
            language=language,
            analyzer_version=version,
        )
        for listing, language, detection in zip(listings, languages, detections, strict=True)
    ]


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
    cache = analysis_cache()
    cache.check_owner()
    return cache.analyze(list(listings), threshold)
