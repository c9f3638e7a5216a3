"""The web app under load: p50/p95 of the review queue, the listing page, search and
/api/listings with 20 concurrent clients, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/web_load.py [--listings 100000] [--clients 20] [--seconds 30]
                                            [--workers 2] [--engines sqlite postgresql]
                                            [--think 0]

A fresh store is filled with synthetic analysed listings (``review_queue.synthetic``) in four
collections of three agencies (AMBER, AMBER+STRICT, GREEN, and an AMBER one shared with the
first agency), with one analyst per agency. ``wildtrace serve`` runs in a subprocess on a
loopback port; each client signs in as one of the analysts and requests, round robin, the
review page, a listing page it may see, a search and ``/api/listings``: 10 s of warm-up
(every client's sign-in hashes a password, caches fill) not recorded, then ``--seconds``,
waiting ``--think`` seconds (0.5-1.5 times it) after each answer. 0 asks as fast as it can,
which measures the server saturated: 20 clients then queue behind each other; 1-3 s is an
analyst reading the page. Latencies are wall times seen by the client (Python's httpx,
same machine: the clients' own CPU competes with the server's on a 2-core machine, so these
are upper bounds).
PostgreSQL in a temporary database on ``WILDTRACE_TEST_PG`` (default
postgresql+psycopg://postgres@127.0.0.1:5432/test) if reachable.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx
from review_queue import DEFAULT_PG, postgresql_database, sqlite_database, synthetic
from sqlalchemy import create_engine, insert, make_url
from sqlalchemy.exc import SQLAlchemyError

from wildtrace.store import open_store
from wildtrace.store.collections import ensure_collection
from wildtrace.store.people import add_agency, add_user
from wildtrace.store.tables_access import CollectionShareRow

PASSWORD = "benchmark password"
#: Collection of listing i: i % 4 → (name, owner, marking).
COLLECTIONS = (("a-amber", "A", "AMBER"), ("a-strict", "A", "AMBER+STRICT"), ("b-green", "B", "GREEN"),
               ("c-shared", "C", "AMBER"))  # fmt: skip
USERS = {"ana": "A", "ben": "B", "cat": "C"}
#: Which collections (by i % 4) each user sees.
SEES = {"ana": {0, 1, 2, 3}, "ben": {2}, "cat": {2, 3}}
ENDPOINTS = ("review", "listing", "search", "api_listings")


def fill(url: str, count: int) -> None:
    with open_store(url) as store:
        for code in ("A", "B", "C"):
            add_agency(store, code, f"Agency {code}")
        for name, agency in USERS.items():
            add_user(store, name, agency, "analyst", PASSWORD)
        with store.write_transaction("benchmark collections") as conn:
            ids = [ensure_collection(conn, name, owner, tlp) for name, owner, tlp in COLLECTIONS]
            from wildtrace.store.collections import agency_id

            conn.execute(
                insert(CollectionShareRow).values(collection_id=ids[3], agency_id=agency_id(conn, "A"))
            )
        for start in range(0, count, 2000):
            batch = synthetic(start, min(2000, count - start))
            for which, collection in enumerate(ids):
                part = [pair for i, pair in enumerate(batch, start) if i % 4 == which]
                store.save_batch(part, collection_id=collection)
        store.refresh_statistics(count)  # as `scan` and `load` do after a bulk write (PostgreSQL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, "-m", "wildtrace", "serve", "--db", url, "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.2)
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {server.stderr.read().decode() if server.stderr else ''}")
    server.kill()
    raise SystemExit("the server did not answer within 60 s")


async def client(base: str, user: str, count: int, warm_until: float, until: float,
                 times: dict[str, list[float]], errors: dict[str, int], seed: int,
                 think: float = 0.0) -> None:  # fmt: skip
    """One analyst: signs in once, then asks round robin; what it asks before ``warm_until``
    (caches filling, every client's sign-in hashing its password) is not recorded."""
    rng = random.Random(seed)
    visible = sorted(SEES[user])
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        login = await http.post("/api/session", json={"username": user, "password": PASSWORD})
        login.raise_for_status()
        turn = 0
        while time.monotonic() < until:
            endpoint = ENDPOINTS[turn % len(ENDPOINTS)]
            turn += 1
            if endpoint == "review":
                path = "/review"
            elif endpoint == "listing":
                i = rng.randrange(0, count // 4) * 4 + rng.choice(visible)
                path = f"/listings/market{i % 5}.example:bench-{i:07d}"
            elif endpoint == "search":
                path = f"/search?q={rng.choice(('ivory', 'pangolin', 'rosewood', 'seller_17'))}"
            else:
                path = f"/api/listings?limit=50&offset={rng.randrange(0, 20) * 50}"
            started = time.perf_counter()
            answer = await http.get(path)
            elapsed = time.perf_counter() - started
            if time.monotonic() - elapsed < warm_until:
                pass
            elif answer.status_code == 200:
                times[endpoint].append(elapsed)
            else:
                errors[f"{endpoint} {answer.status_code}"] += 1
            if think:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))


def run_load(
    base: str, count: int, clients: int, seconds: float, think: float = 0.0, warm_up: float = 10.0
) -> tuple[dict[str, list[float]], dict[str, int]]:
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    users = list(USERS)

    async def everyone() -> None:
        warm_until = time.monotonic() + warm_up
        until = warm_until + seconds
        await asyncio.gather(*(client(base, users[n % len(users)], count, warm_until, until, times, errors,
                                      n, think)
                               for n in range(clients)))  # fmt: skip

    asyncio.run(everyone())
    return times, errors


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(label: str, url: str, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    fill(url, args.listings)
    filled = time.perf_counter() - started
    server, base = start_server(url, args.workers)
    try:
        times, errors = run_load(base, args.listings, args.clients, args.seconds, args.think)
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = sum(len(v) for v in times.values())
    print(f"{label}: {args.listings:,} listings, {args.clients} clients (think {args.think:g} s), "
          f"{args.workers} workers, "
          f"{args.seconds:.0f} s: {total / args.seconds:.0f} requests/s "
          f"(filling took {filled:.0f} s)")  # fmt: skip
    for endpoint in ENDPOINTS:
        values = times.get(endpoint, [])
        if values:
            print(f"  {endpoint:<13} p50 {1000 * statistics.median(values):7.1f} ms   "
                  f"p95 {1000 * percentile(values, 0.95):7.1f} ms   ({len(values)} requests)")  # fmt: skip
    if errors:
        print(f"  errors: {dict(errors)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--think", type=float, default=0.0, help="seconds a client waits after an answer")
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    os.chdir(Path(__file__).parent)
    if "sqlite" in args.engines:
        with sqlite_database() as url:
            report("SQLite", url, args)
    if "postgresql" in args.engines:
        pg_url = os.environ.get("WILDTRACE_TEST_PG") or DEFAULT_PG
        probe = create_engine(pg_url, connect_args={"connect_timeout": 3})
        try:
            with probe.connect():
                pass
        except SQLAlchemyError as exc:
            shown = make_url(pg_url).render_as_string(hide_password=True)
            print(f"PostgreSQL: skipped, not reachable at {shown}: {getattr(exc, 'orig', exc)}")
            return
        finally:
            probe.dispose()
        with postgresql_database(pg_url) as url:
            report("PostgreSQL", url, args)


if __name__ == "__main__":
    main()
