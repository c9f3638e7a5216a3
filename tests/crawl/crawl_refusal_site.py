"""A tiny marketplace on loopback that provokes every kind of refusal a crawl can meet.

Its home page links to: a listing (``/item/1``), a page robots.txt forbids, a redirect to another
host name (``localhost``: off-site), a link to that other host, a redirect and a link to
127.0.0.2 (refused by the private-address guard when only 127.0.0.1 is allowed), a chain of
pages deeper than the crawl's depth, a page over the size cap, one slower than the timeout and
a host that does not resolve.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: The listing's text: flagged by the detector.
LISTING_TITLE = "Raw ivory tusk bracelet, genuine elephant ivory, 2 kg available"
LISTING_TEXT = (
    "Selling genuine elephant ivory bangles and raw ivory tusk pieces. Rhino horn also available. "
    "Discreet shipping worldwide, contact on WhatsApp +84 912 345 678. Price 1500 USD per kg."
)


def listing_page() -> str:
    return (
        "<html><head><title>Item</title>"
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product", '
        f'"name": "{LISTING_TITLE}", "description": "{LISTING_TEXT}", '
        '"offers": {"@type": "Offer", "price": "1500", "priceCurrency": "USD"}}</script>'
        f"</head><body><h1>{LISTING_TITLE}</h1><p>{LISTING_TEXT}</p></body></html>"
    )


class RefusalSite:
    """The site's state: hits per path (thread-safe)."""

    def __init__(self, slow_seconds: float = 3.0, big_bytes: int = 256 * 1024, robots: str = "ok") -> None:
        #: "ok", "503" (a server error on robots.txt), "404" (no robots.txt) or "hang-up"
        self.robots = robots
        self.slow_seconds = slow_seconds
        self.big_bytes = big_bytes
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.port = 0

    def home(self) -> str:
        port = self.port
        links = [
            "/item/1",
            "/private/secret",
            "/go-away",
            f"http://localhost:{port}/linked-away",
            "/to-private",
            f"http://127.0.0.2:{port}/direct",
            "/d1",
            "/big",
            "/slow",
            f"http://unresolvable.invalid:{port}/x",
        ]
        items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
        return f"<html><body><h1>Market</h1><ul>{items}</ul></body></html>"

    @contextmanager
    def serve(self) -> Iterator[str]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def send(
                self, status: int, body: str | bytes = "", headers: dict[str, str] | None = None
            ) -> None:
                data = body.encode("utf-8") if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(OSError):  # the crawler hung up (size cap, timeout)
                    self.wfile.write(data)

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with site.lock:
                    site.hits[path] += 1
                port = site.port
                if path == "/robots.txt" and site.robots == "hang-up":
                    self.close_connection = True  # no answer at all: a network failure
                elif path == "/robots.txt" and site.robots != "ok":
                    self.send(int(site.robots), "<html><body><h1>Try again later</h1></body></html>")
                elif path == "/robots.txt":
                    self.send(200, "User-agent: *\nDisallow: /private/\n")
                elif path == "/":
                    self.send(200, site.home())
                elif path == "/item/1":
                    self.send(200, listing_page())
                elif path == "/go-away":
                    self.send(302, headers={"Location": f"http://localhost:{port}/elsewhere"})
                elif path == "/to-private":
                    self.send(302, headers={"Location": f"http://127.0.0.2:{port}/redirected"})
                elif path.startswith("/d") and path[2:].isdigit():
                    step = int(path[2:])
                    self.send(
                        200, f'<html><body><h1>Depth {step}</h1><a href="/d{step + 1}">on</a></body></html>'
                    )
                elif path == "/big":
                    self.send(200, b"<p>" + b"x" * site.big_bytes + b"</p>")
                elif path == "/slow":
                    time.sleep(site.slow_seconds)
                    self.send(200, "<html><body><h1>Finally</h1></body></html>")
                else:
                    self.send(404, "<html><body><h1>Not found</h1></body></html>")

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{self.port}"
        finally:
            server.shutdown()
            server.server_close()
