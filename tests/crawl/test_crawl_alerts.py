"""A crawl raises alerts: a seller on a watchlist before the crawl is alerted on as soon as
the crawler stores one of its listings, and the crawl's summary says so."""

from __future__ import annotations

from pathlib import Path

from conftest import FAST, Served, run_cli


def test_crawl_alerts_on_a_watched_seller(demo_site: Served, crawl_dirs: tuple[Path, str]) -> None:
    out, db = crawl_dirs
    seller = demo_site.site.listings[0]["seller"]
    watched = run_cli("watch", "add", seller, "--type", "account", "--note", "known broker", "--db", db)
    assert watched.code == 0, watched.stderr
    run = run_cli("crawl", f"{demo_site.url}/", *FAST, "--depth", "4", "--out-dir", str(out), "--db", db)
    assert run.code == 0, run.stderr
    assert "carry an identifier of a watchlist" in run.stderr
    shown = run_cli("alerts", "--db", db)
    lines = [line.split("\t") for line in shown.stdout.splitlines()[1:]]
    own = [row for row in demo_site.site.listings if row["seller"] == seller]
    assert len(lines) == len(own) >= 1
    assert all(line[2:4] == ["account", seller.casefold()] and line[5] == "known broker" for line in lines)
