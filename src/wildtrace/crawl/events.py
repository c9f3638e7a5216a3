"""The crawl's journal (``crawl-events.jsonl``): every event written as it happens, and counted.

The event log is the one place where what a crawl did is recorded and counted: responses
archived, listings stored, changes, takedowns, refusals and faults are each one JSON line and
one tally. The summary line, ``crawl-summary.json`` and the exit status are computed from its
counts (``CrawlTotals.from_counts``), so no call site counts anything by hand and nothing that
is written down can be missing from the totals (or the other way round).
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger("wildtrace.crawl")

#: Something went wrong with a page the crawl wanted: the user must look (exit status 1).
FAULT = "fault"
#: A response written to the WARC files (``page`` flag: not robots.txt).
ARCHIVED = "archived"
#: A listing page analysed and saved (``outcome``: new, updated, unchanged; ``flagged`` flag).
STORED = "stored"
#: A link or redirect to a host outside the crawl's domains, not followed.
OFFSITE = "offsite"
#: A link deeper than --depth, not followed.
DEPTH = "depth"
#: A redirect to a URL already requested in this crawl (a loop), not fetched again.
DUPLICATE = "duplicate"
#: The crawl reached --max-pages: one event, at the page that reached it.
LIMIT = "limit"
#: What the crawl declined to fetch or follow, by rule. Refusals are the crawl obeying its
#: limits and the site's wishes: counted and shown, not faults.
#: Event kind -> the rule's name in the summary.
REFUSALS: dict[str, str] = {
    "robots": "robots",
    "offsite": "offsite",
    "refused": "private-address",
    "depth": "depth",
    "limit": "max-pages",
    "duplicate": "duplicate-redirect",
}
#: Kinds logged as warnings (the rest at INFO, shown with --verbose).
_WARNINGS = frozenset({FAULT, "refused"})


class EventLog:
    """Appends events to ``crawl-events.jsonl`` and counts them by kind, outcome and flag.

    Thread-safe: Scrapy calls from the reactor thread, the store from others.
    """

    def __init__(self, path: Path, crawl_id: str) -> None:
        self.path = path
        self.crawl_id = crawl_id
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = path.open("a", encoding="utf-8")

    def record(
        self,
        kind: str,
        url: str,
        *,
        outcome: str | None = None,
        flags: Iterable[str] = (),
        **detail: Any,
    ) -> None:
        """Write one event and count it under ``kind``, ``kind.outcome`` and ``kind.flag``."""
        marks = tuple(flags)
        entry: dict[str, Any] = {
            "at": datetime.now(UTC).isoformat(),
            "crawl_id": self.crawl_id,
            "kind": kind,
            "url": url,
        }
        if outcome is not None:
            entry["outcome"] = outcome
        entry.update({flag: True for flag in marks})
        entry.update(detail)
        line = json.dumps(entry, ensure_ascii=False, default=str)
        with self._lock:
            self.counts[kind] += 1
            if outcome is not None:
                self.counts[f"{kind}.{outcome}"] += 1
            for flag in marks:
                self.counts[f"{kind}.{flag}"] += 1
            if not self._file.closed:
                self._file.write(line + "\n")
                self._file.flush()
        if kind in (ARCHIVED, STORED):
            return  # one per page: the summary tells them, --verbose need not
        reason = detail.get("reason")
        message = f"{kind}: {url}" + (f": {reason}" if reason else "")
        logger.log(logging.WARNING if kind in _WARNINGS else logging.INFO, "%s", message)

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.counts)

    def close(self) -> None:
        with self._lock:
            self._file.close()


@dataclass(frozen=True, slots=True)
class CrawlTotals:
    """What a crawl did, counted from its events (for the summary line and the exit status)."""

    fetched: int = 0
    pages: int = 0
    listings: int = 0
    flagged: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    changed: int = 0
    takedowns: int = 0
    faults: int = 0
    #: Listings stored that carry an identifier of a watchlist (an alert was raised).
    alerted: int = 0
    #: Refusals by rule (robots, off-site, private-address, depth).
    refusals: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_counts(cls, counts: Mapping[str, int]) -> CrawlTotals:
        return cls(
            fetched=counts.get(ARCHIVED, 0),
            pages=counts.get(f"{ARCHIVED}.page", 0),
            listings=counts.get(STORED, 0),
            flagged=counts.get(f"{STORED}.flagged", 0),
            alerted=counts.get(f"{STORED}.alerted", 0),
            new=counts.get(f"{STORED}.new", 0),
            updated=counts.get(f"{STORED}.updated", 0),
            unchanged=counts.get(f"{STORED}.unchanged", 0),
            changed=counts.get("changed", 0),
            takedowns=counts.get("takedown", 0),
            faults=counts.get(FAULT, 0),
            refusals={rule: counts.get(kind, 0) for kind, rule in REFUSALS.items()},
            kinds={kind: n for kind, n in sorted(counts.items()) if "." not in kind},
        )

    @property
    def refused(self) -> int:
        """Requests refused by the private-address guard."""
        return self.refusals.get("private-address", 0)

    @property
    def robots(self) -> int:
        return self.refusals.get("robots", 0)

    @property
    def offsite(self) -> int:
        return self.refusals.get("offsite", 0)

    @property
    def too_deep(self) -> int:
        return self.refusals.get("depth", 0)
