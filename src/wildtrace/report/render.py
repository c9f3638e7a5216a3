"""Render a ``StoreSummary`` for people: Rich tables in the terminal, an HTML page on disk.

Everything shown comes from scraped or imported data, so the HTML template escapes
every value (Jinja2 autoescape is on and never bypassed).
"""

from __future__ import annotations

from datetime import UTC, datetime

from jinja2 import Environment, PackageLoader, select_autoescape
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from wildtrace import __version__
from wildtrace.store import StoreSummary


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("wildtrace.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )


def render_html(summary: StoreSummary, database: str) -> str:
    """A self-contained HTML page (no scripts, no external assets)."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        summary=summary,
        database=database,
        version=__version__,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def print_summary(console: Console, summary: StoreSummary, database: str) -> None:
    """The same figures as the HTML page, as Rich tables."""
    headline = Table.grid(padding=(0, 2))
    headline.add_column(style="bold")
    headline.add_column(justify="right")
    for label, value in (
        ("Listings stored", summary.listings),
        ("Flagged", summary.flagged),
        ("Platforms", summary.platforms),
        ("Seller accounts", summary.accounts),
        ("Networks (2+ accounts)", summary.networks),
        ("Rejected records", summary.rejects),
    ):
        headline.add_row(label, f"{value:,}")
    console.print(headline)
    if summary.top_commodities:
        table = Table(title="Top commodities (flagged listings)", title_justify="left")
        table.add_column("Commodity")  # cells are plain Text: data is never read as markup
        table.add_column("Listings", justify="right")
        for name, count in summary.top_commodities:
            table.add_row(Text(name), f"{count:,}")
        console.print(table)
    if summary.top_sellers:
        table = Table(title="Top sellers (by flagged listings)", title_justify="left")
        table.add_column("Platform")
        table.add_column("Seller")
        table.add_column("Flagged", justify="right")
        table.add_column("Listings", justify="right")
        for platform, seller, flagged, total in summary.top_sellers:
            table.add_row(Text(platform or "-"), Text(seller), f"{flagged:,}", f"{total:,}")
        console.print(table)
    console.print(f"Database: [cyan]{escape(database)}[/]", highlight=False, markup=True)
