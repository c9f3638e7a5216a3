"""``wildtrace demo``: scan, store, link and report the bundled fictional corpus."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

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


def demo_inputs() -> list[Path]:
    """The demo corpus that ships inside the package."""
    root = Path(str(resources.files("wildtrace.demo") / "data"))
    return [root / "listings.jsonl", root / "more"]


def demo(
    db: DbOpt = None,
    threshold: ThresholdOpt = None,
) -> None:
    """Scan, store, link and report the bundled demo corpus (what `make demo` runs).

    The demo uses its own database, WILDTRACE_HOME/demo.db, unless --db is given.
    """
    from wildtrace.report import print_summary, render_html
    from wildtrace.scanning import ScanTotals, link_store
    from wildtrace.store import open_store

    totals = ScanTotals()
    try:
        home = wildtrace_home()
        out = home / "demo-scan.jsonl"
        rejects = rejects_path(out, "demo")
        # the fictional demo data gets a database of its own, never the user's store
        with sigterm_as_interrupt(), open_store(db or f"sqlite:///{home / 'demo.db'}") as store:
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
        console.print(f"Scan rows: [cyan]{escape(str(out))}[/]\n"
                      f"HTML report: [cyan]{escape(str(report_path))}[/]", markup=True)  # fmt: skip
        console.print("Next: [bold]wildtrace scan YOUR_FILES --out results.jsonl[/] "
                      "(into your own store), or [bold]wildtrace report --db "
                      f"{escape(str(home / 'demo.db'))}[/]", markup=True)  # fmt: skip
    except KeyboardInterrupt as stop:
        console.print("Interrupted: run the demo again to complete it.")
        raise typer.Exit(interrupted_status(stop)) from None
    except OSError as exc:
        raise fail(str(exc)) from exc
    except stopping_errors() as exc:
        raise failure(exc) from exc
    if totals.rejected:
        raise typer.Exit(EXIT_REJECTED)
