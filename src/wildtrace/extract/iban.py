"""Bank accounts: IBANs, kept only when schwifty validates country, length and checksum."""

from __future__ import annotations

import re
from collections.abc import Iterator

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from wildtrace.model import Selector

#: Cheap test run first: no two capitals followed by two digits, no IBAN (most listings).
#: Written to start with a character class, which the regex engine scans for at C speed.
_PREFILTER = re.compile(r"[A-Z][A-Z]\d\d")
#: Country, check digits, then groups of up to 4 letters or digits, with or without spaces.
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{1,4}){3,8}(?![A-Za-z0-9])")


def find_ibans(text: str, field: str) -> Iterator[Selector]:
    """Valid IBANs in ``text``, in their compact upper-case form."""
    if not _PREFILTER.search(text):
        return
    for found in _CANDIDATE.finditer(text):
        raw = found.group(0)
        # a word written after the number may have been swallowed as a last group: drop
        # trailing groups until the rest validates
        groups = raw.split(" ")
        while groups:
            candidate = " ".join(groups)
            value = _valid(candidate)
            if value is not None:
                start = found.start()
                yield Selector("iban", value, candidate, field, start, start + len(candidate))
                break
            if len(groups) == 1:
                break
            groups.pop()


def _valid(candidate: str) -> str | None:
    try:
        return str(IBAN(candidate).compact)
    except (SchwiftyException, ValueError):
        return None
