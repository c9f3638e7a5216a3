"""Records -> Listing: field names, aliases, value types, images, stable ids."""

from __future__ import annotations

import pickle

import pytest

from wildtrace.errors import WildTraceError
from wildtrace.model import Origin
from wildtrace.parse import EmptyRecordError, content_id, listing_from_record
from wildtrace.parse.record import image_values, platform_from_url


def test_field_names_are_matched_loosely_and_own_name_beats_alias() -> None:
    listing = listing_from_record(
        {
            "Title": "Bear bile",
            "Seller Info": "WeChat bb88",
            "posted-at": "2024-01-02",
            "body": "b",
            "description": "d",
            "PRICE": 12.5,
            "sold": False,
        }
    )
    assert (listing.title, listing.seller_info, listing.posted_at) == (
        "Bear bile",
        "WeChat bb88",
        "2024-01-02",
    )
    assert listing.text == "d" and listing.extra == {"body": "b", "sold": False}
    assert listing.price == "12.5"


def test_empty_record_raises() -> None:
    with pytest.raises(EmptyRecordError):
        listing_from_record({"id": "x", "price": 5, "url": "https://a.test", "title": " "})


def test_an_empty_record_error_is_typed_and_crosses_a_process_boundary_with_its_line() -> None:
    """A WildTraceError like every error WildTrace raises (the CLI reports those as the
    user's input, not a bug), still a ValueError, and pickled back from a worker with the
    file and line it names."""
    with pytest.raises(EmptyRecordError) as raised:
        listing_from_record({"id": "x", "title": " "}, Origin("in.jsonl", 7))
    error = raised.value
    assert isinstance(error, WildTraceError) and isinstance(error, ValueError)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is EmptyRecordError and again.origin == Origin("in.jsonl", 7)
    assert str(again) == str(error) == "empty record: no title, text (or description/body) or seller_info"


@pytest.mark.parametrize(
    ("value", "images"),
    [
        (["a.jpg", "", "a.jpg", {"url": "b.jpg"}], ("a.jpg", "b.jpg")),
        ("a.jpg | b.jpg|c.jpg", ("a.jpg", "b.jpg", "c.jpg")),
        ("a.jpg  b.jpg\nc.jpg", ("a.jpg", "b.jpg", "c.jpg")),
        ('["a.jpg", "b.jpg"]', ("a.jpg", "b.jpg")),
        (None, ()),
        ("", ()),
    ],
)
def test_image_values(value: object, images: tuple[str, ...]) -> None:
    assert image_values(value) == images


def test_content_id_is_stable_and_ignores_extra_and_blanks() -> None:
    a = listing_from_record({"title": "Ivory", "price": 450, "note": "x"})
    b = listing_from_record({"title": " Ivory ", "price": "450", "text": "", "other": 1})
    c = listing_from_record({"title": "Ivory", "price": "451"})
    assert a.id == b.id == content_id({"title": "Ivory", "price": "450"})
    assert a.id != c.id
    assert a.id.startswith("sha-") and len(a.id) == 20 and all(ch in "0123456789abcdef" for ch in a.id[4:])


def test_platform_from_url() -> None:
    assert platform_from_url("https://www.Facebook.com/marketplace/item/1") == "facebook.com"
    assert platform_from_url("not a url") is None
    assert platform_from_url("http://[::1") is None
