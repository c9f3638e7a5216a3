"""``wildtrace report``: the store's summary on the terminal and as an HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from wildtrace.commands.common import DbOpt, console, fail, failure, stopping_errors


def report(
    db: DbOpt = None,
    html: Annotated[Path | None, typer.Option("--html", help="Also write the report here.")] = None,
) -> None:
    """Summarise the store: listings, flagged, commodities, sellers, networks."""
    from wildtrace.report import print_summary, render_html
    from wildtrace.store import open_store

    try:
        with open_store(db) as store:
            summary = store.summary()
            print_summary(console, summary, store.url)
            if html is not None:
                html.parent.mkdir(parents=True, exist_ok=True)
                html.write_text(render_html(summary, store.url), encoding="utf-8")
                console.print(f"HTML report: [cyan]{escape(str(html))}[/]", markup=True)
    except OSError as exc:
        raise fail(str(exc)) from exc
    except stopping_errors() as exc:
        raise failure(exc) from exc
