"""``wildtrace demo``: scan, store, link and report the bundled fictional corpus."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from wildtrace import __version__
from wildtrace.commands.common import (
    EXIT_REJECTED,
    DbOpt,
    ThresholdOpt,
    console,
    fail,
    failure,
    interrupted_status,
    print_scan_summary,
    rejects_path,
    scan_job,
    sigterm_as_interrupt,
    stopping_errors,
)
from wildtrace.commands.link import print_network_summary
from wildtrace.config import threshold as resolve_threshold
from wildtrace.config import wildtrace_home

if TYPE_CHECKING:
    from wildtrace.demo.agencies import DemoLogin


def demo_inputs() -> list[Path]:
    """The demo corpus that ships inside the package."""
    root = Path(str(resources.files("wildtrace.demo") / "data"))
    return [root / "listings.jsonl", root / "more"]


def demo(
    db: DbOpt = None,
    threshold: ThresholdOpt = None,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Build the demo store and stop (for scripts and tests).")
    ] = False,
    host: Annotated[str, typer.Option("--host", help="Serve the web app on this address.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Serve the web app on this port.")
    ] = 8000,
) -> None:
    """Scan, store, link and report the bundled demo corpus, add three demo agencies with a
    user each (their logins are printed), then serve the web app until Ctrl-C (what `make demo`
    runs; --no-serve stops after the batch).

    The demo uses its own database, WILDTRACE_HOME/demo.db, unless --db is given.
    """
    from wildtrace.demo.agencies import add_demo_agencies
    from wildtrace.demo.operation import add_demo_operation
    from wildtrace.demo.watchlist import add_demo_watchlist
    from wildtrace.report import print_summary, render_html
    from wildtrace.scanning import ScanTotals, link_store
    from wildtrace.store import open_store

    totals = ScanTotals()
    try:
        home = wildtrace_home()
        out = home / "demo-scan.jsonl"
        rejects = rejects_path(out, "demo")
        db_url = db or f"sqlite:///{home / 'demo.db'}"
        # the fictional demo data gets a database of its own, never the user's store
        with sigterm_as_interrupt(), open_store(db_url) as store:
            level = resolve_threshold(threshold)  # after opening: the store's model has its own
            console.print(f"[bold]WildTrace {__version__}[/] demo: scanning the bundled listings",
                          markup=True)  # fmt: skip
            scan_job(demo_inputs(), out=out, store=store, threshold=level, totals=totals, rejects=rejects)
            print_scan_summary(totals, store, rejects if totals.rejected else None)
            linked = link_store(store)
            print_network_summary([listing for listing, _ in linked.pairs], linked.network)
            summary = store.summary()
            console.rule("Report")
            print_summary(console, summary, store.url)
            report_path = home / "report.html"
            report_path.write_text(render_html(summary, store.url), encoding="utf-8")
            logins = add_demo_agencies(store)
            operation = add_demo_operation(store)
            watchlist = add_demo_watchlist(store)
        console.print(f"Scan rows: [cyan]{escape(str(out))}[/]\n"
                      f"HTML report: [cyan]{escape(str(report_path))}[/]", markup=True)  # fmt: skip
        console.print("Next: [bold]wildtrace scan YOUR_FILES --out results.jsonl[/] "
                      "(into your own store), or [bold]wildtrace report --db "
                      f"{escape(str(home / 'demo.db'))}[/]", markup=True)  # fmt: skip
        url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
        print_logins(logins, url)
        console.print(f"Operation [bold]{operation.name}[/]: {operation.lines:,} seizure lines in the GREEN "
                      f"collection {operation.collection} (every agency's analyst sees its report under "
                      "Operations and can add its seizures to a case).", markup=True)  # fmt: skip
        console.print(f"Watchlist [bold]{watchlist.name}[/] of {watchlist.agency} (GREEN, "
                      f"{watchlist.entries} entries): {watchlist.alerts:,} alerts on the listings it may see "
                      f"(`wildtrace alerts --db {escape(db_url)}`, or Alerts in the web app).",
                      markup=True)  # fmt: skip
        if no_serve:
            console.print(f"Serve it with: [bold]wildtrace serve --db {escape(db_url)}[/]", markup=True)
    except KeyboardInterrupt as stop:
        console.print("Interrupted: run the demo again to complete it.")
        raise typer.Exit(interrupted_status(stop)) from None
    except OSError as exc:
        raise fail(str(exc)) from exc
    except stopping_errors() as exc:
        raise failure(exc) from exc
    if totals.rejected:
        raise typer.Exit(EXIT_REJECTED)
    if no_serve:
        return
    from wildtrace.commands.serve import serve_app

    try:
        serve_app(db_url, host, port, 1)
    except KeyboardInterrupt:
        pass
    except SystemExit as stop:  # uvicorn could not start (its 3 is not WildTrace's "a bug")
        if stop.code not in (None, 0):
            raise fail(f"could not serve on {host}:{port} (taken by another program?); the demo store "
                       f"is ready: run the demo again with another --port, or `wildtrace serve --db "
                       f"{db_url} --port N`") from None  # fmt: skip
        raise


def print_logins(logins: list[DemoLogin], url: str) -> None:
    """The demo users and their passwords, shown once (only their hashes are stored)."""
    console.rule("Demo agencies")
    console.print(f"Sign in at [bold]{escape(url)}/login[/] as one of these users; each sees its "
                  "agency's part of the demo store:", markup=True)  # fmt: skip
    width = max(len(login.username) for login in logins)
    for login in logins:
        console.print(f"  user [bold]{escape(login.username.ljust(width))}[/]  password "
                      f"[bold]{escape(login.password)}[/]", markup=True)  # fmt: skip
        console.print(f"      {login.role} of {login.agency} ({login.agency_name}); "
                      f"{login.listings:,} listings: {login.sees}")  # fmt: skip
    console.print("The passwords are shown only now (the store keeps their hashes); running the demo "
                  "again sets new ones.")  # fmt: skip
