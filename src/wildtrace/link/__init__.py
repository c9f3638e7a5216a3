"""Linking: [Analysis] -> Network, with reasons, an over-correlation guard, photos,
analysts' judgements, and the network's communities and key accounts."""

from wildtrace.link.judgements import Judgement, latest
from wildtrace.link.resolve import DEFAULT_MAX_ACCOUNTS, LINKING_TYPES, account_of, link_listings

__all__ = ["DEFAULT_MAX_ACCOUNTS", "LINKING_TYPES", "Judgement", "account_of", "latest", "link_listings"]
