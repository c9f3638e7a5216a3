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
from wildtrace.link.keys import AccountLinks, LinkKey, group_accounts
from wildtrace.link.resolve import (
    DEFAULT_MAX_ACCOUNTS,
    LINKING_TYPES,
    account_of,
    blocked,
    current_names,
    describe,
    explain,
    link_listings,
)

__all__ = [
    "DEFAULT_MAX_ACCOUNTS",
    "DEFAULT_SEED",
    "FORMATS",
    "LINKING_TYPES",
    "MAX_DISTANCE",
    "MAX_IMAGE_BYTES",
    "VERDICTS",
    "AccountGraph",
    "AccountLinks",
    "AccountNode",
    "Format",
    "Judgement",
    "LinkKey",
    "Verdict",
    "account_of",
    "blocked",
    "build_graph",
    "current_names",
    "describe",
    "explain",
    "group_accounts",
    "hash_bytes",
    "key_accounts",
    "latest",
    "link_listings",
    "photo_groups",
    "render",
    "to_json",
]
