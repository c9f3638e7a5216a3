"""Page kinds: is a captured HTML page one listing, or a home, search or seller page?

How the crawler's generic mode (no site profile) decides which pages become listings, as pure
functions of the page's URL and text: no Scrapy, no I/O, so a WARC import can classify pages
exactly as the crawler does. A page is a listing when it carries structured item data (JSON-LD
or microdata, or an OpenGraph price) or its path looks like one item (``/item/``,
``/annonce/`` ...), and it gave some text to analyse. Other pages are kept as evidence only.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

from wildtrace.model import Listing
from wildtrace.parse import parse_listing_html, url_id
from wildtrace.parse.html import has_text

PageKind = Literal["listing", "home", "search", "seller", "page"]

#: URL paths that look like one item, for pages without structured data.
GENERIC_ITEM_PATH = re.compile(
    r"/(?:item|items|listing|listings|product|products|p|ad|ads|annonce|"
    r"anuncio|offer|post|san-pham|tin)/",
    re.IGNORECASE,
)
#: URL paths of a seller's or shop's page.
SELLER_PATH = re.compile(
    r"/(?:seller|sellers|shop|shops|store|stores|vendor|vendors|user|users|profile|member|"
    r"boutique|vendeur|tienda|loja|cua-hang|toko)(?:/|$)",
    re.IGNORECASE,
)
#: URL paths and query keys of a search or category result page.
SEARCH_PATH = re.compile(r"/(?:search|recherche|buscar|busca|tim-kiem|cari|results?)(?:/|$)", re.IGNORECASE)
SEARCH_KEYS = frozenset({"q", "query", "search", "keyword", "keywords", "k", "s", "term"})


def is_listing_page(url: str, listing: Listing) -> bool:
    """Whether a page read as ``listing`` (by ``parse_listing_html``) is one item's page."""
    fields_from = listing.extra.get("fields_from", {})
    sources = set(fields_from.values()) if isinstance(fields_from, dict) else set()
    structured = bool(sources & {"json-ld", "microdata"}) or bool(
        listing.price and isinstance(fields_from, dict) and fields_from.get("price") == "meta"
    )
    return (structured or bool(GENERIC_ITEM_PATH.search(urlsplit(url).path))) and has_text(listing)


def other_page_kind(url: str) -> PageKind:
    """The kind of a page that is not a listing, from its URL alone."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if SEARCH_PATH.search(path) or any(
        key.lower() in SEARCH_KEYS and value for key, value in parse_qsl(parts.query)
    ):
        return "search"
    if SELLER_PATH.search(path):
        return "seller"
    if path.strip("/") in ("", "index.html", "index.htm", "index.php"):
        return "home"
    return "page"


def page_kind(url: str, listing: Listing) -> PageKind:
    """The kind of a page already read as ``listing``."""
    return "listing" if is_listing_page(url, listing) else other_page_kind(url)


def read_page(url: str, text: str) -> tuple[Listing, PageKind]:
    """An HTML page (decoded text) as a Listing with the crawler's id for it, and its kind."""
    listing = parse_listing_html(text, url, listing_id=url_id(url))
    return listing, page_kind(url, listing)
