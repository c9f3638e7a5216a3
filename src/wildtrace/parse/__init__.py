"""Parse: raw records and pages -> Listing (fields, charset, language)."""

from wildtrace.parse.charset import CharsetError, charset_from_content_type, decode_html
from wildtrace.parse.html import has_text, parse_listing_html
from wildtrace.parse.language import detect_language
from wildtrace.parse.page import PageKind, page_kind
from wildtrace.parse.record import (
    CLEANED_KEY,
    SCALAR_FIELDS,
    EmptyRecordError,
    clean_text,
    clean_value,
    content_id,
    listing_from_record,
    platform_from_url,
    unstorable_count,
    url_id,
)

__all__ = [
    "CLEANED_KEY",
    "SCALAR_FIELDS",
    "CharsetError",
    "EmptyRecordError",
    "PageKind",
    "charset_from_content_type",
    "clean_text",
    "clean_value",
    "content_id",
    "decode_html",
    "detect_language",
    "has_text",
    "listing_from_record",
    "page_kind",
    "parse_listing_html",
    "platform_from_url",
    "unstorable_count",
    "url_id",
]
