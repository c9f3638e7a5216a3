"""How names are compared across the reference tables: one folding for every table."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how names and units are compared.

    Accents are dropped only from Latin letters (``é`` -> ``e``); other scripts are kept as
    they are (a Thai or Vietnamese mark can change the word).
    """
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())
