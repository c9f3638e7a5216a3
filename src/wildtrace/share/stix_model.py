"""The STIX 2.1 vocabulary WildTrace writes and reads: TLP 2.0 markings, the extension that
defines the observables STIX lacks, and how each selector type is written as an observable
and as an indicator pattern. One place, so that export and import cannot disagree.

The observables STIX 2.1 lacks (phone numbers, crypto wallets, bank accounts) are defined by
the extension ``WILDTRACE_EXTENSION_ID`` (documented in docs/stix-extension.md) with the same
type names and properties as OpenCTI's own (``phone-number``, ``cryptocurrency-wallet``,
``bank-account``), so that OpenCTI loads them as its own observables. Messaging handles are
the standard ``user-account`` with the app as ``account_type``.
"""

from __future__ import annotations

from typing import Any

from stix2.properties import StringProperty
from stix2.v21 import CustomExtension, CustomObservable

from wildtrace.extract import HANDLE_TYPES, WALLET_TYPES

#: The namespace of WildTrace's deterministic STIX ids (uuid5 over the exporter and the object).
STIX_NAMESPACE = "f8baee3b-4dd5-4267-bf19-a4efa5ceec52"
#: The published extension definition of WildTrace's observables (docs/stix-extension.md).
WILDTRACE_EXTENSION_ID = "extension-definition--54ff8970-f563-434d-a821-7bc54608287d"
EXTENSION_SCHEMA = "https://github.com/wildtrace/wildtrace/blob/main/docs/stix-extension.md"
EXTENSION_VERSION = "1.0.0"
EXTENSION_CREATED = "2026-12-03T00:00:00.000Z"
#: The author of the extension definition: WildTrace itself, the same in every bundle (the
#: exporting agency is the author of everything else).
WILDTRACE_IDENTITY_ID = "identity--2b3f1c52-7d4e-4c1a-9f57-8c2d6e0a4b19"

#: The TLP 2.0 extension and its marking definitions (fixed by the FIRST/OASIS definitions).
TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_CREATED = "2022-10-01T00:00:00.000Z"
TLP2_MARKING_IDS: dict[str, str] = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
#: The TLP 1.0 marking definitions of STIX 2.1 itself (older MISP and OpenCTI exports use them).
TLP1_MARKING_IDS: dict[str, str] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "CLEAR",
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "GREEN",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "AMBER",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "RED",
}

#: Selector type -> (STIX observable type, the property holding the value).
OBSERVABLE_OF: dict[str, tuple[str, str]] = {
    "phone": ("phone-number", "value"),
    "email": ("email-addr", "value"),
    "iban": ("bank-account", "iban"),
    **{wallet: ("cryptocurrency-wallet", "value") for wallet in WALLET_TYPES},
    **{handle: ("user-account", "account_login") for handle in HANDLE_TYPES},
}
#: The observable types WildTrace's extension defines (the others are STIX's own).
EXTENSION_TYPES: tuple[str, ...] = ("phone-number", "cryptocurrency-wallet", "bank-account")


@CustomExtension(type=WILDTRACE_EXTENSION_ID, properties={})
class WildTraceObservable:
    """The extension every WildTrace observable names (registered once: stix2 refuses twice)."""

    extension_type = "new-sco"


#: What ``extensions`` holds on each observable the extension defines.
EXTENSION_MARK: dict[str, Any] = {WILDTRACE_EXTENSION_ID: {"extension_type": "new-sco"}}


@CustomObservable(
    "phone-number",
    [("value", StringProperty(required=True))],
    id_contrib_props=["value"],
)
class PhoneNumber:
    """A phone number in E.164 form (``+84912345678``)."""


@CustomObservable(
    "cryptocurrency-wallet",
    [("value", StringProperty(required=True)), ("chain", StringProperty())],
    id_contrib_props=["value"],
)
class CryptocurrencyWallet:
    """A crypto-currency address; ``chain`` is ``btc``, ``eth`` or ``tron``."""


@CustomObservable(
    "bank-account",
    [("iban", StringProperty(required=True))],
    id_contrib_props=["iban"],
)
class BankAccount:
    """A bank account by its IBAN (compact, upper case)."""


def pattern_literal(value: str) -> str:
    """``value`` as a STIX pattern string literal (quotes and backslashes escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def selector_pattern(selector_type: str, value: str) -> str:
    """The STIX pattern that matches the observable of one selector."""
    observable, prop = OBSERVABLE_OF[selector_type]
    if observable == "user-account":
        return (
            f"[user-account:account_type = {pattern_literal(selector_type)} AND "
            f"user-account:account_login = {pattern_literal(value)}]"
        )
    return f"[{observable}:{prop} = {pattern_literal(value)}]"


def observable_fields(selector_type: str, value: str) -> dict[str, Any]:
    """The properties of the observable of one selector (without markings)."""
    observable, prop = OBSERVABLE_OF[selector_type]
    if observable == "user-account":
        return {"account_type": selector_type, "account_login": value}
    if observable == "cryptocurrency-wallet":
        return {"value": value, "chain": selector_type}
    return {prop: value}
