"""Crypto-currency addresses: kept only when their checksum holds."""

from __future__ import annotations

import hashlib

import pytest

from wildtrace.extract.wallets import find_wallets
from wildtrace.model import Selector

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check(payload: bytes) -> str:
    """Encode ``payload`` with its 4-byte double-SHA-256 checksum (independent of the code)."""
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    number = int.from_bytes(raw, "big")
    encoded = ""
    while number:
        number, digit = divmod(number, 58)
        encoded = _BASE58[digit] + encoded
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + encoded


HASH160 = hashlib.sha256(b"wildtrace test key").digest()[:20]
P2PKH = base58check(b"\x00" + HASH160)
P2SH = base58check(b"\x05" + HASH160)
TRON = base58check(b"\x41" + HASH160)

# BIP-173 / BIP-350 test vectors
BECH32_P2WPKH = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
BECH32_P2WSH = "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"
BECH32M_V1 = "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y"
# EIP-55 test vectors
ETH_VECTORS = (
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
)


def _wallets(text: str) -> list[tuple[str, str, str, int, int]]:
    return [(s.type, s.value, s.raw, s.start, s.end) for s in find_wallets(text, "text")]


def test_generated_addresses_have_the_expected_shape() -> None:
    assert P2PKH[0] == "1" and P2SH[0] == "3" and TRON[0] == "T"
    assert len(TRON) == 34
    # a well-known address: hash160 of zero bytes
    assert base58check(b"\x00" * 21) == "1111111111111111111114oLvT2"


@pytest.mark.parametrize(
    ("address", "kind", "value"),
    [
        (P2PKH, "btc", P2PKH),
        (P2SH, "btc", P2SH),
        ("1111111111111111111114oLvT2", "btc", "1111111111111111111114oLvT2"),
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "btc", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "btc", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
        (BECH32_P2WPKH, "btc", BECH32_P2WPKH),
        (BECH32_P2WPKH.upper(), "btc", BECH32_P2WPKH),
        (BECH32_P2WSH, "btc", BECH32_P2WSH),
        (BECH32M_V1, "btc", BECH32M_V1),
        (TRON, "tron", TRON),
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
        *[(vector, "eth", vector.lower()) for vector in ETH_VECTORS],
        (ETH_VECTORS[0].lower(), "eth", ETH_VECTORS[0].lower()),  # no checksum written
        ("0x" + ETH_VECTORS[0][2:].upper(), "eth", ETH_VECTORS[0].lower()),
    ],
)
def test_valid_addresses(address: str, kind: str, value: str) -> None:
    text = f"USDT/BTC ok: {address} (send then DM)"
    start = text.index(address)
    assert list(find_wallets(text, "seller_info")) == [
        Selector(kind, value, address, "seller_info", start, start + len(address))
    ]


def test_eip55_flipping_the_case_of_one_letter_breaks_the_checksum() -> None:
    for vector in ETH_VECTORS:
        for index, char in enumerate(vector):
            if index < 2 or not char.isalpha():
                continue
            flipped = vector[:index] + char.swapcase() + vector[index + 1 :]
            assert _wallets(flipped) == [], flipped


def test_the_brief_s_misquoted_vector_is_rejected() -> None:
    # 0x...1BeAeD is the EIP-55 vector 0x...1BeAed with the case of its last letter flipped
    assert _wallets("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD") == []


def _corruptions(address: str, alphabet: str, first: int = 1) -> list[str]:
    """Every address with one character from ``first`` on replaced by two other letters."""
    out = []
    for index in range(first, len(address)):
        for replacement in (alphabet[(alphabet.index(address[index]) + 1) % len(alphabet)],
                            alphabet[(alphabet.index(address[index]) + 7) % len(alphabet)]):
            out.append(address[:index] + replacement + address[index + 1 :])
    return out  # fmt: skip


@pytest.mark.parametrize("address", [P2PKH, P2SH, TRON, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"])
def test_one_corrupted_base58_character_is_not_extracted(address: str) -> None:
    for corrupted in _corruptions(address, _BASE58):
        assert _wallets(f"pay {corrupted} now") == [], corrupted


@pytest.mark.parametrize("address", [BECH32_P2WPKH, BECH32_P2WSH, BECH32M_V1])
def test_one_corrupted_bech32_character_is_not_extracted(address: str) -> None:
    alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    for corrupted in _corruptions(address, alphabet, first=len("bc1")):
        assert _wallets(f"pay {corrupted} now") == [], corrupted


@pytest.mark.parametrize(
    "text",
    [
        "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",  # mixed case
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # v0 with a bech32m checksum (BIP-350)
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # v1 with bech32
        "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",  # testnet
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",  # 39 hex digits
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0",  # 41 hex digits
        "order 12345678901234567890123456789 today",  # digits are not an address
        "T" + "1" * 33,
        P2PKH + "x",  # cut out of a longer word
        "x" + P2PKH,
        base58check(b"\x6f" + HASH160),  # testnet version byte
        base58check(b"\x00" + HASH160[:19]),  # payload one byte short
    ],
)
def test_not_addresses(text: str) -> None:
    assert _wallets(text) == []


def test_tron_address_is_not_also_read_as_bitcoin() -> None:
    assert [kind for kind, *_ in _wallets(TRON)] == ["tron"]


def test_several_addresses_in_one_text() -> None:
    text = f"BTC: {P2PKH}\nETH: {ETH_VECTORS[1]}\nUSDT-TRC20: {TRON}\nSegWit: {BECH32_P2WPKH}"
    found = _wallets(text)
    assert sorted((kind, value) for kind, value, *_ in found) == sorted(
        [("btc", P2PKH), ("eth", ETH_VECTORS[1].lower()), ("tron", TRON), ("btc", BECH32_P2WPKH)]
    )
    for _, _, raw, start, end in found:
        assert text[start:end] == raw
