"""A small fictional marketplace on loopback, for the demo crawl, the crawler tests and the benchmark.

The listings are the packaged demo corpus (``wildtrace/demo/data/listings.jsonl``: written for
WildTrace, fictional). Each listing page uses one of three markups in turn: JSON-LD,
microdata, plain HTML; the corpus brings the languages (Vietnamese, Chinese, French,
Portuguese, Indonesian, Thai, English ...). The site has a home page, search with
pagination, seller pages, a robots.txt that disallows ``/private/`` (linked from the home page,
so a crawler that ignores robots.txt is caught), a listing that disappears after it has been
served once (410), a very large catalogue page, and fault endpoints under ``/faults/`` for
the tests. Control endpoints (``POST /_control/...``) take listings down or change prices,
for demonstrating re-crawls. Every value written into a page is HTML-escaped.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import html
import json
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

#: Listings per search page.
PER_PAGE = 10
#: The listing that is served once and then answers 410 Gone (the "page that disappears").
VANISHING_INDEX = 4
#: Size of the very large catalogue page, in bytes (roughly).
LARGE_PAGE_BYTES = 3 * 1024 * 1024
#: Inflated size of the decompression bomb (served as about 64 KB of gzip).
BOMB_BYTES = 64 * 1024 * 1024
MARKUPS: tuple[str, ...] = ("json-ld", "microdata", "plain")

ROBOTS_TXT = "User-agent: *\nDisallow: /private/\nDisallow: /_control/\n"


def load_listings(limit: int | None = None) -> list[dict[str, Any]]:
    """The demo corpus as dicts (the first ``limit`` of them)."""
    path = resources.files("wildtrace.demo") / "data" / "listings.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit is not None else rows


def seller_slug(seller: str) -> str:
    return "s-" + hashlib.sha256(seller.encode("utf-8")).hexdigest()[:10]


def _e(value: Any) -> str:
    return html.escape(str(value) if value is not None else "", quote=True)


@dataclass
class SiteState:
    """What the server changes while it runs: takedowns, prices, hit counts."""

    #: listing id -> "404", "410" or "removed" (a 200 page that says the listing was removed)
    gone: dict[str, str] = field(default_factory=dict)
    prices: dict[str, str] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


class DemoSite:
    """The marketplace's content and state; ``serve()`` puts it on a loopback port."""

    def __init__(
        self,
        limit: int | None = None,
        *,
        vanishing: bool = True,
        slow_seconds: float = 5.0,
        large_page_bytes: int = LARGE_PAGE_BYTES,
    ) -> None:
        self.listings = load_listings(limit)
        self.by_id = {row["id"]: (index, row) for index, row in enumerate(self.listings)}
        self.sellers: dict[str, list[dict[str, Any]]] = {}
        for row in self.listings:
            self.sellers.setdefault(seller_slug(row["seller"]), []).append(row)
        self.vanishing_id = (
            self.listings[VANISHING_INDEX]["id"] if vanishing and len(self.listings) > 5 else None
        )
        self.private_id = self.listings[-1]["id"]
        self.slow_seconds = slow_seconds
        self.large_page_bytes = large_page_bytes
        self.state = SiteState()
        self._bomb: bytes | None = None

    # -- control ---------------------------------------------------------------------------

    def take_down(self, listing_id: str, how: str = "404") -> None:
        """Make a listing answer 404, 410 or a 200 page saying it was removed."""
        if how not in ("404", "410", "removed"):
            raise ValueError("how must be 404, 410 or removed")
        with self.state.lock:
            self.state.gone[listing_id] = how

    def set_price(self, listing_id: str, price: str) -> None:
        with self.state.lock:
            self.state.prices[listing_id] = price

    def hits(self, path: str) -> int:
        with self.state.lock:
            return self.state.hits[path]

    def listing_path(self, listing_id: str) -> str:
        return f"/listing/{quote(listing_id)}"

    @property
    def bomb(self) -> bytes:
        if self._bomb is None:  # gzip members of 1 MiB of zeros, one after another (valid gzip)
            member = gzip.compress(b"\0" * (1 << 20), compresslevel=9, mtime=0)
            self._bomb = member * (BOMB_BYTES >> 20)
        return self._bomb

    # -- serving ---------------------------------------------------------------------------

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve in a background thread; yields the base URL ("http://127.0.0.1:PORT")."""
        server = self.make_server(host, port)
        thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
        thread.start()
        try:
            yield f"http://{host}:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()

    def make_server(self, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
        site = self

        class Handler(DemoHandler):
            demo = site

        server = _QuietServer((host, port), Handler)
        server.daemon_threads = True
        return server

    # -- pages -----------------------------------------------------------------------------

    def page(self, title: str, body: str, head: str = "", lang: str = "en") -> str:
        return (
            f'<!DOCTYPE html>\n<html lang="{_e(lang)}"><head><meta charset="utf-8">'
            f"<title>{_e(title)} · Marché Demo</title>{head}</head>\n<body>"
            '<header><a href="/">Marché Demo</a> · <a href="/search?q=">All listings</a> · '
            '<a href="/sellers/">Sellers</a></header>\n'
            f"<main>{body}</main>\n"
            "<footer>A fictional marketplace for WildTrace demos. Nothing here is for sale.</footer>"
            "</body></html>\n"
        )

    def home(self) -> str:
        featured = "".join(
            f'<li><a class="listing-link" href="{self.listing_path(row["id"])}">{_e(row["title"])}</a></li>'
            for row in self.listings[:12]
        )
        private = self.listing_path(self.private_id).replace("/listing/", "/private/listing/")
        body = (
            "<h1>Marché Demo</h1>"
            "<p>Second-hand goods, crafts and more, from sellers across Asia and Europe.</p>"
            f'<form action="/search"><input name="q"><button>Search</button></form>'
            f"<h2>Featured</h2><ul>{featured}</ul>"
            '<p><a href="/search?q=">Browse all listings</a> · '
            '<a href="/catalogue/full">Full catalogue</a> · '
            f'<a href="{private}">Staff picks (members only)</a></p>'
        )
        return self.page("Home", body)

    def search(self, query: str, page_number: int) -> str:
        needle = query.casefold().strip()
        found = [
            row
            for row in self.listings
            if row["id"] != self.private_id
            and (not needle or needle in f"{row['title']} {row['text']}".casefold())
        ]
        pages = max(1, -(-len(found) // PER_PAGE))
        page_number = min(max(1, page_number), pages)
        shown = found[(page_number - 1) * PER_PAGE : page_number * PER_PAGE]
        items = "".join(
            f'<li class="result"><a class="listing-link" href="{self.listing_path(row["id"])}">'
            f"{_e(row['title'])}</a>"
            f' <span class="price">{_e(self.price(row))}</span></li>'
            for row in shown
        )
        nav = ""
        q = quote(query)
        if page_number > 1:
            nav += f'<a rel="prev" class="prev" href="/search?q={q}&amp;page={page_number - 1}">Previous</a> '
        if page_number < pages:
            nav += f'<a rel="next" class="next" href="/search?q={q}&amp;page={page_number + 1}">Next</a>'
        body = (
            f"<h1>Search: {_e(query) or 'all listings'}</h1>"
            f"<p>{len(found)} results, page {page_number} of {pages}</p>"
            f'<ul class="results">{items}</ul><nav class="pagination">{nav}</nav>'
        )
        return self.page(f"Search {query}", body)

    def price(self, row: dict[str, Any]) -> str:
        with self.state.lock:
            return self.state.prices.get(row["id"], row.get("price") or "")

    def listing(self, row: dict[str, Any], index: int) -> str:
        markup = MARKUPS[index % len(MARKUPS)]
        seller_href = f"/seller/{seller_slug(row['seller'])}"
        price = self.price(row)
        images = "".join(
            f'<img class="listing-photo" src="{_e(src)}" alt="photo">' for src in row.get("images", [])
        )
        when = _e(row.get("posted_at"))
        posted = f'<time class="listing-posted" datetime="{when}">{when}</time>'
        head = f'<link rel="canonical" href="{self.listing_path(row["id"])}">'
        if markup == "json-ld":
            data = {
                "@context": "https://schema.org",
                "@type": "Product",
                "name": row["title"],
                "description": row["text"],
                "image": row.get("images", []),
                "offers": {
                    "@type": "Offer",
                    "price": price,
                    "seller": {
                        "@type": "Person",
                        "name": row["seller"],
                        "description": row.get("seller_info"),
                    },
                    "availableAtOrFrom": {"@type": "Place", "name": row.get("location")},
                    "validFrom": row.get("posted_at"),
                },
            }
            script = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
            head += f'<script type="application/ld+json">{script}</script>'
            body = (
                f'<article><h1 class="listing-title">{_e(row["title"])}</h1>{images}'
                f'<div class="listing-description">{_e(row["text"])}</div>'
                + (f'<p class="listing-price">{_e(price)}</p>' if price else "")
                + f'<p>Seller: <a class="listing-seller" href="{seller_href}">{_e(row["seller"])}</a></p>'
                f'<p class="listing-location">{_e(row.get("location"))}</p>{posted}</article>'
            )
        elif markup == "microdata":
            body = (
                '<article itemscope itemtype="https://schema.org/Product">'
                f'<h1 class="listing-title" itemprop="name">{_e(row["title"])}</h1>'
                + "".join(
                    f'<img class="listing-photo" itemprop="image" src="{_e(src)}" alt="photo">'
                    for src in row.get("images", [])
                )
                + f'<div class="listing-description" itemprop="description">{_e(row["text"])}</div>'
                '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
                + (
                    f'<p class="listing-price"><span itemprop="price" content="{_e(price)}">'
                    f"{_e(price)}</span></p>"
                    if price
                    else ""
                )
                + '<p itemprop="seller" itemscope itemtype="https://schema.org/Person">Seller: '
                f'<a class="listing-seller" href="{seller_href}">'
                f'<span itemprop="name">{_e(row["seller"])}</span></a>'
                "</p></div>"
                f'<p class="listing-location">{_e(row.get("location"))}</p>{posted}</article>'
            )
        else:
            body = (
                f'<div class="item"><h1 class="listing-title">{_e(row["title"])}</h1>{images}'
                f'<div class="listing-description">{_e(row["text"])}</div>'
                + (
                    f'<p class="listing-price">Price: <span class="amount">{_e(price)}</span></p>'
                    if price
                    else ""
                )
                + f'<p>Seller: <a class="listing-seller" href="{seller_href}">{_e(row["seller"])}</a></p>'
                f'<p class="listing-location">{_e(row.get("location"))}</p>{posted}</div>'
            )
        body += f'<p class="seller-info">{_e(row.get("seller_info"))}</p>'
        return self.page(row["title"], body, head)

    def removed(self) -> str:
        return self.page(
            "Removed", "<h1>This listing has been removed</h1><p>The seller or a moderator removed it.</p>"
        )

    def seller(self, slug: str) -> str | None:
        rows = self.sellers.get(slug)
        if not rows:
            return None
        items = "".join(
            f'<li><a class="listing-link" href="{self.listing_path(row["id"])}">{_e(row["title"])}</a></li>'
            for row in rows
            if row["id"] != self.private_id
        )
        name = rows[0]["seller"]
        body = f'<h1>{_e(name)}</h1><p class="about">{_e(rows[0].get("seller_info"))}</p><ul>{items}</ul>'
        return self.page(name, body)

    def sellers_index(self) -> str:
        items = "".join(
            f'<li><a href="/seller/{slug}">{_e(rows[0]["seller"])}</a> ({len(rows)})</li>'
            for slug, rows in sorted(self.sellers.items())
        )
        return self.page("Sellers", f"<h1>Sellers</h1><ul>{items}</ul>")

    def catalogue(self) -> str:
        """The very large page: every listing's text again and again, about LARGE_PAGE_BYTES."""
        block = "".join(
            f'<section><h2><a href="{self.listing_path(row["id"])}">{_e(row["title"])}</a></h2>'
            f"<p>{_e(row['text'])}</p></section>"
            for row in self.listings
        )
        copies = max(1, self.large_page_bytes // max(1, len(block.encode("utf-8"))))
        return self.page("Full catalogue", "<h1>Full catalogue</h1>" + block * copies)

    def faults_index(self) -> str:
        links = [
            "broken-html",
            "wrong-charset",
            "no-charset",
            "binary",
            "binary-as-html",
            "redirect/0",
            "slow",
            "reset",
            "bomb",
            "huge",
            "busy",
            "not-found",
            "loopback-redirect",
        ]
        items = "".join(f'<li><a href="/faults/{name}">{name}</a></li>' for name in links)
        return self.page("Faults", f"<h1>Fault endpoints</h1><ul>{items}</ul>")


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up (size caps, timeouts) are expected here: no traceback."""


class DemoHandler(BaseHTTPRequestHandler):
    """Routes requests to the DemoSite (set as a class attribute by ``make_server``)."""

    demo: DemoSite
    server_version = "MarcheDemo/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests and the demo read the crawler's log, not the server's."""

    def send_body(
        self,
        status: int,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        segments = parts.path.strip("/").split("/")
        demo = self.demo
        if len(segments) == 3 and segments[0] == "_control" and segments[2] in demo.by_id:
            if segments[1] == "takedown":
                demo.take_down(segments[2], query.get("how", ["404"])[0])
                self.send_body(200, "ok\n", "text/plain")
                return
            if segments[1] == "price" and query.get("price"):
                demo.set_price(segments[2], query["price"][0])
                self.send_body(200, "ok\n", "text/plain")
                return
        self.send_body(404, "no such control\n", "text/plain")

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        demo = self.demo
        with demo.state.lock:
            demo.state.hits[path] += 1
        if path.startswith("/faults/"):
            self.fault(path.removeprefix("/faults/"))
            return
        query = parse_qs(parts.query)
        if path == "/":
            self.send_body(200, demo.home())
        elif path == "/robots.txt":
            self.send_body(200, ROBOTS_TXT, "text/plain; charset=utf-8")
        elif path == "/search":
            try:
                number = int(query.get("page", ["1"])[0])
            except ValueError:
                number = 1
            self.send_body(200, demo.search(query.get("q", [""])[0], number))
        elif path == "/sellers/":
            self.send_body(200, demo.sellers_index())
        elif path.startswith("/seller/"):
            page = demo.seller(path.removeprefix("/seller/"))
            self.send_body(200 if page else 404, page or demo.page("Not found", "<h1>No such seller</h1>"))
        elif path == "/catalogue/full":
            self.send_body(200, demo.catalogue())
        elif path.startswith(("/listing/", "/private/listing/")):
            self.listing(path.rsplit("/", 1)[-1], private=path.startswith("/private/"))
        else:
            self.send_body(404, demo.page("Not found", "<h1>Page not found</h1>"))

    def listing(self, listing_id: str, private: bool) -> None:
        demo = self.demo
        listing_id = unquote(listing_id)
        found = demo.by_id.get(listing_id)
        if found is None or (listing_id == demo.private_id) != private:
            self.send_body(404, demo.page("Not found", "<h1>Page not found</h1>"))
            return
        with demo.state.lock:
            how = demo.state.gone.get(listing_id)
            if listing_id == demo.vanishing_id and how is None:
                served = demo.state.hits[f"listing:{listing_id}"]
                demo.state.hits[f"listing:{listing_id}"] += 1
                how = "410" if served >= 1 else None
        if how == "removed":
            self.send_body(200, demo.removed())
        elif how in ("404", "410"):
            self.send_body(int(how), demo.page("Gone", "<h1>Page not found</h1>"))
        else:
            index, row = found
            self.send_body(200, demo.listing(row, index))

    # -- faults ----------------------------------------------------------------------------

    def fault(self, name: str) -> None:
        demo = self.demo
        if name == "" or name == "index":
            self.send_body(200, demo.faults_index())
        elif name == "broken-html":
            body = (
                "<html><head><title>Ngà voi <b>thật</title><body><h1>Vòng tay ngà voi<div><p>Hàng thật"
                " 100% <<table><tr><td>giá 2tr<//td></tr><script>var x = '</div>"
                "<p>Liên hệ Zalo 0912 345 678 <a href='/listing/nowhere' <i>"
            )
            self.send_body(200, body)
        elif name == "wrong-charset":
            text = (
                "<html><body><h1>Sculpture en ivoire ancienne, très belle pièce</h1>"
                "<p>Prix à débattre, envoi soigné.</p></body></html>"
            )
            self.send_body(200, text.encode("cp1252"), "text/html; charset=utf-8")
        elif name == "no-charset":
            text = (
                "<html><body><h1>象牙手镯 老料 包真</h1><p>微信联系，全国包邮。价格私聊。</p></body></html>"
            )
            self.send_body(200, text.encode("gb18030"), "text/html")
        elif name == "binary":
            data = hashlib.sha256(b"x").digest() * 2000
            self.send_body(200, data, "application/octet-stream")
        elif name == "binary-as-html":
            data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + hashlib.sha256(b"y").digest() * 500
            self.send_body(200, data, "text/html")
        elif name.startswith("redirect/"):
            try:
                step = int(name.removeprefix("redirect/"))
            except ValueError:
                step = 0
            self.send_body(302, "", headers={"Location": f"/faults/redirect/{step + 1}"})
        elif name == "loopback-redirect":
            port = self.server.server_address[1]  # type: ignore[index]  # an (host, port) pair here
            self.send_body(302, "", headers={"Location": f"http://127.0.0.2:{port}/"})
        elif name == "slow":
            time.sleep(demo.slow_seconds)
            self.send_body(200, demo.page("Slow", "<h1>Finally</h1>"))
        elif name == "reset":
            self.reset()
        elif name == "bomb":
            self.send_body(200, demo.bomb, headers={"Content-Encoding": "gzip"})
        elif name == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            size = 64 * 1024 * 1024
            self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = b"<p>" + b"x" * 65530 + b"</p>"
            try:
                for _ in range(size // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass  # the crawler hung up at its size cap, as it should
            self.close_connection = True
        elif name == "busy":
            with demo.state.lock:
                count = demo.state.hits["busy-served"]
                demo.state.hits["busy-served"] += 1
            if count < 2:
                self.send_body(
                    503 if count == 0 else 429, "busy\n", "text/plain", headers={"Retry-After": "1"}
                )
            else:
                self.send_body(200, demo.page("Busy", "<h1>Served after the back-off</h1>"))
        else:
            self.send_body(404, demo.page("Not found", "<h1>Page not found</h1>"))

    def finish(self) -> None:
        with contextlib.suppress(OSError):  # the connection was reset on purpose, or the client hung up
            super().finish()

    def reset(self) -> None:
        """Close the connection with a TCP reset (SO_LINGER 0) before answering."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True
