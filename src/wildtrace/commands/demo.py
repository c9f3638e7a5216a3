"""``wildtrace demo``: scan, store, link and report the bundled fictional corpus."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import typer
from rich.markup import escape

from wildtrace import __version__
from wildtrace.commands.common import DbOpt, ThresholdOpt, _fail, _print_scan_summary, _scan, console
from wildtrace.commands.link import _print_network_summary
from wildtrace.config import threshold as resolve_threshold
from wildtrace.config import wildtrace_home
from wildtrace.errors import WildTraceError
from wildtrace.link import link_listings
from wildtrace.link.graph import build_graph
from wildtrace.report import print_summary, render_html
from wildtrace.store import open_store
from wildtrace.store.judgements import save_network_accounts


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
    try:
        home = wildtrace_home()
        level = resolve_threshold(threshold)
        out = home / "demo-scan.jsonl"
        # the fictional demo data gets a database of its own, never the user's store
        with open_store(db or f"sqlite:///{home / 'demo.db'}") as store:
            console.print(f"[bold]WildTrace {__version__}[/] demo: scanning the bundled listings",
                          markup=True)  # fmt: skip
            totals, rejects = _scan(demo_inputs(), out=out, store=store, threshold=level)
            _print_scan_summary(totals, store, rejects)
            pairs = list(store.load_analyses())
            network = link_listings(pairs)
            store.save_network(network)
            save_network_accounts(store, build_graph([listing for listing, _ in pairs], network))
            _print_network_summary([listing for listing, _ in pairs], network)
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
    except KeyboardInterrupt:
        console.print("Interrupted: run the demo again to complete it.")
        raise typer.Exit(130) from None
    except (WildTraceError, OSError) as exc:
        raise _fail(str(exc)) from exc
    if totals.rejected:
        raise typer.Exit(1)
