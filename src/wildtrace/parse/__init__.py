"""Parse: raw records and pages -> Listing (fields, charset, language)."""

from wildtrace.parse.charset import CharsetError, charset_from_content_type, decode_html
from wildtrace.parse.html import has_text, parse_listing_html
from wildtrace.parse.language import detect_language
from wildtrace.parse.record import EmptyRecordError, clean_text, content_id, listing_from_record, url_id

__all__ = [
    "CharsetError",
    "EmptyRecordError",
    "charset_from_content_type",
    "clean_text",
    "content_id",
    "decode_html",
    "detect_language",
    "has_text",
    "listing_from_record",
    "parse_listing_html",
    "url_id",
]
