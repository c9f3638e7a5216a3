"""Linking: [Analysis] -> Network, with reasons, an over-correlation guard, photos,
analysts' judgements, and the network's communities and key accounts."""

from wildtrace.link.images import MAX_DISTANCE, MAX_IMAGE_BYTES, hash_bytes, photo_groups
from wildtrace.link.judgements import Judgement, latest
from wildtrace.link.resolve import DEFAULT_MAX_ACCOUNTS, LINKING_TYPES, account_of, link_listings

__all__ = [
    "DEFAULT_MAX_ACCOUNTS",
    "LINKING_TYPES",
    "MAX_DISTANCE",
    "MAX_IMAGE_BYTES",
    "Judgement",
    "account_of",
    "hash_bytes",
    "latest",
    "link_listings",
    "photo_groups",
]
