"""Middlewares: archive every exchange, back off when a site asks us to slow down, and record
what Scrapy's off-site and depth filters drop."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy.robotstxt import RobotParser
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.depth import DepthMiddleware
from scrapy.statscollectors import StatsCollector
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from wildtrace.crawl.config import MAX_BACKOFF
from wildtrace.crawl.events import ARCHIVED, DEPTH, FAULT, LIMIT, OFFSITE
from wildtrace.errors import WildTraceError

if TYPE_CHECKING:
    from wildtrace.crawl.session import CrawlSession

logger = logging.getLogger("wildtrace.crawl")

#: Statuses that mean "too fast": retried after a growing pause (or the server's Retry-After).
BACKOFF_STATUSES = frozenset({429, 503})
#: Key in request.meta of the ArchivedCapture of the response.
CAPTURE_META = "wildtrace_capture"
#: Why a request was dropped when the crawl reached its page limit.
STOPPING = "not sent: the crawl reached its page limit"


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    """Scrapy's headers as (name, value) text pairs, in order, repeated names kept."""
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        for value in values:
            pairs.append((key, value.decode("latin-1") if isinstance(value, bytes) else str(value)))
    return pairs


def session_of(crawler: Crawler) -> CrawlSession:
    session: CrawlSession | None = getattr(crawler.spider, "session", None)
    if session is None:
        raise RuntimeError("the WildTrace middlewares need the WildTrace listing spider")
    return session


class WarcMiddleware:
    """Writes each response (and its request) to the WARC archive as it comes off the wire.

    It sits next to the downloader (priority 650): it sees redirects before they are followed
    and compressed bodies before they are inflated (archived as served, with their
    Content-Encoding), so a decompression bomb is archived small and refused after.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        """Requests still queued when the crawl stops at its page limit are not sent; and
        robots.txt is checked once more, next to the wire (see ``_forbidden_by_robots``)."""
        if request.meta.get("dont_obey_robotstxt"):
            return
        if getattr(self.crawler.spider, "closing", False):
            raise IgnoreRequest(STOPPING)
        if self._forbidden_by_robots(request):
            raise IgnoreRequest("Forbidden by robots.txt (checked again before sending)")

    def _forbidden_by_robots(self, request: Request) -> bool:
        """Ask Scrapy's robots.txt middleware's parser for the host again, when it has one.

        With the scrapy-redis scheduler a request taken from the shared queue was seen, once in
        our tests, to reach the downloader without the robots.txt middleware refusing it; this
        second look costs a dictionary lookup and makes robots.txt hold whatever the cause.
        """
        if not self.crawler.settings.getbool("ROBOTSTXT_OBEY") or self.crawler.engine is None:
            return False
        robots = next(
            (mw for mw in self.crawler.engine.downloader.middleware.middlewares
             if isinstance(mw, RobotsTxtMiddleware)),
            None,
        )  # fmt: skip
        parsers = getattr(robots, "_parsers", None)
        if not isinstance(parsers, dict):
            return False
        parser = parsers.get(urlparse_cached(request).netloc)
        if parser is None or isinstance(parser, Deferred):
            return False  # not fetched yet: the middleware waits for it itself
        agent = self.crawler.settings.get("ROBOTSTXT_USER_AGENT") or request.headers.get(b"User-Agent") or ""
        return not parser.allowed(request.url, agent)

    def process_response(self, request: Request, response: Response) -> Response:
        session = session_of(self.crawler)
        encoded = bool(response.headers.getlist("Content-Encoding"))
        peer = getattr(response, "ip_address", None)
        try:
            capture = session.archive.write_exchange(
                url=response.url,
                method=request.method,
                request_headers=header_pairs(request.headers),
                status=response.status,
                response_headers=header_pairs(response.headers),
                body=response.body,
                fetched_at=datetime.now(UTC),
                remote_ip=str(peer) if peer is not None else None,
                request_body=request.body,
                content_decoded=not encoded,
            )
        except (OSError, WildTraceError, ValueError) as exc:
            reason = f"could not archive the response: {exc}"
            session.event(FAULT, response.url, rule="archive", reason=reason)
            raise IgnoreRequest(f"{response.url}: not archived, so not used: {exc}") from exc
        request.meta[CAPTURE_META] = capture
        is_page = not request.meta.get("dont_obey_robotstxt")  # robots.txt is not one of the pages
        session.event(
            ARCHIVED,
            response.url,
            flags=("page",) if is_page else (),
            status=response.status,
            sha256=capture.sha256,
            warc_file=capture.warc_file.name,
            warc_offset=capture.offset,
        )
        limit = session.config.max_pages
        if is_page and limit is not None and session.totals.pages >= limit:
            spider = self.crawler.spider
            if not getattr(spider, "closing", False):
                session.event(
                    LIMIT,
                    response.url,
                    reason=f"--max-pages {limit} reached: the requests still queued are not sent",
                )
            spider.closing = True  # type: ignore[union-attr]
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, with a pause before retrying a 429 or 503: Retry-After if the server
    sent one (at most MAX_BACKOFF seconds), else ``WILDTRACE_BACKOFF`` doubled per attempt."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = float(settings.getfloat("WILDTRACE_BACKOFF", 2.0))

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        if response.status in BACKOFF_STATUSES:
            attempt = int(request.meta.get("retry_times", 0))
            if attempt < int(request.meta.get("max_retry_times", self.max_retry_times)):
                pause = retry_after(response) or self.backoff * (2**attempt)
                await asyncio.sleep(min(pause, MAX_BACKOFF))
        reason = f"HTTP {response.status}"
        return self._retry(request, reason) or response


def retry_after(response: Response) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date), or None."""
    raw = response.headers.get("Retry-After")
    if not raw:
        return None
    text = raw.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


class OffsiteEvents(OffsiteMiddleware):
    """Scrapy's off-site filter, writing each request it drops to the events file.

    It drops followed links and redirect hops to hosts outside the crawl's domains when they are
    scheduled, before any middleware or errback sees them; without this, a redirect to another
    host vanished without a word.
    """

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        try:
            super().process_request(request)
        except IgnoreRequest:
            session = session_of(self.crawler)
            host = urlparse_cached(request).hostname or "?"
            domains = ", ".join(getattr(self.crawler.spider, "allowed_domains", None) or []) or "none"
            detail: dict[str, Any] = {
                "reason": f"not followed: {host} is outside the crawl's domains ({domains})"
            }
            redirects = request.meta.get("redirect_urls")
            if redirects:
                detail["redirected_from"] = redirects[0]
            session.event(OFFSITE, request.url, **detail)
            raise


class DepthEvents(DepthMiddleware):
    """Scrapy's depth tracking, with the limit applied here and each link beyond it recorded.

    ``WILDTRACE_DEPTH`` is the crawl's ``--depth`` (0: the start pages only; Scrapy's own
    ``DEPTH_LIMIT`` treats 0 as "no limit", so it is left at 0 and this class decides).
    """

    def __init__(
        self, maxdepth: int, stats: StatsCollector, verbose_stats: bool = False, prio: int = 1
    ) -> None:
        super().__init__(maxdepth, stats, verbose_stats, prio)
        self.limit = maxdepth
        self._reported: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DepthEvents:
        settings = crawler.settings
        middleware = cls(
            settings.getint("WILDTRACE_DEPTH"),
            crawler.stats,
            settings.getbool("DEPTH_STATS_VERBOSE"),
            settings.getint("DEPTH_PRIORITY"),
        )
        middleware.maxdepth = 0  # Scrapy's check off: this class applies the limit
        middleware.crawler = crawler
        return middleware

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        processed = super().get_processed_request(request, response)
        if processed is None or response is None:
            return processed
        depth = int(processed.meta.get("depth", 0))
        if depth <= self.limit:
            return processed
        spider = self.crawler.spider
        followed = getattr(spider, "_followed", None)
        if isinstance(followed, set):
            followed.discard(request.url)  # a shallower page may still lead to it
        if request.url not in self._reported:
            self._reported.add(request.url)
            session_of(self.crawler).event(
                DEPTH,
                request.url,
                reason=f"not followed: depth {depth} is beyond --depth {self.limit}",
                linked_from=response.url,
            )
        return None


def _no_robots_traceback(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Error downloading")


class RobotsUnreachable(IgnoreRequest, WildTraceError):
    """A request not sent because its host's robots.txt could not be read."""


class Unreachable(RobotParser):
    """The robots.txt of a host that could not be read (a server or network error): under
    RFC 9309 (2.3.1.4) a crawler must then assume that everything is disallowed."""

    def __init__(self, why: str) -> None:
        self.why = why

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> Unreachable:
        return cls("unreachable")

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False

    def crawl_delay(self, user_agent: str | bytes) -> float | None:
        return None


class RobotsTxtRfc9309(RobotsTxtMiddleware):
    """Scrapy's robots.txt handling, with RFC 9309's rule for a robots.txt that cannot be read.

    Scrapy allowed everything when robots.txt failed to download, and read a 5xx error page as
    if it were the file (allowing everything too). A 5xx answer (after the retries) or a network
    failure now disallows every page of that host, each refusal an event saying why; a 4xx
    answer still means "no rules" (allowed), as the RFC says.
    """

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self._unreachable(netloc, f"HTTP {response.status}")
            return
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):  # refused before sending (guard, page limit): the
            super()._robots_error(exc, netloc)  # pages of that host meet the same refusal
            return
        self._unreachable(netloc, f"{type(exc).__name__}: {exc}")

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        # Scrapy logs a failed robots.txt download with a traceback; the warning below says it
        logging.getLogger(RobotsTxtMiddleware.__module__).addFilter(_no_robots_traceback)

    def _unreachable(self, netloc: str, why: str) -> None:
        logger.warning(
            "robots.txt of %s unreachable (%s): every page of it is treated as disallowed (RFC 9309)",
            netloc,
            why,
        )
        waiting = self._parsers[netloc]
        parser = Unreachable(why)
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        if isinstance(rp, Unreachable):
            raise RobotsUnreachable(
                f"robots.txt unreachable ({rp.why}): every page of the host is treated as "
                "disallowed (RFC 9309)"
            )
        super().process_request_2(rp, request)
