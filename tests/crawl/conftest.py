"""Fixtures for the crawler tests: the demo marketplace on loopback, and crawls in a child process.

Twisted's reactor starts once per process, so every crawl runs the real CLI
(``python -m wildtrace crawl ...``) in a child process, against a real HTTP server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from wildtrace.demo.site import DemoSite

#: Fast settings for loopback crawls: no delay, several requests at once.
FAST = ["--allow-private", "--delay", "0", "--concurrency", "8"]


@dataclass
class Served:
    site: DemoSite
    url: str


@pytest.fixture
def demo_site() -> Iterator[Served]:
    """A fresh 16-listing demo marketplace on a free loopback port (its large page 512 KB)."""
    site = DemoSite(limit=16, slow_seconds=3.0, large_page_bytes=512 * 1024)
    with site.serve() as url:
        yield Served(site, url)


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, timeout: float = 60, env: dict[str, str] | None = None) -> Run:
    """``wildtrace ARGS`` in a child process."""
    done = subprocess.run(
        [sys.executable, "-m", "wildtrace", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    return Run(done.returncode, done.stdout, done.stderr)


def start_cli(*args: str) -> subprocess.Popen[str]:
    """``wildtrace ARGS`` started in a child process (to be stopped by the test)."""
    return subprocess.Popen(
        [sys.executable, "-m", "wildtrace", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def crawl_dirs(tmp_path: Path) -> tuple[Path, str]:
    """(out-dir, SQLite URL) of one crawl."""
    return tmp_path / "crawl", f"sqlite:///{tmp_path / 'store.db'}"
