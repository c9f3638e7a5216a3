"""Turning the bytes of a page into text: byte-order marks, declared charsets, UTF-8.

The order follows what browsers do, with one safety net: a byte-order mark wins; then a page
that is valid UTF-8 is read as UTF-8 (a mislabelled page is far more often UTF-8 than not);
then the charset the server sent (HTTP Content-Type), then the one the page declares itself
(``<meta charset>``, ``http-equiv``, an XML declaration). Legacy names are read with the
superset browsers use (ISO-8859-1 as Windows-1252, GB2312/GBK as GB18030, Shift_JIS as CP932).
"""

from __future__ import annotations

import codecs
import re

from wildtrace.errors import WildTraceError

#: How far into a page to look for a declared charset (browsers look at 1024 bytes; pages
#: with long heads put it later, so we look a little further).
PRESCAN_BYTES = 4096

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Declared names mapped to the decoder browsers actually use for them (WHATWG Encoding).
_BROWSER_SUPERSETS = {
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
    "tis-620": "cp874",
    "iso8859-11": "cp874",
    "iso8859-9": "cp1254",
}

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""")
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)


class CharsetError(WildTraceError):
    """The bytes of a page could not be turned into text; the message says why."""


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of an HTTP Content-Type header, if any."""
    if not content_type:
        return None
    found = _HEADER_CHARSET.search(content_type)
    return found.group(1) if found else None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (meta charset, http-equiv, XML)."""
    head = data[:PRESCAN_BYTES]
    found = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return found.group(1).decode("ascii") if found else None


def decode_html(data: bytes, charset_hint: str | None = None) -> str:
    """Decode a page; raise CharsetError with a human reason when it cannot be done."""
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_codec, errors="replace")
    declared = [name for name in (charset_hint, declared_charset(data)) if name]
    known = [codec for codec in map(_python_codec, declared) if codec]
    # UTF-16/32 declared without a BOM comes first: those bytes would also pass as UTF-8.
    wide = [codec for codec in known if codec.startswith(("utf-16", "utf-32"))]
    try:
        return data.decode("utf-8") if not wide else _decode(data, wide)
    except UnicodeDecodeError as error:
        utf8_error = error
    if known:
        return _decode(data, known)
    where = f"byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start}"
    if declared:
        raise CharsetError(f"unknown charset {declared[0]!r} declared and not UTF-8: {where}")
    raise CharsetError(f"not UTF-8 and no charset declared: {where}")


def _decode(data: bytes, candidates: list[str]) -> str:
    """Decode with the first codec that works, the way browsers do (a stray byte becomes U+FFFD)."""
    for codec in candidates:
        try:
            return data.decode(codec, errors="replace")
        except (UnicodeError, LookupError, ValueError, TypeError):
            continue
    return data.decode("utf-8", errors="replace")


def _python_codec(name: str) -> str | None:
    """The Python codec for a declared charset name, or None if Python does not know it."""
    cleaned = name.strip().strip("\"'").lower()
    try:
        info = codecs.lookup(cleaned)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None  # "base64", "zlib", ... are codecs but not charsets
    codec = info.name
    if codec in ("utf-16", "utf-32"):
        return codec + "-le"  # no BOM (checked before): the web default is little-endian
    return _BROWSER_SUPERSETS.get(codec, codec)
