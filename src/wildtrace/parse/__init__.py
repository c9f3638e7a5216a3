"""Parse: raw records and pages -> Listing (fields, charset, language)."""

from wildtrace.parse.charset import CharsetError, decode_html
from wildtrace.parse.html import parse_listing_html
from wildtrace.parse.language import detect_language
from wildtrace.parse.record import EmptyRecordError, content_id, listing_from_record, url_id

__all__ = [
    "CharsetError",
    "EmptyRecordError",
    "content_id",
    "decode_html",
    "detect_language",
    "listing_from_record",
    "parse_listing_html",
    "url_id",
]
