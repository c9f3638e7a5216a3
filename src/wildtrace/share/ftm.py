"""An export as FollowTheMoney entities (``.ftm.json``: one ``entity.to_dict()`` a line), the
format Aleph, ``ftm`` and OpenSanctions' tools load. The mapping, and why (docs/ftm-mapping.md):

============================  =====================================================================
WildTrace                     FollowTheMoney 4
============================  =====================================================================
seller account                ``UserAccount`` (username = seller, service = platform), ``owner`` a
                              ``LegalEntity``: the unknown party behind it, person or company
listing                       ``HyperText`` (a web page: title, sourceUrl, retrievedAt = first and
                              last seen) and a ``Documentation`` (role "posted by") to the account
phone, e-mail                 ``phone`` / ``email`` of the seller's ``LegalEntity``, and
                              ``phoneMentioned`` / ``emailMentioned`` of the listing
phone with a channel          also a ``UserAccount`` (service = whatsapp..., username = the number)
messaging handle              ``UserAccount`` (service = the app), owned by the sellers using it
btc / eth / tron wallet       ``CryptoWallet`` (publicKey, currency, blockchain), ``holder`` sellers
IBAN                          ``BankAccount`` (iban, country) + ``Ownership`` from each seller
link between two listings     ``UnknownLink`` (role = what they share, description = the reason)
case / network / collection   ``Note`` (name, description, ``entity`` = its listings and accounts)
TLP marking                   ``summary`` = "TLP:AMBER" on every entity (FtM has no marking)
exporting agency              ``publisher`` on every entity
============================  =====================================================================

Ids are ``make_entity_id(json.dumps(["wildtrace", exporter code, kind, natural key...]))``: a
re-export gives the same ids, and two agencies' exports do not collide. A value FollowTheMoney
refuses (a phone number its phonenumbers calls invalid, an IBAN with a bad checksum) is never
dropped quietly: it is kept, said so, in the entity's ``description``.

followthemoney is an optional extra (large); it is imported when an export is written.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING

from wildtrace.errors import WildTraceError
from wildtrace.share.exportset import (
    HANDLE_TYPES,
    WALLET_TYPES,
    ExportedAccount,
    ExportedListing,
    ExportSet,
    strictest,
)

if TYPE_CHECKING:
    from followthemoney import EntityProxy, Model

__all__ = ["MissingExtraError", "require_followthemoney", "write_ftm"]

#: The FtM currency code and blockchain of each wallet selector type.
_WALLETS: dict[str, tuple[str, str]] = {
    "btc": ("BTC", "bitcoin"),
    "eth": ("ETH", "ethereum"),
    "tron": ("TRX", "tron"),
}


class MissingExtraError(WildTraceError):
    """A feature needs an optional extra that is not installed: the message gives the command."""

    def __init__(self, extra: str, package: str, feature: str) -> None:
        self.extra = extra
        self.package = package
        self.feature = feature
        super().__init__(
            f"{feature} needs the optional extra '{extra}' ({package} is not installed): "
            f"pip install 'wildtrace[{extra}]' (in a checkout: "
            f".venv/bin/pip install -c constraints.txt -e '.[{extra}]')"
        )


def require_followthemoney() -> None:
    """Raise ``MissingExtraError`` (with the command to install it) unless followthemoney is
    installed: commands check before they read the store."""
    try:
        import followthemoney  # noqa: F401
    except ImportError as error:
        raise MissingExtraError("ftm", "followthemoney", "The FollowTheMoney export") from error


def write_ftm(export: ExportSet, out: IO[str]) -> int:
    """Write ``export`` to ``out`` as FollowTheMoney entities, one JSON object a line, and
    return how many were written. Raises ``MissingExtraError`` without followthemoney."""
    try:
        from followthemoney import model
    except ImportError as error:
        raise MissingExtraError("ftm", "followthemoney", "The FollowTheMoney export") from error
    entities = _Entities(model, export)
    entities.add_all()
    return entities.write(out)


def _timestamp(moment: datetime) -> str:
    """FtM dates carry no offset: in UTC (a naive datetime is taken as UTC, as stored)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


class _Entities:
    """The entities of one export by id: a value may come from several objects (two selectors
    on one seller), so entities are built up first and written once, with the strictest
    marking of everything that went into them."""

    def __init__(self, model: Model, export: ExportSet) -> None:
        self.model = model
        self.export = export
        self.proxies: dict[str, EntityProxy] = {}
        self.markings: dict[str, set[str]] = defaultdict(set)
        self.listings = export.listings_by_ref()
        self.accounts = {account.ref: account for account in export.accounts}

    def entity(self, schema: str, marking: str, *key: str) -> EntityProxy:
        """The entity of ``key`` (created on first use) marked at least ``marking``."""
        from followthemoney.util import make_entity_id

        # make_entity_id hashes its parts run together: ("bazaar", "xking") and ("bazaarx",
        # "king") would collide, so the parts go in as one JSON array
        parts = json.dumps(["wildtrace", self.export.exporter.code, *key], ensure_ascii=False)
        entity_id = str(make_entity_id(parts))
        proxy = self.proxies.get(entity_id)
        if proxy is None:
            proxy = self.model.make_entity(schema)
            proxy.id = entity_id
            self.put(proxy, "publisher", self.export.exporter.name)
            self.proxies[entity_id] = proxy
        self.markings[entity_id].add(marking)
        return proxy

    def put(self, proxy: EntityProxy, name: str, values: str | Iterable[str | None] | None) -> None:
        """Add values through FtM's cleaning; one it refuses is kept in ``description``."""
        prop = proxy.schema.properties[name]
        for value in [values] if isinstance(values, str) or values is None else values:
            if not value:
                continue
            if proxy.unsafe_add(prop, value) is None:
                kept = f"{prop.label}: {value} (kept as text: not a valid {prop.type.label} for FtM)"
                proxy.unsafe_add(proxy.schema.properties["description"], kept)

    def add_all(self) -> None:
        """Every object of the export, in the order that makes the output easy to read."""
        for account in self.export.accounts:
            self.add_account(account)
        for listing in self.export.listings:
            self.add_listing(listing)
        self.add_selectors()
        self.add_links()
        self.add_groups()

    def seller(self, account: ExportedAccount) -> EntityProxy:
        """The party behind an account: a LegalEntity (nothing says person or company)."""
        party = self.entity("LegalEntity", account.marking, "seller", account.platform, account.seller)
        self.put(party, "name", account.seller)
        return party

    def user_account(self, service: str, username: str, marking: str) -> EntityProxy:
        """One id for an account on a service, whether it sold or was named in a listing."""
        user = self.entity("UserAccount", marking, "account", service, username)
        self.put(user, "service", service)
        self.put(user, "username", username)
        return user

    def add_account(self, account: ExportedAccount) -> None:
        party = self.seller(account)
        self.put(party, "description", f"Whoever sells as {account.seller} on {account.platform}")
        user = self.user_account(account.platform, account.seller, account.marking)
        self.put(user, "owner", party.id)

    def listing(self, listing: ExportedListing) -> EntityProxy:
        """A listing is a web page (FtM's HyperText), by its key: the same across stores."""
        return self.entity("HyperText", listing.marking, "listing", listing.key)

    def add_listing(self, listing: ExportedListing) -> None:
        page = self.listing(listing)
        self.put(page, "title", listing.title or listing.key)
        self.put(page, "sourceUrl", listing.url)
        self.put(page, "author", listing.seller)
        self.put(page, "retrievedAt", sorted({_timestamp(listing.first_seen), _timestamp(listing.last_seen)}))
        self.put(page, "keywords", [*listing.commodities, *(taxon for taxon, _ in listing.taxa)])
        self.put(page, "address", listing.location)
        facts = [f"Price: {listing.price}" if listing.price else None]
        for taxon, appendix in listing.taxa:
            facts.append(f"{taxon}: CITES Appendix {appendix}" if appendix else f"{taxon}: not CITES-listed")
        if listing.score is not None:
            verdict = "flagged" if listing.flagged else "not flagged"
            facts.append(f"WildTrace score {listing.score:.2f} ({verdict})")
        self.put(page, "description", facts)
        account = self.accounts.get(listing.account_ref) if listing.account_ref is not None else None
        if account is None:
            return
        marking = strictest([listing.marking, account.marking])
        posted = self.entity("Documentation", marking, "posted", listing.key)
        self.put(posted, "document", page.id)
        self.put(posted, "entity", self.user_account(account.platform, account.seller, account.marking).id)
        self.put(posted, "role", "posted by")

    def add_selectors(self) -> None:
        """Each identifier on the listings it was found in (``*Mentioned``, ``proof``) and on
        the sellers of those listings: their phones and e-mails, a wallet's holders, an
        IBAN's owners, a handle's owners. Nothing merges two sellers: Aleph's cross-reference
        and the links say who shares what."""
        for selector in self.export.selectors:
            found = [self.listings[ref] for ref in selector.listing_refs if ref in self.listings]
            refs = {listing.account_ref for listing in found}
            sellers = [account for ref, account in self.accounts.items() if ref in refs]
            marking = strictest([selector.marking, *(account.marking for account in sellers)])
            owners = [self.seller(account).id for account in sellers]
            proof = [self.listing(listing).id for listing in found]
            if selector.type in ("phone", "email", "iban"):
                for listing in found:
                    page = self.listing(listing)
                    self.markings[str(page.id)].add(selector.marking)
                    self.put(page, f"{selector.type}Mentioned", selector.value)
            if selector.type in ("phone", "email"):
                for account in sellers:
                    party = self.seller(account)
                    self.markings[str(party.id)].add(selector.marking)
                    self.put(party, selector.type, selector.value)
            # a phone reached through an app is an account on that app too
            services = selector.channels if selector.type == "phone" else ()
            if selector.type in HANDLE_TYPES:
                services = (selector.type,)
            for service in services:
                user = self.user_account(service, selector.value, marking)
                if selector.type == "phone":
                    self.put(user, "phone", selector.value)
                self.put(user, "owner", owners)
                self.put(user, "proof", proof)
            if selector.type in WALLET_TYPES:
                wallet = self.entity("CryptoWallet", marking, "wallet", selector.type, selector.value)
                currency, chain = _WALLETS.get(selector.type, (selector.type.upper(), selector.type))
                self.put(wallet, "publicKey", selector.value)
                self.put(wallet, "currency", currency)
                self.put(wallet, "blockchain", chain)
                self.put(wallet, "holder", owners)
                self.put(wallet, "proof", proof)
            elif selector.type == "iban":
                self.add_bank_account(selector.value, selector.marking, found, sellers)

    def add_bank_account(
        self, iban: str, marking: str, found: list[ExportedListing], sellers: list[ExportedAccount]
    ) -> None:
        """FtM's BankAccount has no holder: each seller naming it gets an Ownership."""
        bank = self.entity("BankAccount", strictest([marking, *(a.marking for a in sellers)]), "iban", iban)
        self.put(bank, "iban", iban)
        if bank.has("iban"):  # a refused IBAN's first letters may be no country
            self.put(bank, "country", iban[:2])
        self.put(bank, "proof", [self.listing(listing).id for listing in found])
        for account in sellers:
            key = ("owns", account.platform, account.seller, iban)
            owned = self.entity("Ownership", strictest([marking, account.marking]), *key)
            self.put(owned, "owner", self.seller(account).id)
            self.put(owned, "asset", bank.id)
            self.put(owned, "role", "named in the seller's listings as the account to pay")
            mine = [self.listing(listing).id for listing in found if listing.account_ref == account.ref]
            self.put(owned, "proof", mine)

    def add_links(self) -> None:
        """A link joins listings (the evidence is per listing). It is undirected: subject is
        the listing whose key sorts first, so the entity does not depend on which end the
        store named first. A link to a listing not in the export is left out."""
        for link in self.export.links:
            source, target = self.listings.get(link.source_ref), self.listings.get(link.target_ref)
            if source is None or target is None:
                continue
            first, second = sorted((source, target), key=lambda listing: listing.key)
            edge = self.entity(
                "UnknownLink", link.marking, "link", first.key, second.key, link.kind, link.value
            )
            self.put(edge, "subject", self.listing(first).id)
            self.put(edge, "object", self.listing(second).id)
            self.put(edge, "role", link.kind)
            self.put(edge, "description", link.reason)
            if link.value and link.value not in link.reason:
                self.put(edge, "description", f"{link.kind}: {link.value}")

    def add_groups(self) -> None:
        """A case, network or collection is a named selection of entities: a Note on them."""
        for group in self.export.groups:
            note = self.entity("Note", group.marking, "group", group.kind, group.ref)
            self.put(note, "name", group.title)
            self.put(note, "description", group.description)
            self.put(note, "keywords", [group.kind, f"{group.kind}:{group.ref}"])
            listings = [self.listings[ref] for ref in group.listing_refs if ref in self.listings]
            members = [self.listing(listing).id for listing in listings]
            for ref in group.account_refs:
                if ref in self.accounts:
                    account = self.accounts[ref]
                    members.append(self.user_account(account.platform, account.seller, account.marking).id)
            self.put(note, "entity", members)

    def write(self, out: IO[str]) -> int:
        """One line per entity, its marking set last (the strictest of what went into it)."""
        for entity_id, proxy in self.proxies.items():
            self.put(proxy, "summary", f"TLP:{strictest(self.markings[entity_id])}")
            out.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        return len(self.proxies)
