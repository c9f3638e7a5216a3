"""The demo's watchlist: Viet Nam Customs shares (GREEN) the numbers and handles of couriers it
already knows, so that the demo shows alerts on the listings that carry them (``wildtrace
alerts``, the web app's Alerts page). The values are the demo corpus's own fictional ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wildtrace.store import Store

WATCHLIST = "customs-known-couriers"
#: (kind, value as a partner would write it, region, note)
ENTRIES: tuple[tuple[str, str, str | None, str], ...] = (
    ("phone", "0912 604 318", "VN", "courier seen in the 2026 port seizures (demo)"),
    ("phone", "+62 813-2740-5918", None, "supplier named by a seized phone (demo)"),
    ("handle", "t.me/rare_supply_asia", None, "channel offering wildlife products (demo)"),
)


@dataclass(frozen=True, slots=True)
class DemoWatchlist:
    name: str
    agency: str
    entries: int
    alerts: int


def add_demo_watchlist(store: Store) -> DemoWatchlist:
    """Put the demo entries on VN-CUSTOMS's GREEN watchlist (left as they are when there) and
    count the alerts they raise over the stored demo listings."""
    from wildtrace.extract import identify
    from wildtrace.store.people import agency_viewer
    from wildtrace.store.watchlists import WatchEntry, add_entries, list_watchlists

    viewer = agency_viewer(store, "VN-CUSTOMS")
    entries = [WatchEntry(identify(kind, value, region), note) for kind, value, region, note in ENTRIES]
    add_entries(store, entries, viewer, WATCHLIST, "GREEN", source="demo")
    info = next(info for info in list_watchlists(store, viewer) if info.name == WATCHLIST)
    return DemoWatchlist(info.name, info.agency, info.entries, info.alerts)
