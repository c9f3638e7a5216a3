"""``wildtrace spark scan`` / ``spark link-keys`` (the Spark runner) and ``wildtrace load``.

PySpark, pyarrow and the store are imported inside the commands: ``wildtrace --help`` and
every other command start without them, and without the ``spark`` extra these commands
say how to install it (exit 2).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import Annotated

import typer

from wildtrace.commands.common import (
    EXIT_REJECTED,
    AgencyOpt,
    CollectionOpt,
    DbOpt,
    ThresholdOpt,
    TlpOpt,
    collection_for,
    console,
    fail,
    failure,
    interrupted_status,
    sigterm_as_interrupt,
    stopping_errors,
)
from wildtrace.errors import WildTraceError

app = typer.Typer(
    help="Run WildTrace on Spark: for collections larger than one machine (the spark extra, Java 17).",
    no_args_is_help=True,
)

SparkInputsArg = Annotated[
    list[str],
    typer.Argument(help="Files, folders or globs: JSONL, CSV or Parquet; local paths or any URL "
                   "Hadoop reads (hdfs://, s3a://, ...)."),
]  # fmt: skip
MasterOpt = Annotated[
    str | None,
    typer.Option("--master", help="Spark master URL, e.g. spark://host:7077 or yarn [default: local[*]]."),
]


def _require(modules: tuple[str, ...], java: bool = True) -> None:
    """Stop with the install command when the spark extra (or Java) is missing."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise fail(
            f"this command needs {', '.join(missing)}, from the spark extra: "
            "pip install 'wildtrace[spark]' (and Java 17 for Spark itself)"
        )
    if java and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise fail("Spark needs Java 17: install it (Debian: apt-get install openjdk-17-jre-headless) "
                   "or set JAVA_HOME")  # fmt: skip


def _spark_failed(error: Exception) -> typer.Exit:
    """A Spark job that failed: its first line (the JVM's stack is for WILDTRACE_DEBUG)."""
    if os.environ.get("WILDTRACE_DEBUG"):
        raise error
    text = str(error).strip().splitlines()
    return fail(f"the Spark job failed: {text[0] if text else type(error).__name__}")


@app.command("scan")
def spark_scan_command(
    inputs: SparkInputsArg,
    out: Annotated[str, typer.Option("--out", "-o", help="Folder (or URL) for the Parquet scan rows.")],
    master: MasterOpt = None,
    partitions: Annotated[
        int | None,
        typer.Option("--partitions", min=1, help="Spread the records over N tasks [default: as read]."),
    ] = None,
    threshold: ThresholdOpt = None,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Analyse with this store's active model ('wildtrace model activate'), "
                     "broadcast to the workers [default: the packaged model]."),
    ] = None,
) -> None:
    """Analyze listings on Spark; write the scan rows as Parquet, by platform and day.

    Rejected records go to OUT/_rejects as JSON lines. Each worker must run this WildTrace
    (PYSPARK_PYTHON is set to this Python when unset).
    """
    _require(("pyspark", "pyarrow"))
    from wildtrace.config import threshold as resolve_threshold
    from wildtrace.runners.spark import REJECTS_FOLDER, spark_scan, spark_session

    try:
        level = resolve_threshold(threshold)
        if db is not None:  # nothing is stored: the store only lends its active model
            from wildtrace.store import open_store
            from wildtrace.store.models import use_active_model

            with open_store(db) as store:
                use_active_model(store)
        with sigterm_as_interrupt():
            session = spark_session(master)
            try:
                totals = spark_scan(session, inputs, out, threshold=level, partitions=partitions)
            finally:
                session.stop()
    except KeyboardInterrupt as stop:
        console.print(f"Interrupted: {out} may be incomplete; run the command again (it replaces {out}).")
        raise typer.Exit(interrupted_status(stop)) from None
    except WildTraceError as exc:
        raise failure(exc) from exc
    except Exception as exc:
        if type(exc).__module__.startswith(("pyspark", "py4j")):
            raise _spark_failed(exc) from exc
        raise
    console.print(
        f"Read {totals.files:,} files: {totals.read:,} listings written to {out}, "
        f"{totals.flagged:,} flagged, {totals.rejected:,} rejected"
        + (f" (see {out.rstrip('/')}/{REJECTS_FOLDER})" if totals.rejected else "")
        + "."
    )
    if totals.rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command("link-keys")
def link_keys_command(
    inputs: Annotated[list[str], typer.Argument(help="The Parquet scan rows of 'wildtrace spark scan'.")],
    out: Annotated[str, typer.Option("--out", "-o", help="Folder (or URL) for the link keys (Parquet).")],
    master: MasterOpt = None,
) -> None:
    """Selector -> accounts, for linking on one machine what Spark analysed."""
    _require(("pyspark", "pyarrow"))
    from wildtrace.runners.spark import spark_link_keys, spark_session

    try:
        with sigterm_as_interrupt():
            session = spark_session(master)
            try:
                count = spark_link_keys(session, inputs, out)
            finally:
                session.stop()
    except KeyboardInterrupt as stop:
        raise typer.Exit(interrupted_status(stop)) from None
    except Exception as exc:
        if type(exc).__module__.startswith(("pyspark", "py4j")):
            raise _spark_failed(exc) from exc
        raise
    console.print(f"{count:,} link keys (selector -> accounts) written to {out}.")


def load(
    folder: Annotated[Path, typer.Argument(help="The --out folder of 'wildtrace spark scan'.")],
    db: DbOpt = None,
    collection: CollectionOpt = "default",
    agency: AgencyOpt = "local",
    tlp: TlpOpt = None,
) -> None:
    """Store the Parquet scan rows of 'wildtrace spark scan'; loading again stores nothing twice,
    and a stopped load goes on from the file it was in."""
    _require(("pyarrow",), java=False)
    from wildtrace.loading import LoadTotals, load_scan_output, progress_path
    from wildtrace.store import RunStatus, open_store

    totals = LoadTotals()
    try:
        with sigterm_as_interrupt(), open_store(db) as store:
            into = collection_for(store, collection, agency, tlp)
            run_id = store.start_run([str(folder)])
            status: RunStatus = "interrupted"
            try:
                load_scan_output(store, folder, totals=totals, collection_id=into)
                status = "completed"
            finally:
                store.finish_run(
                    run_id, read=totals.read, stored=totals.saved.stored, unchanged=totals.saved.unchanged,
                    rejected=0, status=status,
                )  # fmt: skip
            progress = progress_path(store, folder, into)
    except KeyboardInterrupt as stop:
        console.print(f"Interrupted after {totals.files:,} files: run the same command again to go on.")
        raise typer.Exit(interrupted_status(stop)) from None
    except stopping_errors() as exc:
        raise failure(exc) from exc
    skipped = f" ({totals.skipped:,} loaded before, skipped)" if totals.skipped else ""
    console.print(
        f"Loaded {totals.files:,} files{skipped}: {totals.read:,} listings read, "
        f"{totals.saved.stored:,} stored, {totals.saved.unchanged:,} unchanged. Progress: {progress}"
    )
