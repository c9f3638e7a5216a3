"""One crawl's shared state: the store, the WARC archive and the event log.

The spider creates it; the downloader middleware writes to its archive, the item pipeline to
its store, everybody to its event log (``crawl-events.jsonl``), which also counts: the totals
are the log's counts. It is closed last, when the spider closes, so every WARC file is finished
after the last capture is stored.
"""

from __future__ import annotations

import json
import logging
import shutil
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wildtrace import __version__
from wildtrace.crawl.config import CrawlConfig
from wildtrace.crawl.events import CrawlTotals, EventLog
from wildtrace.evidence.archive import WarcArchive
from wildtrace.evidence.custody import CustodyLog, default_actor
from wildtrace.store import Store, open_store

logger = logging.getLogger("wildtrace.crawl")

#: Kept in the out-dir so a resumed crawl keeps its crawl id.
STATE_FILE = "crawl.json"
#: Written when a crawl ends; its absence means the last run was killed.
SUMMARY_FILE = "crawl-summary.json"


def crawl_identity(config: CrawlConfig) -> tuple[str, str]:
    """(crawl id, operator): from the config, else from an unfinished run in the same out-dir.

    An out-dir whose last crawl finished starts a new crawl (a re-crawl: new captures of the
    same pages); one whose crawl was stopped or killed resumes it (Scrapy's JOBDIR).
    """
    state_path = config.out_dir / STATE_FILE
    summary_path = config.out_dir / SUMMARY_FILE
    state: dict[str, Any] = {}
    if state_path.exists():
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
    if summary_path.exists():
        try:
            finished = json.loads(summary_path.read_text(encoding="utf-8")).get("finish_reason") == "finished"
        except (OSError, ValueError):
            finished = False
        if finished:
            state.pop("crawl_id", None)
            shutil.rmtree(config.job_dir, ignore_errors=True)
        summary_path.unlink()
    elif state and config.job_dir.exists():
        # killed without a chance to save its queue (SIGKILL, power loss): Scrapy's JOBDIR
        # then lists requests as seen that were never fetched, so start the crawl again under
        # the same id; pages already stored come back as unchanged captures
        logger.warning("the last run in %s was killed: crawling again from the start", config.out_dir)
        shutil.rmtree(config.job_dir, ignore_errors=True)
    crawl_id = (
        config.crawl_id
        or state.get("crawl_id")
        or (datetime.now(UTC).strftime("crawl-%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6])
    )
    operator = config.operator or state.get("operator") or default_actor()
    config.out_dir.mkdir(parents=True, exist_ok=True)
    state_path.write_text(
        json.dumps(
            {"crawl_id": crawl_id, "operator": operator, "start_urls": list(config.start_urls)},
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return str(crawl_id), str(operator)


class CrawlSession:
    """The store, archive, custody log and events file of one running crawl."""

    def __init__(self, config: CrawlConfig) -> None:
        self.config = config
        self.crawl_id, self.operator = crawl_identity(config)
        self.store: Store = open_store(config.db_url)
        self.custody = CustodyLog(self.store)
        profile = config.profile.source if config.profile is not None else None
        self.archive = WarcArchive(
            config.warc_dir,
            crawl_id=self.crawl_id,
            operator=self.operator,
            profile=profile,
            tool_version=__version__,
            store=self.store,
        )
        self.events = EventLog(config.events_file, self.crawl_id)
        self.closed = False
        self.finish_reason = "unknown"
        self.started_at = datetime.now(UTC)

    def event(
        self,
        kind: str,
        url: str,
        *,
        outcome: str | None = None,
        flags: Iterable[str] = (),
        **detail: Any,
    ) -> None:
        """Record one event (archived, stored, fault, refused, robots, offsite, depth, changed,
        takedown ...): written to ``crawl-events.jsonl`` and counted in the totals."""
        self.events.record(kind, url, outcome=outcome, flags=flags, **detail)

    @property
    def totals(self) -> CrawlTotals:
        """What the crawl did so far, counted from its events."""
        return CrawlTotals.from_counts(self.events.snapshot())

    def close(self) -> None:
        """Finish the WARC files, close the events file and the store; safe to call twice."""
        if self.closed:
            return
        self.closed = True
        try:
            self.archive.close()
        finally:
            self.events.close()
            self.store.close()


def write_summary(path: Path, session: CrawlSession, reason: str) -> None:
    """The crawl's last word, beside its WARC files (``crawl-summary.json``)."""
    totals = session.totals
    summary = {
        "crawl_id": session.crawl_id,
        "operator": session.operator,
        "started_at": session.started_at.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "finish_reason": reason,
        "fetched": totals.fetched,
        "listings": totals.listings,
        "flagged": totals.flagged,
        "new": totals.new,
        "updated": totals.updated,
        "unchanged": totals.unchanged,
        "changed": totals.changed,
        "takedowns": totals.takedowns,
        "faults": totals.faults,
        "refusals": totals.refusals,
        "events": totals.kinds,
        "warc_files": [str(p) for p in session.archive.files],
    }
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
