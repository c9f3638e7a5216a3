"""Hostile servers on loopback against the crawler: huge header lines, a body dripped one byte at a
time, a redirect loop, a page of ten thousand links. Each costs bounded time and memory,
is written to ``crawl-events.jsonl`` as a fault naming its rule, and the crawl goes on to the next
page (its listing is stored, the exit status is 1)."""

from __future__ import annotations

import json
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

LISTING = (
    b"<html><head><title>Item</title></head><body><h1>Raw ivory tusk bangle, genuine elephant ivory</h1>"
    b"<p>Selling genuine elephant ivory bangles, discreet shipping, WhatsApp +84 912 345 678.</p>"
    b"</body></html>"
)
LINKS = 10_000


def page(body: bytes, status: str = "200 OK", headers: tuple[str, ...] = ()) -> bytes:
    head = [f"HTTP/1.1 {status}", "Content-Type: text/html; charset=utf-8", f"Content-Length: {len(body)}"]
    head += [*headers, "Connection: close"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


class Hostile(socketserver.StreamRequestHandler):
    """Answers by path, writing raw bytes (no framework smoothing anything over)."""

    def handle(self) -> None:
        line = self.rfile.readline(65536).decode("latin-1")
        while self.rfile.readline(65536) not in (b"\r\n", b"\n", b""):
            pass
        path = line.split(" ")[1] if line.count(" ") >= 2 else "/"
        out = self.wfile
        with suppress(OSError):
            if path == "/robots.txt":
                out.write(page(b"User-agent: *\nAllow: /\n"))
            elif path == "/":
                links = b"".join(
                    f'<a href="/{name}">{name}</a>'.encode()
                    for name in ("huge-header", "drip", "loop/a", "links", "item/1")
                )
                out.write(page(b"<html><body>" + links + b"</body></html>"))
            elif path == "/huge-header":  # one 8 MB header line
                out.write(b"HTTP/1.1 200 OK\r\nX-Pad: ")
                for _ in range(8 * 16):
                    out.write(b"a" * 65536)
                out.write(b"\r\n\r\n<p>never read</p>")
            elif path == "/drip":  # a body one byte every 0.2 s, forever
                out.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
                for _ in range(200):
                    out.write(b"x")
                    out.flush()
                    time.sleep(0.2)
            elif path.startswith("/loop/"):
                target = "/loop/b" if path == "/loop/a" else "/loop/a"
                out.write(page(b"", "302 Found", (f"Location: {target}",)))
            elif path == "/links":  # ten thousand distinct on-site links
                body = b"".join(b'<a href="/many/%d">%d</a>' % (i, i) for i in range(LINKS))
                out.write(page(b"<html><body>" + body + b"</body></html>"))
            elif path == "/item/1":
                out.write(page(LISTING))
            else:
                out.write(page(b"<html><body><p>nothing here</p></body></html>"))


@contextmanager
def hostile_server() -> Iterator[str]:
    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", 0), Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run_measured(
    command: list[str], folder: Path, timeout: float
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``command`` and return its result with ITS OWN peak RSS in MB: the high-water mark
    of its memory (``VmHWM``, which starts afresh at exec), read while it runs. Neither
    RUSAGE_CHILDREN (the largest child any earlier test had) nor wait4's ru_maxrss (which
    keeps the forking pytest's size across exec) measures the crawl alone."""
    stdout, stderr = folder / "crawl.stdout", folder / "crawl.stderr"
    peak_kb = 0
    with stdout.open("w") as out, stderr.open("w") as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        deadline = time.monotonic() + timeout
        while proc.poll() is None:
            with suppress(OSError):
                status = Path(f"/proc/{proc.pid}/status").read_text()
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        peak_kb = max(peak_kb, int(line.split()[1]))
            if time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                break
            time.sleep(0.05)
    done = subprocess.CompletedProcess(
        command, proc.returncode, stdout.read_text(encoding="utf-8"), stderr.read_text(encoding="utf-8")
    )
    return done, peak_kb / 1024

def events(out: Path) -> list[dict[str, Any]]:
    lines = (out / "crawl-events.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_hostile_servers_cost_bounded_time_and_are_named_faults(tmp_path: Path) -> None:
    out, db = tmp_path / "crawl", f"sqlite:///{tmp_path / 'store.db'}"
    with hostile_server() as base:
        started = time.monotonic()
        done, peak_mb = run_measured(
            [
                sys.executable, "-m", "wildtrace", "crawl", f"{base}/", "--allow-private", "--delay", "0",
                "--concurrency", "4", "--depth", "1", "--timeout", "3", "--retries", "0",
                "--out-dir", str(out), "--db", db,
            ],
            tmp_path, timeout=120,
        )  # fmt: skip
        took = time.monotonic() - started
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    assert took < 90, took
    # the 8 MB header line is never held whole: this crawl's own peak (not an earlier child's) stays small
    print(f"crawl: {took:.1f} s, peak RSS of the crawl {peak_mb:.0f} MB")
    assert peak_mb < 600
    faults = {e["url"].removeprefix(base): e for e in events(out) if e["kind"] == "fault"}
    assert faults["/drip"]["rule"] == "time-cap"
    assert faults["/huge-header"]["rule"] in ("connection", "size-cap")
    # the redirect loop ends at the duplicate filter: said so, not silently
    (loop,) = [e for e in events(out) if e["kind"] == "duplicate"]
    assert (loop["url"], loop["redirected_from"]) == (f"{base}/loop/a", f"{base}/loop/a")
    # the listing after them was stored, and the page of 10,000 links was read
    stored = [e for e in events(out) if e["kind"] == "stored"]
    assert [e["url"] for e in stored] == [f"{base}/item/1"]
    deep = [e for e in events(out) if e["kind"] == "depth"]
    assert len(deep) == LINKS  # every link beyond --depth 1 is named once, none fetched
    summary = json.loads((out / "crawl-summary.json").read_text(encoding="utf-8"))
    assert summary["faults"] == len(faults) == 2
    assert summary["refusals"]["duplicate-redirect"] == 1
