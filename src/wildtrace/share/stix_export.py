"""An ``ExportSet`` as one STIX 2.1 bundle, for MISP, OpenCTI and any TAXII-fed system.

What is written (docs/exchange.md says how MISP and OpenCTI load it, and what MISP drops):

- an ``identity`` for the exporting agency, the ``created_by_ref`` of everything else;
- the TLP 2.0 ``marking-definition``s used, and on every object the marking of what it came
  from (``ExportSet`` decided: the stricter one wins when objects are combined);
- the ``extension-definition`` of WildTrace's observables (``stix_model``);
- per listing an ``observed-data`` (first and last seen) over its observables: the listing's
  ``url`` and ``domain-name``, the seller's ``user-account``, and its selectors
  (``email-addr``, ``user-account`` for messaging handles, ``phone-number``,
  ``cryptocurrency-wallet``, ``bank-account``), and a ``note`` saying what was found in it;
- per selector an ``indicator`` with its STIX pattern, ``related-to`` its observable;
- per link a ``relationship`` between the two listings' ``observed-data`` and a ``note``
  carrying the reason a prosecutor can read;
- per case, network, collection or listing exported a ``grouping`` of all of the above.

Ids are deterministic (uuid5 over the exporter and the object), so a partner who loads a
second export of the same things updates them instead of duplicating them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import stix2

from wildtrace import __version__
from wildtrace.share.exportset import ExportedListing, ExportSet
from wildtrace.share.stix_model import (
    EXTENSION_CREATED,
    EXTENSION_MARK,
    EXTENSION_SCHEMA,
    EXTENSION_TYPES,
    EXTENSION_VERSION,
    OBSERVABLE_OF,
    STIX_NAMESPACE,
    TLP2_CREATED,
    TLP2_EXTENSION_ID,
    TLP2_MARKING_IDS,
    WILDTRACE_EXTENSION_ID,
    WILDTRACE_IDENTITY_ID,
    BankAccount,
    CryptocurrencyWallet,
    PhoneNumber,
    observable_fields,
    selector_pattern,
)

_NAMESPACE = uuid.UUID(STIX_NAMESPACE)
_CUSTOM: dict[str, Any] = {
    "phone-number": PhoneNumber,
    "cryptocurrency-wallet": CryptocurrencyWallet,
    "bank-account": BankAccount,
}
_SELECTOR_NAMES = {"phone": "Phone", "email": "Email", "iban": "IBAN", "btc": "Bitcoin wallet",
                   "eth": "Ethereum wallet", "tron": "Tron wallet"}  # fmt: skip


def marking_definition(marking: str) -> Any:
    """The TLP 2.0 marking definition of ``marking`` (CLEAR ... RED)."""
    return stix2.MarkingDefinition(
        id=TLP2_MARKING_IDS[marking],
        created=TLP2_CREATED,
        name=f"TLP:{marking}",
        extensions={TLP2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": marking.lower()}},
        allow_custom=True,
    )


class _Writer:
    """Builds the bundle's objects once each (by id), in a stable order."""

    def __init__(self, export: ExportSet) -> None:
        self.export = export
        self.objects: dict[str, Any] = {}
        self.when = export.created_at
        code = export.exporter.code
        self.identity = stix2.Identity(
            id=self.sdo_id("identity", "agency", code),
            name=export.exporter.name or code,
            identity_class="organization",
            description=f"WildTrace agency {code}",
            created=self.when,
            modified=self.when,
            object_marking_refs=[TLP2_MARKING_IDS["CLEAR"]],
        )

    def sdo_id(self, kind: str, *parts: str) -> str:
        return f"{kind}--{uuid.uuid5(_NAMESPACE, '|'.join((self.export.exporter.code, kind, *parts)))}"

    def add(self, obj: Any) -> str:
        self.objects.setdefault(obj.id, obj)
        return str(obj.id)

    def common(self, marking: str) -> dict[str, Any]:
        return {
            "created_by_ref": self.identity.id,
            "created": self.when,
            "modified": self.when,
            "object_marking_refs": [TLP2_MARKING_IDS[marking]],
        }

    def observable(self, observable_type: str, fields: dict[str, Any], marking: str) -> str:
        marks = {"object_marking_refs": [TLP2_MARKING_IDS[marking]]}
        if observable_type in _CUSTOM:
            return self.add(_CUSTOM[observable_type](**fields, **marks, extensions=EXTENSION_MARK))
        factory = {
            "email-addr": stix2.EmailAddress,
            "user-account": stix2.UserAccount,
            "url": stix2.URL,
            "domain-name": stix2.DomainName,
        }[observable_type]
        return self.add(factory(**fields, **marks))

    def listing(self, listing: ExportedListing, selector_ids: list[str], account_id: str | None) -> str:
        refs = list(selector_ids)
        if account_id is not None:
            refs.append(account_id)
        if listing.url and listing.url.startswith(("http://", "https://")):
            refs.append(self.observable("url", {"value": listing.url}, listing.marking))
            host = urlsplit(listing.url).hostname
            if host and "." in host:
                refs.append(self.observable("domain-name", {"value": host}, listing.marking))
        if not refs:  # observed-data must observe something: the listing's own page, by its key
            refs.append(
                self.observable("url", {"value": f"urn:wildtrace:listing:{listing.key}"}, listing.marking)
            )
        first, last = _aware(listing.first_seen), _aware(listing.last_seen)
        observed = stix2.ObservedData(
            id=self.sdo_id("observed-data", "listing", listing.key),
            first_observed=first,
            last_observed=max(first, last),
            number_observed=1,
            object_refs=sorted(set(refs)),
            **self.common(listing.marking),
        )
        self.add(observed)
        self.add(
            stix2.Note(
                id=self.sdo_id("note", "listing", listing.key),
                abstract=f"Listing {listing.key}",
                content=_listing_text(listing),
                object_refs=[observed.id],
                **self.common(listing.marking),
            )
        )
        return str(observed.id)


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _listing_text(listing: ExportedListing) -> str:
    """What WildTrace found in a listing, in words (the note beside its observed-data)."""
    lines = [f"Listing {listing.key} on {listing.platform or 'an unknown platform'}"]
    if listing.title:
        lines.append(f"Title: {listing.title}")
    if listing.url:
        lines.append(f"URL: {listing.url}")
    if listing.seller:
        lines.append(f"Seller: {listing.seller}")
    if listing.score is not None:
        lines.append(
            f"Detector score: {listing.score:.2f} ({'flagged' if listing.flagged else 'not flagged'})"
        )
    if listing.commodities:
        lines.append("Commodities: " + ", ".join(listing.commodities))
    if listing.taxa:
        taxa = [f"{name} (CITES {appendix})" if appendix else name for name, appendix in listing.taxa]
        lines.append("Species: " + ", ".join(taxa))
    if listing.price:
        lines.append(f"Price: {listing.price}")
    if listing.location:
        lines.append(f"Location: {listing.location}")
    lines.append(f"First seen {listing.first_seen.isoformat()}, last seen {listing.last_seen.isoformat()}")
    return "\n".join(lines)


def build_bundle(export: ExportSet) -> Any:
    """The ``stix2.Bundle`` of ``export``."""
    writer = _Writer(export)
    listings = export.listings_by_ref()
    selector_ids: dict[int, list[str]] = {ref: [] for ref in listings}
    for selector in export.selectors:
        observable_type, _ = OBSERVABLE_OF[selector.type]
        sco = writer.observable(
            observable_type, observable_fields(selector.type, selector.value), selector.marking
        )
        for ref in selector.listing_refs:
            selector_ids.setdefault(ref, []).append(sco)
        name = _SELECTOR_NAMES.get(selector.type, f"{selector.type.capitalize()} handle")
        keys = [listings[ref].key for ref in selector.listing_refs if ref in listings]
        indicator = stix2.Indicator(
            id=writer.sdo_id("indicator", selector.type, selector.value),
            name=f"{name} {selector.value}",
            description=(
                f"Identifier left by a seller of protected wildlife or timber, found by WildTrace in "
                f"{len(keys)} listing(s): {', '.join(keys[:20])}{' ...' if len(keys) > 20 else ''}"
                + (f". Reached by {', '.join(selector.channels)}." if selector.channels else ".")
            ),
            indicator_types=["attribution"],
            pattern=selector_pattern(selector.type, selector.value),
            pattern_type="stix",
            valid_from=export.created_at,
            **writer.common(selector.marking),
        )
        writer.add(indicator)
        writer.add(
            stix2.Relationship(
                id=writer.sdo_id("relationship", "indicator", selector.type, selector.value),
                relationship_type="related-to",
                source_ref=indicator.id,
                target_ref=sco,
                **writer.common(selector.marking),
            )
        )
    account_ids = {
        account.ref: writer.observable(
            "user-account",
            # ``user_id`` = the seller's name tells a seller account from a messaging handle on
            # an app of the same name (a seller on the platform "instagram"), and gives the two
            # different ids (docs/stix-extension.md)
            {
                "account_type": account.platform or "unknown",
                "account_login": account.seller,
                "user_id": account.seller,
                "display_name": account.seller,
            },
            account.marking,
        )
        for account in export.accounts
    }
    observed = {
        ref: writer.listing(
            listing,
            selector_ids.get(ref, []),
            account_ids.get(listing.account_ref) if listing.account_ref is not None else None,
        )
        for ref, listing in listings.items()
    }
    for link in export.links:
        if link.source_ref not in observed or link.target_ref not in observed:
            continue
        source, target = observed[link.source_ref], observed[link.target_ref]
        parts = (listings[link.source_ref].key, listings[link.target_ref].key, link.kind, link.value)
        writer.add(
            stix2.Relationship(
                id=writer.sdo_id("relationship", "link", *parts),
                relationship_type="related-to",
                source_ref=source,
                target_ref=target,
                description=link.reason,
                **writer.common(link.marking),
            )
        )
        writer.add(
            stix2.Note(
                id=writer.sdo_id("note", "link", *parts),
                abstract=f"Why {parts[0]} and {parts[1]} are linked",
                content=link.reason,
                object_refs=[source, target],
                **writer.common(link.marking),
            )
        )
    for group in export.groups:
        members = [observed[ref] for ref in group.listing_refs if ref in observed]
        members += [account_ids[ref] for ref in group.account_refs if ref in account_ids]
        related = _related(writer.objects.values(), set(members))
        writer.add(
            stix2.Grouping(
                id=writer.sdo_id("grouping", group.kind, group.ref),
                name=group.title,
                description=f"{group.description} (exported by WildTrace {__version__} on "
                f"{export.created_at.date().isoformat()})",
                context="suspicious-activity",
                object_refs=sorted(set(members) | related),
                **writer.common(group.marking),
            )
        )
    used = {ref for obj in writer.objects.values() for ref in obj.get("object_marking_refs", ())}
    used.add(TLP2_MARKING_IDS["CLEAR"])
    markings = [marking_definition(name) for name, mid in TLP2_MARKING_IDS.items() if mid in used]
    author = stix2.Identity(
        id=WILDTRACE_IDENTITY_ID,
        name="WildTrace",
        identity_class="system",
        description="The open-source platform that defines the WildTrace observables extension",
        created=EXTENSION_CREATED,
        modified=EXTENSION_CREATED,
        object_marking_refs=[TLP2_MARKING_IDS["CLEAR"]],
    )
    extension = stix2.ExtensionDefinition(
        id=WILDTRACE_EXTENSION_ID,
        created_by_ref=author.id,
        created=EXTENSION_CREATED,
        modified=EXTENSION_CREATED,
        name="WildTrace observables",
        description="Observables STIX 2.1 lacks, as WildTrace writes them: "
        + ", ".join(EXTENSION_TYPES)
        + " (the same type names and properties as OpenCTI's).",
        schema=EXTENSION_SCHEMA,
        version=EXTENSION_VERSION,
        extension_types=["new-sco"],
        object_marking_refs=[TLP2_MARKING_IDS["CLEAR"]],
    )
    return stix2.Bundle(
        writer.identity, *markings, author, extension, *writer.objects.values(), allow_custom=True
    )


def _related(objects: Iterable[Any], members: set[str]) -> set[str]:
    """The ids of the objects that hang on ``members`` (their notes, the observables they
    observe, the indicators of those, and the relationships between them)."""
    found = set(members)
    for obj in list(objects):
        if obj["type"] == "observed-data" and obj.id in members:
            found.update(obj.object_refs)
    for obj in list(objects):
        kind = obj["type"]
        if kind == "note" and set(obj.object_refs) <= found:
            found.add(obj.id)
        elif kind == "relationship" and obj.target_ref in found and obj.source_ref.startswith("indicator--"):
            found.update((obj.id, obj.source_ref))
        elif kind == "relationship" and obj.source_ref in found and obj.target_ref in found:
            found.add(obj.id)
    return found


def write_stix(export: ExportSet, out: Any) -> int:
    """Write the bundle of ``export`` as JSON to the text stream ``out``; returns how many
    objects it holds. Each object is serialised on its own (stix2's pretty printer sorts
    the properties of the whole bundle at once, in time quadratic in its size: 10 minutes
    for 2,000 objects), in STIX's property order, one object after the other."""
    bundle = build_bundle(export)
    out.write('{\n  "type": "bundle",\n  "id": ' + json.dumps(bundle.id) + ',\n  "objects": [')
    for index, obj in enumerate(bundle.objects):
        out.write(",\n" if index else "\n")
        out.write(obj.serialize(pretty=True))
    out.write("\n  ]\n}\n")
    return len(bundle.objects)


__all__ = ["build_bundle", "marking_definition", "write_stix"]
