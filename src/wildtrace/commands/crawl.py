"""``wildtrace crawl`` and ``wildtrace demo-site``: collect listings politely, as evidence.

Scrapy and Twisted are imported only when a crawl runs, so other commands start fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer

from wildtrace.commands.common import (
    AgencyOpt,
    CollectionOpt,
    DbOpt,
    TlpOpt,
    collection_for,
    console,
    failure,
)
from wildtrace.commands.common import fail as _fail


def crawl(
    urls: Annotated[list[str] | None, typer.Argument(help="Start URLs (http or https).")] = None,
    profile: Annotated[
        Path | None,
        typer.Option("--profile", help="Site profile (YAML): start URLs, searches, link rules, fields."),
    ] = None,
    max_pages: Annotated[
        int | None, typer.Option("--max-pages", min=1, help="Stop after this many pages.")
    ] = None,
    depth: Annotated[
        int, typer.Option("--depth", min=0, help="Follow links this many steps from a start URL.")
    ] = 3,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", help="Allow loopback, private and link-local addresses (demo and tests)."
        ),
    ] = False,
    allow_network: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-network", help="Allow this one private network (CIDR, e.g. 10.1.0.0/16); repeatable."
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            help="WARC files, events and resume state [default: WILDTRACE_HOME/crawls/HOST]. "
            "Run again with the same folder to resume.",
        ),
    ] = None,
    db: DbOpt = None,
    user_agent: Annotated[
        str | None, typer.Option("--user-agent", help="User-Agent (identify yourself).")
    ] = None,
    delay: Annotated[
        float | None,
        typer.Option("--delay", min=0.0, help="Seconds between requests to one host [default: 1]."),
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", min=1, help="Requests at once to one host [default: 2].")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds before a request is given up.")
    ] = 30.0,
    max_size: Annotated[
        int, typer.Option("--max-size", min=1024, help="Largest response in bytes, also once decompressed.")
    ] = 16 * 1024 * 1024,
    retries: Annotated[
        int, typer.Option("--retries", min=0, help="Retries on 429/5xx and network errors.")
    ] = 3,
    operator: Annotated[
        str | None, typer.Option("--operator", help="Who runs the crawl, for the WARC files and custody log.")
    ] = None,
    crawl_id: Annotated[
        str | None,
        typer.Option("--crawl-id", help="Name of the crawl [default: new, or the one already in --out-dir]."),
    ] = None,
    redis: Annotated[
        str | None,
        typer.Option(
            "--redis",
            help="Share the queue and duplicate filter in Redis (redis://host:6379/0) "
            "so several machines run one crawl.",
        ),
    ] = None,
    redis_key: Annotated[
        str | None,
        typer.Option("--redis-key", help="Key prefix of the shared crawl in Redis [default: the crawl id]."),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log every page, not only faults.")
    ] = False,
    collection: CollectionOpt = "default",
    agency: AgencyOpt = "local",
    tlp: TlpOpt = None,
) -> None:
    """Crawl marketplaces politely; archive every exchange (WARC); analyse and store listing pages."""
    from rich.markup import escape

    from wildtrace.config import wildtrace_home
    from wildtrace.crawl.config import DEFAULT_USER_AGENT, CrawlConfig
    from wildtrace.crawl.guard import check_url, parse_networks
    from wildtrace.crawl.pipelines import COLLECTION_SETTING
    from wildtrace.crawl.profile import ProfileError, load_profile
    from wildtrace.errors import WildTraceError

    try:
        site = load_profile(profile) if profile is not None else None
    except ProfileError as exc:
        raise failure(exc) from exc
    start = list(urls or [])
    for url in start:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _fail(f"{url}: not an http(s) URL")
    if not start and site is None:
        raise _fail("give at least one URL to start from, or a --profile with start_urls")
    every = start + (list(site.start_urls) + site.search_urls() if site is not None else [])
    try:
        networks = parse_networks(allow_network or [])
    except ValueError as exc:
        raise _fail(f"--allow-network {exc}") from exc
    if not allow_private:
        for host_url in {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}/": u for u in every}.values():
            refused = check_url(host_url, networks)
            if refused is not None:
                raise _fail(refused)
    try:
        from wildtrace.pipeline import prepare

        prepare()  # a bad detector model or checklist stops the crawl before its first request
        from wildtrace.store import open_store

        with open_store(db) as store:  # the collection is chosen (or refused) before any request
            into = collection_for(store, collection, agency, tlp)
    except WildTraceError as exc:
        raise failure(exc) from exc
    first_host = urlsplit(every[0]).hostname or "crawl"
    folder = out_dir or wildtrace_home() / "crawls" / first_host
    config = CrawlConfig(
        start_urls=tuple(start),
        out_dir=folder.resolve(),
        db_url=db,
        profile=site,
        max_pages=max_pages,
        depth=depth,
        allow_private=allow_private,
        allowed_networks=tuple(str(net) for net in networks),
        user_agent=user_agent or DEFAULT_USER_AGENT,
        delay=delay,
        concurrency_per_host=concurrency,
        timeout=timeout,
        max_bytes=max_size,
        retries=retries,
        operator=operator,
        crawl_id=crawl_id,
        redis_url=redis,
        redis_key=redis_key or crawl_id,
        log_level="INFO" if verbose else "WARNING",
        extra_settings={COLLECTION_SETTING: into},
    )
    if redis and not config.redis_key:
        raise _fail("--redis needs --crawl-id (or --redis-key): every machine of one crawl uses the same one")
    try:
        from wildtrace.crawl.runner import run_crawl

        result = run_crawl(config)
    except KeyboardInterrupt:
        console.print(
            "Interrupted: the WARC files and the store are consistent; run again with the same "
            "--out-dir to resume."
        )
        raise typer.Exit(130) from None
    except (WildTraceError, OSError) as exc:
        raise failure(exc) from exc
    totals = result.totals
    console.print(
        f"[bold]{totals.fetched:,}[/] responses archived, "
        f"[bold]{totals.listings:,}[/] listing pages analysed "
        f"([bold red]{totals.flagged:,}[/] flagged): {totals.new:,} new, {totals.updated:,} updated, "
        f"{totals.unchanged:,} unchanged; {totals.changed:,} changed, {totals.takedowns:,} taken down.",
        markup=True,
    )
    if totals.alerted:
        console.print(
            f"[bold red]{totals.alerted:,}[/] listings carry an identifier of a watchlist "
            "(`wildtrace alerts`)",
            markup=True,
        )
    console.print(
        f"{totals.faults:,} faults; not followed: {totals.refused:,} refused by the private-address guard, "
        f"{totals.robots:,} disallowed by robots.txt, {totals.offsite:,} off-site, "
        f"{totals.too_deep:,} beyond --depth. "
        f"Crawl {escape(result.crawl_id)} ({escape(result.reason)})."
    )
    console.print(
        f"Evidence: [cyan]{escape(str(config.warc_dir))}[/]; events: "
        f"[cyan]{escape(str(config.events_file))}[/]",
        markup=True,
    )
    if result.interrupted:
        console.print("Stopped before the end: run the same command again to resume.")
    if result.exit_status:
        raise typer.Exit(result.exit_status)


def demo_site(
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")
    ] = 8765,
    limit: Annotated[
        int | None, typer.Option("--limit", min=6, help="Serve only the first N listings.")
    ] = None,
) -> None:
    """Serve the fictional demo marketplace on loopback (for `wildtrace crawl --allow-private`)."""
    from importlib import resources

    from wildtrace.demo.site import DemoSite

    site = DemoSite(limit)
    try:
        server = site.make_server("127.0.0.1", port)
    except OSError as exc:
        raise _fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    profile = Path(str(resources.files("wildtrace.demo.site") / "marche-demo.yaml"))
    console.print(f"Demo marketplace on {url} ({len(site.listings)} listings). Ctrl-C to stop.")
    console.print(f"Crawl it: wildtrace crawl {url} --allow-private --delay 0 --out-dir demo-crawl")
    console.print(f"     or: wildtrace crawl --profile {profile} --allow-private --out-dir demo-crawl")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    finally:
        server.server_close()
