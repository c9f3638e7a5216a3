"""The JSON rows that ``scan --out`` and ``link --out`` write: the public output contract.

Field names and shapes are promised to users (README, "Output"); add fields, never
rename or remove them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from price_parser import Price

from wildtrace.extract import to_usd
from wildtrace.link import account_of
from wildtrace.model import Analysis, Listing, Network, Reject, Selector


def scan_row(listing: Listing, analysis: Analysis) -> dict[str, Any]:
    """One ``scan`` output row."""
    detection = analysis.detection
    row: dict[str, Any] = {
        "id": listing.id,
        "score": detection.score,
        "flagged": detection.flagged,
        "commodities": list(detection.commodities),
        "taxa": [{"name": t.name, "cites_appendix": t.cites_appendix} for t in detection.taxa],
        "matches": [
            {"term": m.term, "field": m.field, "start": m.start, "end": m.end,
             "language": m.language, "kind": m.kind, "commodity": m.commodity}
            for m in detection.matches
        ],
        "legality_cues": list(detection.legality_cues),
        "selectors": [_selector_row(s) for s in analysis.selectors],
        "language": analysis.language,
        "platform": listing.platform,
        "seller": listing.seller,
        "url": listing.url,
        "title": listing.title,
        "price": _price_row(listing, analysis),
    }  # fmt: skip
    if listing.capture is not None:
        row["captured_at"] = listing.capture.captured_at
        row["sha256"] = listing.capture.sha256
    if listing.origin is not None:
        row["origin"] = str(listing.origin)
    return row


def _price_row(listing: Listing, analysis: Analysis) -> dict[str, Any] | None:
    """The listing's price as ``{amount, currency, raw}``: the money selector found in the price
    field (validated, currency by the listing's country), else what price-parser reads. A
    listing without a price field has taken its first money selector's text as its price
    (``pipeline.with_price_fallback``, which the store sees too): that selector's value."""
    if not listing.price:
        return None
    from_text = listing.extra.get("fields_from", {}).get("price") == "text"
    money = next(
        (
            s
            for s in analysis.selectors
            if s.type == "money" and (s.field == "price" or (from_text and s.raw == listing.price))
        ),
        None,
    )
    if money is not None:
        amount, _, currency = money.value.partition(" ")
        return {"amount": _number(Decimal(amount)), "currency": currency or None, "raw": listing.price}
    parsed = Price.fromstring(listing.price)
    code = (parsed.currency or "").strip().upper()
    return {
        "amount": _number(parsed.amount) if parsed.amount is not None else None,
        "currency": code if len(code) == 3 and code.isalpha() else None,
        "raw": listing.price,
    }


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _selector_row(selector: Selector) -> dict[str, Any]:
    """A selector with its span and confidence; money also in US dollars, with the date of
    the rate used (extract/data/rates.csv, or the user's WILDTRACE_RATES)."""
    row: dict[str, Any] = {
        "type": selector.type, "value": selector.value, "raw": selector.raw, "field": selector.field,
        "start": selector.start, "end": selector.end, "confidence": selector.confidence,
    }  # fmt: skip
    if selector.channel:
        row["channel"] = selector.channel
    if selector.type == "money" and (usd := to_usd(selector.value)) is not None:
        row["usd"], row["rate_date"] = usd
    return row


def link_rows(listings: list[Listing], network: Network) -> list[dict[str, Any]]:
    """One ``link`` output row per listing, in input order.

    Listings are told apart by (platform, id) (``Listing.key``): each row and each link
    names the listing's ``id`` and its ``platform`` (null when it names none).
    """
    by_key = {str(listing.key): listing for listing in listings}
    by_listing: dict[str, list[dict[str, str | None]]] = {key: [] for key in by_key}

    def to(key: str, reason: str) -> dict[str, str | None]:
        target = by_key[key]
        return {"to": target.id, "platform": target.platform, "reason": reason}

    for link in network.links:
        by_listing[link.source].append(to(link.target, link.reason))
        by_listing[link.target].append(to(link.source, link.reason))
    return [
        {
            "id": listing.id,
            "platform": listing.platform,
            "cluster": network.clusters[key],
            "account": account_of(listing),
            "links": by_listing[key],
        }
        for key, listing in ((str(listing.key), listing) for listing in listings)
    ]


def listing_record(listing: Listing) -> dict[str, Any]:
    """A listing as an input record (what ``scan`` reads back), e.g. to save a rejected one."""
    record: dict[str, Any] = {
        name: getattr(listing, name)
        for name in ("id", "platform", "url", "seller", "seller_info", "title", "text", "price",
                     "location", "posted_at")
        if getattr(listing, name) is not None
    }  # fmt: skip
    if listing.images:
        record["images"] = list(listing.images)
    return {**listing.extra, **record}


def reject_row(reject: Reject) -> dict[str, Any]:
    """One line of a ``*.rejects.jsonl`` file."""
    return {
        "file": reject.origin.file,
        "line": reject.origin.line,
        "reason": reject.reason,
        "raw": reject.raw,
    }
