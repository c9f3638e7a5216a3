"""The ``wildtrace`` command line: parse arguments, call a stage, show progress.

Messages, progress and summaries go to stderr, so ``--out -`` can be piped. Exit
status (``commands/common.py``): 0 all good, 1 some records were rejected (the rest was
processed), 2 usage or configuration error, 3 an internal error (a bug: what was stored so
far is consistent), 4 a database error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
The commands live in ``commands/``, one module per command or group; this module only
registers them.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.markup import escape

from wildtrace import __version__
from wildtrace.commands.common import console, database_errors, failure

app = typer.Typer(
    name="wildtrace",
    help="Investigate illegal wildlife and timber trade online.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Commands defined in their own modules under wildtrace/commands/ (one module per stage).
# Register each here with one line, e.g. ``app.add_typer(ops.app, name="ops")``.
# A command module imports heavy libraries (SQLAlchemy, Alembic, NumPy, scikit-learn, the
# selector libraries, Scrapy, PySpark) inside the functions that use them, never at its top:
# every module below is imported for `wildtrace --help`, which must start in well under half a
# second (tests/test_cli_startup.py fails when a registered module pulls one in).
# --- registered commands: begin ---
from wildtrace.commands import scan as scan_commands  # noqa: E402

app.command("scan")(scan_commands.scan)
from wildtrace.commands import link as link_commands  # noqa: E402

app.command("link")(link_commands.link)
from wildtrace.commands import report as report_commands  # noqa: E402

app.command("report")(report_commands.report)
from wildtrace.commands import demo as demo_commands  # noqa: E402
from wildtrace.commands.demo import demo_inputs  # noqa: E402, F401  (the demo corpus, for tests and training)

app.command("demo")(demo_commands.demo)
from wildtrace.commands import crawl as crawl_commands  # noqa: E402

app.command("crawl")(crawl_commands.crawl)
app.command("demo-site")(crawl_commands.demo_site)
from wildtrace.commands import network as network_commands  # noqa: E402

app.command("network")(network_commands.network)
app.add_typer(network_commands.judge_app, name="judge")
from wildtrace.commands import ops as ops_commands  # noqa: E402

app.add_typer(ops_commands.app, name="ops")
from wildtrace.commands import evidence as evidence_commands  # noqa: E402

app.add_typer(evidence_commands.app, name="evidence")
from wildtrace.commands import train as train_commands  # noqa: E402

app.command("train")(train_commands.train)
from wildtrace.commands import model as model_commands  # noqa: E402

app.add_typer(model_commands.app, name="model")
from wildtrace.commands import review as review_commands  # noqa: E402

app.add_typer(review_commands.app, name="review")
from wildtrace.commands import spark as spark_commands  # noqa: E402

app.add_typer(spark_commands.app, name="spark")
app.command("load")(spark_commands.load)
from wildtrace.commands import people as people_commands  # noqa: E402

app.add_typer(people_commands.agency_app, name="agency")
app.add_typer(people_commands.user_app, name="user")
app.add_typer(people_commands.audit_app, name="audit")
from wildtrace.commands import collection as collection_commands  # noqa: E402

app.add_typer(collection_commands.app, name="collection")
from wildtrace.commands import serve as serve_commands  # noqa: E402

app.command("serve")(serve_commands.serve)
from wildtrace.commands import watch as watch_commands  # noqa: E402

app.add_typer(watch_commands.app, name="watch")
app.command("alerts")(watch_commands.alerts)
from wildtrace.commands import exchange as exchange_commands  # noqa: E402

app.add_typer(exchange_commands.export_app, name="export")
app.add_typer(exchange_commands.import_app, name="import")
# --- registered commands: end ---


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    """WildTrace: collect, detect, extract, link and report wildlife-trade listings."""
    if version:
        console.print(f"wildtrace {__version__}")
        raise typer.Exit()


def run() -> None:
    """The console entry point: the app, with a clear last word on an unexpected error."""
    try:
        app(prog_name="wildtrace")
    except (SystemExit, KeyboardInterrupt):  # before the next clause: it imports SQLAlchemy
        raise
    except database_errors() as exc:  # a database failure no command caught: not a bug in WildTrace
        sys.exit(failure(exc).exit_code)
    except Exception as exc:  # a bug: say so plainly instead of dumping a traceback
        console.print(
            f"[bold red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))}\n"
            "This is a bug in WildTrace; please report it with the command you ran. What was "
            "stored before it is consistent; set WILDTRACE_DEBUG=1 to see the traceback.",
            markup=True,
        )
        if os.environ.get("WILDTRACE_DEBUG"):
            raise
        sys.exit(3)
