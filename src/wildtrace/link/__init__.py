"""Linking: [Analysis] -> Network, with reasons, an over-correlation guard, photos,
analysts' judgements, and the network's communities and key accounts."""

from wildtrace.link.graph import (
    DEFAULT_SEED,
    FORMATS,
    AccountGraph,
    AccountNode,
    Format,
    build_graph,
    key_accounts,
    render,
    to_json,
)
from wildtrace.link.images import MAX_DISTANCE, MAX_IMAGE_BYTES, hash_bytes, photo_groups
from wildtrace.link.judgements import VERDICTS, Judgement, Verdict, latest
from wildtrace.link.resolve import DEFAULT_MAX_ACCOUNTS, LINKING_TYPES, account_of, link_listings

__all__ = [
    "DEFAULT_MAX_ACCOUNTS",
    "DEFAULT_SEED",
    "FORMATS",
    "LINKING_TYPES",
    "MAX_DISTANCE",
    "MAX_IMAGE_BYTES",
    "VERDICTS",
    "AccountGraph",
    "AccountNode",
    "Format",
    "Judgement",
    "Verdict",
    "account_of",
    "build_graph",
    "hash_bytes",
    "key_accounts",
    "latest",
    "link_listings",
    "photo_groups",
    "render",
    "to_json",
]
