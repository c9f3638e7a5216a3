"""Running one crawl in this process (Twisted's reactor starts once per process)."""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.crawler import CrawlerProcess

from wildtrace.crawl.config import CrawlConfig, scrapy_settings
from wildtrace.crawl.events import CrawlTotals
from wildtrace.crawl.session import SUMMARY_FILE, CrawlSession, write_summary
from wildtrace.crawl.spider import ListingSpider


@dataclass(frozen=True, slots=True)
class CrawlResult:
    """How a crawl ended and what it did."""

    crawl_id: str
    operator: str
    reason: str
    totals: CrawlTotals
    warc_files: tuple[str, ...]

    @property
    def interrupted(self) -> bool:
        """Stopped by a signal (Ctrl-C, SIGTERM) before the work was done: resume it."""
        return self.reason == "shutdown"

    @property
    def exit_status(self) -> int:
        """130 when interrupted (run again to resume), 1 when any fault was recorded, else 0."""
        if self.interrupted:
            return 130
        return 1 if self.totals.faults else 0


def run_crawl(config: CrawlConfig) -> CrawlResult:
    """Crawl as ``config`` says, blocking until done; call once per process.

    The session (store, WARC archive, events file) is opened here and closed when the
    crawl ends, however it ends; ``crawl-summary.json`` is written beside the archive.
    """
    session = CrawlSession(config)
    try:
        process = CrawlerProcess(scrapy_settings(config))
        crawler = process.create_crawler(ListingSpider)
        process.crawl(crawler, config=config, session=session)
        process.start()
        reason = session.finish_reason
        stats_reason = crawler.stats.get_value("finish_reason") if crawler.stats is not None else None
        if isinstance(stats_reason, str):
            reason = stats_reason
    finally:
        session.close()
    write_summary(config.out_dir / SUMMARY_FILE, session, reason)
    return CrawlResult(
        crawl_id=session.crawl_id,
        operator=session.operator,
        reason=reason,
        totals=session.totals,
        warc_files=tuple(str(p) for p in session.archive.files),
    )
