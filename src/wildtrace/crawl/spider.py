"""The listing spider: start URLs and searches in, captured listing pages out.

With a site profile it follows the profile's link rules (listing, pagination, follow) and reads
fields with its selectors; without one (generic mode) it follows links on the same site and
recognises listing pages by their structured data (JSON-LD, microdata, OpenGraph product
tags, read by ``wildtrace.parse``), with the page's main text as the fallback for each field.
Every fault is recorded with its URL and reason; none stops the crawl.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector as ParselSelector
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
)
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed

from wildtrace.crawl.config import CrawlConfig
from wildtrace.crawl.events import DUPLICATE, FAULT
from wildtrace.crawl.guard import PrivateAddressRefused
from wildtrace.crawl.middlewares import CAPTURE_META, STOPPING, RobotsUnreachable
from wildtrace.crawl.profile import DEFAULT_REMOVED_MARKERS, SiteProfile
from wildtrace.crawl.session import CrawlSession
from wildtrace.evidence.payload import is_html, media_type
from wildtrace.model import Listing
from wildtrace.parse import (
    CharsetError,
    PageKind,
    charset_from_content_type,
    decode_html,
    has_text,
    page_kind,
    parse_listing_html,
    url_id,
)

#: Links to these are never pages (images, archives, documents, media).
_SKIPPED_EXTENSIONS = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|bmp|tiff?|pdf|zip|gz|tgz|rar|7z|exe|dmg|apk|mp[34]|avi|mov|"
    r"webm|woff2?|ttf|css|js|json|xml)$",
    re.IGNORECASE,
)
#: Bytes read to tell a binary response from a page.
_SNIFF = 2048


class ListingSpider(Spider):
    """Crawls from start URLs (and a profile's searches) and yields captured pages."""

    name = "wildtrace"

    def __init__(self, config: CrawlConfig, session: CrawlSession, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.config = config
        self.profile: SiteProfile | None = config.profile
        self.session = session
        hosts = {urlsplit(url).hostname or "" for url in self._start_urls()}
        domains = self.profile.allowed_domains if self.profile and self.profile.allowed_domains else ()
        self.allowed_domains = sorted(set(domains) or {h for h in hosts if h})
        self.seen_pages = 0
        self.closing = False
        #: URLs already followed in this run (Scrapy's duplicate filter is the authority; this
        #: spares it the thousands of repeats a large page can hold).
        self._followed: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ListingSpider:
        config: CrawlConfig = kwargs.pop("config")
        session = kwargs.pop("session", None) or CrawlSession(config)
        spider = cls(config, session, *args, **kwargs)
        spider._set_crawler(crawler)
        crawler.signals.connect(spider.dropped, signal=signals.request_dropped)
        return spider

    def _start_urls(self) -> list[str]:
        urls = list(self.config.start_urls)
        if self.profile is not None:
            urls += list(self.profile.start_urls) + self.profile.search_urls()
        return list(dict.fromkeys(urls))

    async def start(self) -> AsyncIterator[Any]:
        for url in self._start_urls():
            kind = "listing" if self.profile is not None and self.profile.is_listing_url(url) else "start"
            request = self._request(url, kind, is_start=True)
            if request is not None:
                yield request

    def _request(self, url: str, kind: str, is_start: bool = False) -> Request | None:
        if self.closing:
            return None
        return Request(
            url,
            callback=self.parse,
            errback=self.failed,
            meta={"kind": kind},
            priority=1 if is_start else 0,  # start URLs and searches first
        )

    # -- pages ---------------------------------------------------------------------------------

    def parse(self, response: Response, **_: Any) -> Iterator[Any]:
        """Yield the captured page (listing, takedown or plain page) and the links to follow."""
        self.seen_pages += 1
        session = self.session
        kind = str(response.meta.get("kind", "page"))
        capture = response.meta.get(CAPTURE_META)
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        body = response.body
        if response.status in (404, 410):
            yield {
                "kind": "gone",
                "url": response.url,
                "status": response.status,
                "capture": capture,
                "content_type": content_type,
                "reason": f"HTTP {response.status}",
            }
            self._check_limit()
            return
        if (
            b"\x00" in body[:_SNIFF]
            or not isinstance(response, TextResponse)
            or (
                content_type
                and not is_html(content_type)
                and not media_type(content_type).startswith("text/")
            )
        ):
            session.event(
                FAULT,
                response.url,
                rule="binary",
                reason=f"binary response ({media_type(content_type) or 'no type'}, "
                f"{len(body)} bytes): archived, not read",
            )
            self._check_limit()
            return
        try:
            text = decode_html(body, charset_from_content_type(content_type))
        except CharsetError as exc:
            session.event(FAULT, response.url, rule="charset", reason=str(exc))
            self._check_limit()
            return
        marker = self._removed_marker(text)
        if marker is not None:
            yield {
                "kind": "gone",
                "url": response.url,
                "status": response.status,
                "capture": capture,
                "content_type": content_type,
                "reason": f"the page says {marker!r}",
            }
            self._check_limit()
            return
        listing, is_listing = self._read(response.url, text, kind)
        if is_listing and listing is not None:
            yield {
                "kind": "listing",
                "url": response.url,
                "status": response.status,
                "capture": capture,
                "content_type": content_type,
                "listing": listing,
            }
        yield from self._links(response.url, text)
        self._check_limit()

    def _removed_marker(self, text: str) -> str | None:
        """The phrase that says a listing was taken down, if the page (its first 64 KB) has one."""
        markers = self.profile.removed_markers if self.profile is not None else DEFAULT_REMOVED_MARKERS
        head = text[:65536].lower()
        return next((marker for marker in markers if marker in head), None)

    def _read(self, url: str, text: str, kind: str) -> tuple[Listing | None, bool]:
        """The page as a Listing, and whether it is a listing page."""
        try:
            listing = parse_listing_html(text, url, listing_id=url_id(url))
        except Exception as exc:  # a parser bug must not stop the crawl; the page stays archived
            self.session.event(
                FAULT, url, rule="parse", reason=f"could not read the page: {type(exc).__name__}: {exc}"
            )
            return None, False
        profile = self.profile
        if profile is not None and profile.fields:
            listing = _apply_fields(listing, profile, text, url)
        if profile is not None and (profile.listing_links or profile.listing_url is not None):
            is_listing = kind == "listing" or profile.is_listing_url(url)
        else:  # generic mode: the one page classifier, shared with the WARC importer
            is_listing = page_kind(url, listing, text) is PageKind.LISTING
        return listing, is_listing and has_text(listing)

    def _links(self, base: str, text: str) -> Iterator[Request]:
        profile = self.profile
        if profile is not None and (
            profile.listing_links or profile.pagination_links or profile.follow_links
        ):
            page = ParselSelector(text=text)
            for kind, rules in (
                ("listing", profile.listing_links),
                ("pagination", profile.pagination_links),
                ("follow", profile.follow_links),
            ):
                for rule in rules:
                    for href in rule.links(page):
                        request = self._follow(base, href, kind)
                        if request is not None:
                            yield request
            return
        page = ParselSelector(text=text)
        for href in page.css("a::attr(href)").getall():
            request = self._follow(base, href, "page")
            if request is not None:
                yield request

    def _follow(self, base: str, href: str, kind: str) -> Request | None:
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            return None
        try:
            url = urljoin(base, href).split("#", 1)[0]
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or _SKIPPED_EXTENSIONS.search(parts.path):
            return None
        if (
            self.profile is not None
            and kind in ("page", "follow", "pagination")
            and self.profile.is_listing_url(url)
        ):
            kind = "listing"
        if url in self._followed:  # a page links the same URL many times: one request
            return None
        self._followed.add(url)
        return self._request(url, kind)

    def _check_limit(self) -> None:
        limit = self.config.max_pages
        if self.closing or (limit is not None and self.seen_pages >= limit):
            self.closing = True
            raise CloseSpider("max_pages")

    # -- faults --------------------------------------------------------------------------------

    def failed(self, failure: Failure) -> None:
        """Record why a request gave no page: refused, blocked by robots.txt, or a fault."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        kind, reason, rule = describe_failure(failure)
        if reason == STOPPING:
            return
        detail: dict[str, Any] = {"reason": reason}
        if rule is not None:
            detail["rule"] = rule
        if request is not None and request.meta.get("redirect_urls"):
            detail["redirected_from"] = request.meta["redirect_urls"][0]
        self.session.event(kind, url, **detail)
        if kind != "robots":
            self.seen_pages += 1
            self._check_limit()

    def dropped(self, request: Request, spider: Spider | None = None) -> None:
        """A request the scheduler refused as already seen: silent for links (the same URL
        linked twice), an event for a redirect hop, whose target is then never fetched here."""
        redirects = request.meta.get("redirect_urls")
        if redirects:
            self.session.event(
                DUPLICATE,
                request.url,
                reason="redirected to a URL already requested in this crawl (a redirect loop?): "
                "not fetched again",
                redirected_from=redirects[0],
            )

    def closed(self, reason: str) -> None:
        self.session.finish_reason = reason


def describe_failure(failure: Failure) -> tuple[str, str, str | None]:
    """(event kind, reason, rule) for a failed request, in words an investigator can act on.

    The rule names the cap or check that gave up on the request (``size-cap``, ``time-cap``,
    ``redirects`` ...), so the events file can be filtered by it.
    """
    error = failure.value
    if isinstance(error, PrivateAddressRefused):
        return "refused", str(error), None
    if isinstance(error, RobotsUnreachable):
        return "robots", f"disallowed: {error}", None
    if isinstance(error, HttpError):
        response = error.response
        return "fault", f"HTTP {response.status}", "http-status"
    if isinstance(error, IgnoreRequest):
        message = str(error)
        if "robots.txt" in message.lower():
            return "robots", "disallowed by robots.txt", None
        if "max redirections" in message.lower() or "redirect" in message.lower():
            return "fault", f"too many redirects ({message})", "redirects"
        if "cannot resolve" in message:  # the private-address guard could not look the host up
            return "fault", message, "dns"
        if "DOWNLOAD_MAXSIZE" in message:
            return "fault", f"response too large once decompressed (decompression cap): {message}", "size-cap"
        return "fault", message or "request dropped", None
    if isinstance(error, TwistedTimeoutError | TCPTimedOutError | TimeoutError):
        return "fault", f"timed out ({error})", "time-cap"
    if isinstance(error, DNSLookupError):
        text = str(error)
        if "private-address guard" in text:
            return "refused", text, None
        return "fault", f"DNS lookup failed ({text})", "dns"
    if isinstance(error, ConnectionRefusedError):
        return "fault", "connection refused", "connection"
    if isinstance(error, ResponseFailed | ConnectionLost):
        reasons = getattr(error, "reasons", None) or []
        detail = "; ".join(str(getattr(r, "value", r)) for r in reasons) or str(error)
        if "maxsize" in detail.lower() or "cancel" in detail.lower():
            return "fault", f"response larger than the size cap ({detail})", "size-cap"
        return "fault", f"connection lost or reset ({detail})", "connection"
    text = str(error)
    name = type(error).__name__
    if "maxsize" in text.lower() or "max size" in text.lower() or "DOWNLOAD_MAXSIZE" in text:
        return "fault", f"response larger than the size cap ({text})", "size-cap"
    if "Timeout" in name:
        return "fault", f"timed out ({text})", "time-cap"
    if "ConnectionLost" in text or "ConnectionDone" in text or "reset" in text.lower() or "DataLoss" in name:
        return "fault", f"connection lost or reset ({name})", "connection"
    if "Refused" in name:
        return "fault", "connection refused", "connection"
    if "Resolve" in name:
        return "fault", f"DNS lookup failed ({text})", "dns"
    return "fault", f"{name}: {text}", None


def _apply_fields(listing: Listing, profile: SiteProfile, text: str, url: str) -> Listing:
    """The listing with the profile's field selectors taking precedence over the generic reader."""
    page = ParselSelector(text=text)
    values: dict[str, Any] = {}
    fields_from = dict(listing.extra.get("fields_from", {}))
    for name, selector in profile.fields.items():
        found = selector.select(page)
        if not found:
            continue
        if name == "images":
            values["images"] = tuple(dict.fromkeys(urljoin(url, src) for src in found))
        else:
            values[name] = "\n".join(found) if name in ("text", "seller_info") else found[0]
        fields_from[name] = "profile"
    if not values:
        return listing
    return replace(listing, **values, extra={**listing.extra, "fields_from": fields_from})
