"""Hostile and broken servers: every fault is logged with its URL and reason, none stops the crawl."""

from __future__ import annotations

from pathlib import Path

from conftest import FAST, Served, run_cli
from crawl_helpers import check_captures_match_warc, events, responses, summary


def test_every_fault_is_logged_and_the_crawl_completes(
    demo_site: Served, crawl_dirs: tuple[Path, str]
) -> None:
    out, db = crawl_dirs
    run = run_cli(
        "crawl",
        f"{demo_site.url}/faults/",
        *FAST,
        "--depth",
        "1",
        "--timeout",
        "1",
        "--retries",
        "2",
        "--max-size",
        str(4 * 1024 * 1024),
        "--out-dir",
        str(out),
        "--db",
        db,
    )
    assert run.code == 1, run.stderr  # faults are reported by the exit status, not by a crash
    assert "Traceback" not in run.stderr
    assert summary(out)["finish_reason"] == "finished"
    reasons = {e["url"].rsplit("/faults/", 1)[1]: e["reason"] for e in events(out) if e["kind"] == "fault"}
    assert "binary response (application/octet-stream" in reasons["binary"]
    assert "binary response (text/html" in reasons["binary-as-html"]
    (redirects,) = [reason for name, reason in reasons.items() if name.startswith("redirect/")]
    assert "too many redirects" in redirects
    assert "charset" in reasons["no-charset"]  # GB18030 bytes with no charset: not guessed
    assert "timed out" in reasons["slow"]
    assert "connection lost or reset" in reasons["reset"]
    assert "decompression cap" in reasons["bomb"]
    assert "size cap" in reasons["huge"]
    assert not {"broken-html", "wrong-charset", "busy"} & reasons.keys()
    # the slow page was retried (--retries 2), the busy one served after two back-offs
    assert demo_site.site.hits("/faults/slow") == 3
    statuses = [r["status"] for r in responses(out) if r["url"].endswith("/faults/busy")]
    assert statuses == ["503", "429", "200"]
    # the bomb was archived as served (compressed), never inflated to disk
    (bomb,) = [r for r in responses(out) if r["url"].endswith("/faults/bomb")]
    assert bomb["headers"].get_header("Content-Encoding") == "gzip"
    # the broken and mis-declared pages were read: they are pages, not faults
    assert any(e["kind"] == "gone" and e["url"].endswith("/faults/not-found") for e in events(out))
    check_captures_match_warc(out, db)


def test_a_hostile_redirect_to_loopback_is_refused(
    demo_site: Served, crawl_dirs: tuple[Path, str], tmp_path: Path
) -> None:
    """Only 127.0.0.1 is allowed (--allow-network): the redirect to 127.0.0.2 is refused after the hop,
    although the profile lets the crawler follow links to that host."""
    out, db = crawl_dirs
    profile = tmp_path / "p.yaml"
    profile.write_text(
        f"start_urls: ['{demo_site.url}/faults/loopback-redirect']\n"
        "allowed_domains: [127.0.0.1, 127.0.0.2]\n",
        encoding="utf-8",
    )
    run = run_cli(
        "crawl",
        "--profile",
        str(profile),
        "--allow-network",
        "127.0.0.1",
        "--delay",
        "0",
        "--out-dir",
        str(out),
        "--db",
        db,
    )
    assert run.code == 0, run.stderr
    (refused,) = [e for e in events(out) if e["kind"] == "refused"]
    assert refused["url"].startswith("http://127.0.0.2:") and "127.0.0.2" in refused["reason"]
    assert [r["status"] for r in responses(out)] == ["200", "302"]  # robots.txt, the redirect; nothing after


def test_a_loopback_crawl_without_allow_private_is_refused(
    demo_site: Served, crawl_dirs: tuple[Path, str]
) -> None:
    out, db = crawl_dirs
    run = run_cli("crawl", f"{demo_site.url}/", "--out-dir", str(out), "--db", db)
    assert run.code == 2
    assert "refused" in run.stderr and "--allow-private" in run.stderr and demo_site.url in run.stderr
    assert demo_site.site.hits("/") == 0 and demo_site.site.hits("/robots.txt") == 0
