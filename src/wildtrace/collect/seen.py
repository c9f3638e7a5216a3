"""The listings a scan has read so far, in bounded memory: the duplicate-id check.

A scan rejects a second listing with a key it has already read (``Listing.key``), unless
it is a new capture of that page (other bytes: the listing's history). That needs every
key read so far, and a 5 GB JSONL file holds millions of them: kept in a dict they would
take gigabytes. ``SeenListings`` keeps up to ``limit`` keys in memory, then moves them
all to a SQLite file in the temporary folder and looks them up there (a few microseconds
each), so memory stays flat whatever the input size. The file is removed on ``close``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from typing import NamedTuple

from wildtrace.model import ListingKey, Origin

#: Keys held in memory before the check moves to disk: about 60 MB of dict and strings.
SEEN_LIMIT = 250_000


class FirstSeen(NamedTuple):
    """Where a key was first read (None when the reader gave no origin)."""

    origin: Origin | None


class SeenListings:
    """Keys read so far, with where each was first read and the SHA-256 of its captures."""

    def __init__(self, limit: int = SEEN_LIMIT) -> None:
        if limit < 0:
            raise ValueError(f"limit must be 0 or more, not {limit}")
        self.limit = limit
        self._first: dict[ListingKey, Origin | None] = {}
        self._captures: dict[ListingKey, set[str]] = {}
        self._disk: sqlite3.Connection | None = None
        self._path: str | None = None

    @property
    def on_disk(self) -> bool:
        """True once the keys have moved to the temporary file."""
        return self._disk is not None

    def __len__(self) -> int:
        if self._disk is None:
            return len(self._first)
        return int(self._disk.execute("SELECT count(*) FROM seen").fetchone()[0])

    def add(self, key: ListingKey, origin: Origin | None, sha256: str | None) -> FirstSeen | None:
        """Record ``key`` as read; a duplicate (the key read before, and not a new capture of
        it: ``sha256`` is None, or already read, or the key was read without a capture) is
        not recorded and returns where the key was first read."""
        if self._disk is not None:
            return self._add_on_disk(key, origin, sha256)
        if key in self._first:
            known = self._captures.get(key)
            if sha256 is None or known is None or sha256 in known:
                return FirstSeen(self._first[key])
        else:
            self._first[key] = origin
        if sha256 is not None:
            self._captures.setdefault(key, set()).add(sha256)
        if len(self._first) > self.limit:
            self._spill()
        return None

    def _add_on_disk(self, key: ListingKey, origin: Origin | None, sha256: str | None) -> FirstSeen | None:
        disk = self._disk
        assert disk is not None
        platform = key.platform if key.platform is not None else ""
        row = disk.execute(
            "SELECT file, line, captured FROM seen WHERE platform = ? AND platform_set = ? AND id = ?",
            (platform, key.platform is not None, key.id),
        ).fetchone()
        if row is not None:
            first = Origin(row[0], row[1]) if row[0] is not None else None
            if sha256 is None or not row[2]:
                return FirstSeen(first)
            known = disk.execute(
                "SELECT 1 FROM captures WHERE platform = ? AND platform_set = ? AND id = ? AND sha256 = ?",
                (platform, key.platform is not None, key.id, sha256),
            ).fetchone()
            if known is not None:
                return FirstSeen(first)
        else:
            disk.execute(
                "INSERT INTO seen VALUES (?, ?, ?, ?, ?, ?)",
                (platform, key.platform is not None, key.id,
                 origin.file if origin else None, origin.line if origin else None, sha256 is not None),
            )  # fmt: skip
        if sha256 is not None:
            disk.execute(
                "INSERT OR IGNORE INTO captures VALUES (?, ?, ?, ?)",
                (platform, key.platform is not None, key.id, sha256),
            )
        return None

    def _spill(self) -> None:
        """Move every key to a new SQLite file in the temporary folder."""
        handle, self._path = tempfile.mkstemp(prefix="wildtrace-seen-", suffix=".db")
        os.close(handle)
        disk = sqlite3.connect(self._path, isolation_level=None)
        # a scratch file: losing it in a crash loses nothing (the scan starts over)
        disk.execute("PRAGMA journal_mode=OFF")
        disk.execute("PRAGMA synchronous=OFF")
        disk.execute("PRAGMA cache_size=-32000")  # 32 MB of page cache, whatever the input size
        disk.execute(
            "CREATE TABLE seen (platform TEXT, platform_set INTEGER, id TEXT, file TEXT, line INTEGER,"
            " captured INTEGER, PRIMARY KEY (platform, platform_set, id)) WITHOUT ROWID"
        )
        disk.execute(
            "CREATE TABLE captures (platform TEXT, platform_set INTEGER, id TEXT, sha256 TEXT,"
            " PRIMARY KEY (platform, platform_set, id, sha256)) WITHOUT ROWID"
        )
        disk.execute("BEGIN")
        disk.executemany(
            "INSERT INTO seen VALUES (?, ?, ?, ?, ?, ?)",
            (
                (key.platform or "", key.platform is not None, key.id,
                 origin.file if origin else None, origin.line if origin else None, key in self._captures)
                for key, origin in self._first.items()
            ),
        )  # fmt: skip
        disk.executemany(
            "INSERT INTO captures VALUES (?, ?, ?, ?)",
            (
                (key.platform or "", key.platform is not None, key.id, sha256)
                for key, shas in self._captures.items()
                for sha256 in shas
            ),
        )
        disk.execute("COMMIT")
        # Lookups and inserts from here on run without a transaction per statement.
        disk.execute("BEGIN")
        self._disk = disk
        self._first, self._captures = {}, {}

    def close(self) -> None:
        """Remove the temporary file, if the keys went to disk."""
        if self._disk is not None:
            self._disk.close()
            self._disk = None
        if self._path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._path)
            self._path = None

    def __enter__(self) -> SeenListings:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
