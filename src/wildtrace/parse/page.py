"""What kind of page a fetched HTML page is: one listing, a search or list of offers, a seller's
page, a site's home page, or something else.

One classifier for every reader of pages without a site profile: the crawler's generic mode
follows every link and archives every page, and the WARC importer reads captures made by other
tools (wget, browsertrix ...); both keep every page as evidence but make listings only of
listing pages, so that a search page naming ten offers is not itself flagged as an offer.
Pure: plain data in, a kind out.
"""

from __future__ import annotations

import re
from enum import StrEnum
from urllib.parse import parse_qsl, urlsplit

from wildtrace.model import Listing
from wildtrace.parse.html import PRICE_HINTS_KEY, has_text


class PageKind(StrEnum):
    """The kinds of page, as named in summaries."""

    LISTING = "listing"
    SEARCH = "search"
    SELLER = "seller"
    HOME = "home"
    OTHER = "other"


#: URL paths that look like one item, for pages without structured data.
GENERIC_ITEM_PATH = re.compile(
    r"/(?:item|items|listing|listings|product|products|p|ad|ads|annonce|"
    r"anuncio|offer|post|san-pham|tin)/",
    re.IGNORECASE,
)
#: URL ends that name one post or item by its number: a channel post (``/s/channel/7287``), a
#: Shopee-style item (``name-i.123.456``); checked after the search and seller shapes. A path
#: ending in a year (``/news/2024``) is not one.
_ITEM_ID_END = re.compile(r"(?:/(?!(?:19|20)\d\d/?$)\d{3,}/?|-i\.\d+\.\d+/?)$")
#: Path segments of search, category and result pages.
_SEARCH_PATH = re.compile(
    r"/(?:search|find|results?|browse|category|categories|cat|tag|tags|tim-kiem|buscar|recherche|"
    r"suche|sok|cari)(?:/|$|\.)",
    re.IGNORECASE,
)
#: Query keys that carry a search.
_SEARCH_KEYS = frozenset({"q", "query", "search", "keyword", "keywords", "k", "s", "term", "kw"})
#: Path segments of seller, shop and user pages.
_SELLER_PATH = re.compile(
    r"/(?:seller|sellers|vendor|vendors|shop|shops|store|stores|user|users|member|members|"
    r"profile|profiles|u|cua-hang|boutique|tienda)(?:/|$|\.)",
    re.IGNORECASE,
)
_HOME_PATH = re.compile(r"/*(?:(?:index|default|home)\.(?:html?|php|aspx?))?", re.IGNORECASE)
#: Structured data of a list of offers rather than of one.
_LIST_TYPES = re.compile(
    rb"""["']@type["']\s*:\s*["'](?:https?://schema\.org/)?(?:ItemList|SearchResultsPage|CollectionPage|OfferCatalog)["']"""
    rb"""|itemtype\s*=\s*["']?https?://schema\.org/(?:ItemList|SearchResultsPage|CollectionPage|OfferCatalog)\b""",
    re.IGNORECASE,
)
_PRODUCT_MARKS = re.compile(
    rb"""["']@type["']\s*:\s*["'](?:https?://schema\.org/)?Product["']"""
    rb"""|itemtype\s*=\s*["']?https?://schema\.org/Product\b""",
    re.IGNORECASE,
)
#: Bytes of a page searched for structured-data marks (they sit in the head or near items).
_MARKS_SCAN = 1 << 20


def is_structured_listing(listing: Listing) -> bool:
    """Whether the parser read the listing's fields from structured data (JSON-LD, microdata,
    or an OpenGraph / meta price): the page says of itself that it offers one item."""
    fields_from = listing.extra.get("fields_from", {})
    sources = set(fields_from.values())
    return bool(sources & {"json-ld", "microdata"}) or bool(
        listing.price and fields_from.get("price") == "meta"
    )


def has_one_hinted_price(listing: Listing) -> bool:
    """Whether the listing's price came from the page's own hints (a price-named element, a
    "Price:" label) and the page showed no other price: a plain page offering one item, as
    a shop without structured data serves it (``/ivory-bangle-12.html``, ``/view.php?id=12``)."""
    fields_from = listing.extra.get("fields_from", {})
    hints = listing.extra.get(PRICE_HINTS_KEY, 1)
    return bool(listing.price) and fields_from.get("price") == "labels" and hints == 1


def offers_on_page(html: str | bytes) -> int:
    """How many product marks (JSON-LD ``Product`` objects, microdata Product scopes) the page
    holds, or 2 for a page that declares itself a list (ItemList, SearchResultsPage ...)."""
    data = html.encode("utf-8", "replace") if isinstance(html, str) else html
    data = data[:_MARKS_SCAN]
    if _LIST_TYPES.search(data):
        return 2
    return sum(1 for _ in _PRODUCT_MARKS.finditer(data))


def page_kind(url: str | None, listing: Listing, html: str | bytes | None = None) -> PageKind:
    """The kind of a page, from its URL, what the parser read from it, and (when given) its HTML.

    A URL shaped like one item (``/item/…``, ``/product/…``) is a listing. A page holding
    several offers (or declaring itself a list) is a search page, or a seller's page when its
    URL says so. A page whose fields came from structured data is a listing. Otherwise the URL
    decides: search, seller, home; then a page showing exactly one hinted price (a plain shop
    page) or whose URL ends in an item number is a listing, and any other is other. A page
    without text is never a listing.
    """
    parts = urlsplit(url or "")
    path = parts.path or "/"
    if not has_text(listing):
        kind = PageKind.OTHER
    elif GENERIC_ITEM_PATH.search(path):
        return PageKind.LISTING
    elif html is not None and offers_on_page(html) > 1:
        return PageKind.SELLER if _SELLER_PATH.search(path) else PageKind.SEARCH
    elif is_structured_listing(listing):
        return PageKind.LISTING
    else:
        kind = PageKind.OTHER
    if _SEARCH_PATH.search(path) or any(key.lower() in _SEARCH_KEYS for key, _ in _query(parts.query)):
        return PageKind.SEARCH
    if _SELLER_PATH.search(path):
        return PageKind.SELLER
    if _HOME_PATH.fullmatch(path) and not parts.query:
        return PageKind.HOME
    if kind is not PageKind.OTHER or not has_text(listing):
        return kind
    if has_one_hinted_price(listing) or _ITEM_ID_END.search(path):
        return PageKind.LISTING
    return PageKind.OTHER


def _query(query: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(query, keep_blank_values=True)
    except ValueError:
        return []
