"""Linking: [Analysis] -> Network, with reasons and an over-correlation guard."""

from wildtrace.link.resolve import DEFAULT_MAX_ACCOUNTS, account_of, link_listings

__all__ = ["DEFAULT_MAX_ACCOUNTS", "account_of", "link_listings"]
