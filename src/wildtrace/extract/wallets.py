"""Crypto-currency addresses, kept only when their checksum is valid.

Bitcoin (base58check P2PKH/P2SH and bech32/bech32m segwit), Ethereum (EIP-55 checked
when written in mixed case) and Tron (base58check, version 0x41, used for USDT-TRC20).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import base58
from Crypto.Hash import keccak

from wildtrace.model import Selector

_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_CONSTANTS = (1, 0x2BC830A3)  # bech32 (BIP 173), bech32m (BIP 350)

_BTC_LEGACY = re.compile(r"(?<![A-Za-z0-9])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![A-Za-z0-9])")
_BTC_BECH32 = re.compile(r"(?<![A-Za-z0-9])(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{11,71}(?![A-Za-z0-9])")
_ETH = re.compile(r"(?<![A-Za-z0-9])0x[0-9a-fA-F]{40}(?![A-Za-z0-9])")
_TRON = re.compile(r"(?<![A-Za-z0-9])T[1-9A-HJ-NP-Za-km-z]{33}(?![A-Za-z0-9])")


#: Every address is a run of 25 or more letters and digits: most texts have none. (Any such
#: run will do: the longest run that holds it starts a word. Starting with a character
#: class lets the regex engine skip the rest of the text at C speed.)
_PREFILTER = re.compile(r"[A-Za-z0-9][A-Za-z0-9]{24}")


def find_wallets(text: str, field: str) -> Iterator[Selector]:
    """Valid addresses in ``text``, typed ``btc``, ``eth`` or ``tron``."""
    if not _PREFILTER.search(text):
        return
    for found in _BTC_LEGACY.finditer(text):
        payload = _base58check(found.group(0))
        if payload is not None and len(payload) == 21 and payload[0] in (0x00, 0x05):
            yield _selector("btc", found.group(0), found, field)
    for found in _BTC_BECH32.finditer(text):
        if _bech32_valid(found.group(0)):
            yield _selector("btc", found.group(0).lower(), found, field)
    for found in _ETH.finditer(text):
        address = found.group(0)
        if _eip55_valid(address):
            # an address in one case carries no checksum: a typo would go unnoticed
            checked = address[2:] not in (address[2:].lower(), address[2:].upper())
            yield _selector("eth", address.lower(), found, field, 1.0 if checked else 0.9)
    for found in _TRON.finditer(text):
        payload = _base58check(found.group(0))
        if payload is not None and len(payload) == 21 and payload[0] == 0x41:
            yield _selector("tron", found.group(0), found, field)


def _selector(kind: str, value: str, found: re.Match[str], field: str, confidence: float = 1.0) -> Selector:
    return Selector(kind, value, found.group(0), field, found.start(), found.end(), confidence=confidence)


@lru_cache(maxsize=16384)
def _base58check(address: str) -> bytes | None:
    """The payload of a base58check string, or None when the checksum is wrong (cached:
    a seller gives the same address in every listing)."""
    try:
        payload: bytes = base58.b58decode_check(address)
    except ValueError:
        return None
    return payload


@lru_cache(maxsize=16384)
def _bech32_valid(address: str) -> bool:
    if address.lower() != address and address.upper() != address:
        return False
    address = address.lower()
    hrp, _, data = address.rpartition("1")
    if hrp != "bc" or len(data) < 6:
        return False
    values = [_BECH32.index(char) for char in data]
    polymod = _bech32_polymod([ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + values)
    witness_version = values[0]
    expected = _BECH32_CONSTANTS[0] if witness_version == 0 else _BECH32_CONSTANTS[1]
    return polymod == expected


def _bech32_polymod(values: list[int]) -> int:
    generators = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for bit, generator in enumerate(generators):
            if (top >> bit) & 1:
                checksum ^= generator
    return checksum


@lru_cache(maxsize=16384)
def _eip55_valid(address: str) -> bool:
    """All-lower and all-upper addresses carry no checksum; mixed case must match EIP-55."""
    hexpart = address[2:]
    if hexpart == hexpart.lower() or hexpart == hexpart.upper():
        return True
    digest = keccak.new(digest_bits=256, data=hexpart.lower().encode()).hexdigest()
    return all(
        (char.upper() if int(nibble, 16) >= 8 else char.lower()) == char
        for char, nibble in zip(hexpart, digest[: len(hexpart)], strict=True)
    )
