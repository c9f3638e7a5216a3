"""One identifier typed by a person (a watchlist entry, a partner's indicator), normalised
exactly as the extractors normalise what they find in listings, so that the two compare equal:
``+84 91 234 5678`` and ``0912345678`` written in Vietnam are both ``+84912345678``.

The selector types that identify a seller are defined here, once: exports, watchlists and
linking use these sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wildtrace.errors import WildTraceError
from wildtrace.extract.emails import find_emails
from wildtrace.extract.iban import find_ibans
from wildtrace.extract.phones import parse_phone
from wildtrace.extract.wallets import find_wallets

#: Messaging and social-media handles: the selector type is the app (``extract.handles``).
HANDLE_TYPES: frozenset[str] = frozenset({"telegram", "wechat", "line", "instagram", "facebook", "tiktok"})
#: Crypto wallets: the selector type is the chain (``extract.wallets``).
WALLET_TYPES: frozenset[str] = frozenset({"btc", "eth", "tron"})
#: Selector types that identify a seller; money, quantities and places describe an offer.
IDENTIFIER_TYPES: frozenset[str] = frozenset({"phone", "email", "iban"}) | HANDLE_TYPES | WALLET_TYPES
#: What a person may say an identifier is (``watch add --type``): a family, or a selector type.
#: ``handle`` without an app matches a handle on any app; ``account`` is a seller name.
KINDS: tuple[str, ...] = ("phone", "email", "wallet", "iban", "handle", "account")

_HANDLE_FORMS = (
    re.compile(r"^(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me)/@?(?P<name>[A-Za-z0-9_]+)/?$", re.I),
    re.compile(r"^(?:https?://)?(?:www\.)?instagram\.com/(?P<name>[A-Za-z0-9_.]+)/?$", re.I),
    re.compile(r"^(?:https?://)?(?:www\.|m\.)?(?:facebook|fb)\.com/(?P<name>[A-Za-z0-9.]+)/?$", re.I),
    re.compile(r"^(?:https?://)?(?:www\.)?tiktok\.com/@(?P<name>[A-Za-z0-9_.]+)/?$", re.I),
    re.compile(r"^(?:https?://)?line\.me/ti/p/~?@?(?P<name>[A-Za-z0-9._-]+)/?$", re.I),
)
_HANDLE_FORM_TYPES = ("telegram", "instagram", "facebook", "tiktok", "line")
_HANDLE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,49}$")


class IdentifierError(WildTraceError, ValueError):
    """A value that is not a valid identifier of the kind given; the message says why."""


@dataclass(frozen=True, slots=True)
class Identifier:
    """A normalised identifier: ``type`` is a selector type (``phone``, ``btc``, ``telegram``
    ...), ``handle`` for a handle on any app or ``account`` for a seller name; ``platform``
    narrows an account to one platform (``""``: any)."""

    type: str
    value: str
    platform: str = ""


def identify(kind: str, text: str, region: str | None = None, platform: str | None = None) -> Identifier:
    """Normalise ``text`` as an identifier of ``kind`` (one of ``KINDS`` or a selector type of
    ``IDENTIFIER_TYPES``). ``region`` (ISO country code) reads phone numbers written without
    their country code; ``platform`` names a handle's app or an account's platform.
    Raises ``IdentifierError`` saying what was wrong."""
    value = text.strip()
    if not value:
        raise IdentifierError("the value is empty")
    if kind in WALLET_TYPES:
        kind = "wallet"
    if kind in HANDLE_TYPES:
        kind, platform = "handle", kind
    if kind == "phone":
        number = parse_phone(value, region.upper() if region else None)
        if number is None:
            hint = (
                ""
                if value.startswith("+") or region
                else " (write it with its +country code, or give a region)"
            )
            raise IdentifierError(f"{value!r} is not a valid phone number{hint}")
        return Identifier("phone", number)
    if kind == "email":
        found = [
            selector for selector in find_emails(value, "") if selector.end - selector.start == len(value)
        ]
        if not found:
            raise IdentifierError(f"{value!r} is not an email address")
        return Identifier("email", found[0].value)
    if kind == "wallet":
        wallets = [selector for selector in find_wallets(value, "") if selector.raw == value]
        if not wallets:
            raise IdentifierError(f"{value!r} is not a valid Bitcoin, Ethereum or Tron address (checksum)")
        return Identifier(wallets[0].type, wallets[0].value)
    if kind == "iban":
        ibans = [selector for selector in find_ibans(value.upper(), "") if len(selector.raw) == len(value)]
        if not ibans:
            raise IdentifierError(f"{value!r} is not a valid IBAN (country, length and checksum)")
        return Identifier("iban", ibans[0].value)
    if kind == "handle":
        return _handle(value, platform)
    if kind == "account":
        if platform is None and ":" in value and not value.startswith(":"):
            platform, _, value = value.partition(":")
        return Identifier("account", value.strip().casefold(), (platform or "").strip().casefold())
    raise IdentifierError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")


def _handle(value: str, platform: str | None) -> Identifier:
    """``t.me/name``, ``telegram:name``, ``@name`` (with ``platform``) or ``name``."""
    for pattern, app in zip(_HANDLE_FORMS, _HANDLE_FORM_TYPES, strict=True):
        found = pattern.match(value)
        if found:
            platform, value = app, found.group("name")
            break
    else:
        head, sep, rest = value.partition(":")
        if sep and head.strip().lower() in HANDLE_TYPES:
            platform, value = head.strip().lower(), rest.strip()
    name = value.lstrip("@").rstrip("._-").lower()
    if not _HANDLE_NAME.match(name) or name.isdigit():
        raise IdentifierError(f"{value!r} is not a messaging handle")
    app = (platform or "").strip().lower()
    if app and app not in HANDLE_TYPES:
        raise IdentifierError(
            f"unknown app {platform!r} for a handle; use one of {', '.join(sorted(HANDLE_TYPES))}"
        )
    return Identifier(app or "handle", name)
