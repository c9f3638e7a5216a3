"""Helpers shared by the link tests (not a test module)."""

from __future__ import annotations

import dataclasses
from typing import Any

from wildtrace.link import link_listings as link_listings_by_key
from wildtrace.model import Network


def by_id(network: Network) -> Network:
    """Linking names listings by key (``platform:id``); every listing in these tests has an
    id of its own, so the network is read back by id (keys are checked in test_resolve)."""

    def plain(key: str) -> str:
        return key.rpartition(":")[2]

    return Network(
        {plain(key): cluster for key, cluster in network.clusters.items()},
        tuple(dataclasses.replace(link, source=plain(link.source), target=plain(link.target))
              for link in network.links),
        network.held_back,
    )  # fmt: skip


def link_listings(*args: Any, **kwargs: Any) -> Network:
    """``wildtrace.link.link_listings``, its network read back by id."""
    return by_id(link_listings_by_key(*args, **kwargs))
