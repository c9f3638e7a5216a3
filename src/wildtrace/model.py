"""Domain types shared by every stage.

Plain frozen dataclasses with no I/O and no framework imports, so the core stages
(parse, detect, extract, link) can be run anywhere: the CLI, the web app, a Spark
executor. Names follow the investigators' vocabulary (DESIGN.md).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import unquote

#: Fields of a listing that detection and extraction read, in a fixed order.
TEXT_FIELDS: tuple[str, ...] = ("title", "text", "seller_info", "price", "location", "seller", "url")
#: The longest field text that the analysis cache and the per-field memos of matching and
#: extraction keep (longer ones are analysed, not remembered): a bound on their memory, as a
#: field may hold up to WILDTRACE_MAX_FIELD_BYTES and thousands of them are remembered.
REMEMBERED_TEXT_CHARS = 8192


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record came from: the file and the line (JSONL, CSV) or record number (WARC)."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class Capture:
    """Exactly what was served, when and from where: the evidence behind a listing."""

    url: str
    sha256: str
    captured_at: str | None = None
    content_type: str | None = None
    http_status: int | None = None
    warc_file: str | None = None
    warc_offset: int | None = None


def capture_time(value: str | None) -> datetime | None:
    """A capture's ``captured_at`` as an aware datetime (UTC when it names no zone), or
    None when it is missing or not ISO 8601; captures are ordered by it, not by reading
    (the store and the file path of ``link`` / ``network`` alike)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def captured_before(capture: Capture | None, than: Capture | None) -> bool:
    """True when ``capture`` was taken before ``than``: both have a capture time and it is
    earlier. Otherwise (no time on either, or the same time) the one read later counts."""
    when = capture_time(capture.captured_at) if capture is not None else None
    other = capture_time(than.captured_at) if than is not None else None
    return when is not None and other is not None and when < other


class ListingKey(NamedTuple):
    """What identifies a listing: its id within its platform. Ids are only unique per
    platform, so "123" on two platforms is two listings; a listing that names no platform
    lives in a namespace of its own, ``""``. The one definition of a listing's identity:
    scanning, the store, linking and the output all key listings by it.
    """

    platform: str
    id: str

    def __str__(self) -> str:
        """The key's text form, which ``parse_listing_key`` reads back: ``platform:id``, or
        the plain id when the listing names no platform. It is one-to-one: a platform-less
        id holding ':' is written ``:id`` (``:ebay:123``, not the ``ebay:123`` of the id
        123 on ebay), and ':' and '%' in a platform (an IPv6 host) as ``%3A`` and ``%25``."""
        if self.platform:
            return f"{self.platform.replace('%', '%25').replace(':', '%3A')}:{self.id}"
        return f":{self.id}" if ":" in self.id else self.id


def parse_listing_key(text: str) -> ListingKey:
    """The key ``text`` (``str(ListingKey)``) is the form of: split on the first ':', an
    empty platform meaning none; text without ':' is a platform-less id."""
    platform, colon, uid = text.partition(":")
    if not colon:
        return ListingKey("", text)
    return ListingKey(unquote(platform), uid)


@dataclass(frozen=True, slots=True)
class Listing:
    """One offer (or post) on one platform, as read from an input record or a captured page."""

    id: str
    platform: str | None = None
    url: str | None = None
    seller: str | None = None
    seller_info: str | None = None
    title: str | None = None
    text: str | None = None
    price: str | None = None
    location: str | None = None
    posted_at: str | None = None
    images: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    origin: Origin | None = field(default=None, compare=False)
    capture: Capture | None = None

    @property
    def key(self) -> ListingKey:
        """This listing's identity: (platform or "", id); see ListingKey."""
        return ListingKey(self.platform or "", self.id)

    def field_text(self, name: str) -> str:
        """The text of one of TEXT_FIELDS, or "" when absent."""
        value = getattr(self, name)
        return value if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class Reject:
    """A record that could not be read, with what the user needs to find and fix it."""

    origin: Origin
    reason: str
    raw: str = ""


@dataclass(frozen=True, slots=True)
class Page:
    """A page read from a WARC that is not a listing (home, search, seller ...): it stays in its
    WARC file as evidence and is counted by kind, but is not analysed as an offer."""

    origin: Origin
    url: str
    #: A ``wildtrace.parse.page.PageKind`` value: "search", "seller", "home" or "other".
    kind: str
    capture: Capture | None = None


@dataclass(frozen=True, slots=True)
class Taxon:
    """A CITES taxon named or implied by a listing."""

    name: str
    cites_appendix: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """A lexicon term found in one field of a listing (character offsets into that field)."""

    term: str
    field: str
    start: int
    end: int
    language: str
    commodity: str | None = None
    kind: str = "product"
    taxon: str | None = None


@dataclass(frozen=True, slots=True)
class Detection:
    """How likely a listing offers a wildlife or timber product, and why."""

    score: float
    flagged: bool
    commodities: tuple[str, ...] = ()
    taxa: tuple[Taxon, ...] = ()
    matches: tuple[Match, ...] = ()
    legality_cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Selector:
    """An identifier a seller left (phone, email, handle, wallet ...), validated and normalised."""

    type: str
    value: str
    raw: str
    field: str = ""
    start: int = 0
    end: int = 0
    channel: str | None = None  # how to reach it: "whatsapp", "zalo", "telegram" ...
    #: How sure the extractor is (0-1): 1.0 for checksummed values, lower when inferred.
    #: Not part of equality: the same value found at the same place is the same selector.
    confidence: float = dataclasses.field(default=1.0, compare=False)


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the core concluded about one listing."""

    listing_id: str
    detection: Detection
    selectors: tuple[Selector, ...] = ()
    language: str | None = None
    analyzer_version: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    """Two listings that belong together, with a reason a prosecutor can read; the listings
    are named by ``str(Listing.key)``."""

    source: str
    target: str
    reason: str
    kind: str
    value: str


@dataclass(frozen=True, slots=True)
class HeldBack:
    """A shared value that was not used for linking because too many accounts share it."""

    kind: str
    value: str
    accounts: int
    reason: str


@dataclass(frozen=True, slots=True)
class Network:
    """The result of linking: a cluster id per listing (keyed by ``str(Listing.key)``), the
    links, and what was held back."""

    clusters: dict[str, str]
    links: tuple[Link, ...] = ()
    held_back: tuple[HeldBack, ...] = ()
