"""``wildtrace train``: fit the learned detector from project data and reviewer labels."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wildtrace.commands.common import (
    ByOpt,
    WorkersOpt,
    analyst,
    console,
    failure,
    progress_bar,
    stopping_errors,
)
from wildtrace.commands.common import fail as _fail
from wildtrace.errors import WildTraceError


def train(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write the model (.npz) [default: detector.npz; with --db, the store only].",
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Learn from the reviewer labels in this store (database URL or SQLite "
            "file) and keep the model there.",
        ),
    ] = None,
    activate: Annotated[
        bool, typer.Option(help="With --db: make the new model the store's active one.")
    ] = True,
    reanalyse: Annotated[
        bool, typer.Option(help="With --db: re-analyse the stored listings with the new model.")
    ] = True,
    by: ByOpt = None,
    workers: WorkersOpt = None,
    labels: Annotated[
        list[Path] | None,
        typer.Option(
            "--labels", help="Reviewer labels CSV: id,label (+ --listings) or label,title,text. Repeatable."
        ),
    ] = None,
    listings: Annotated[
        list[Path] | None,
        typer.Option("--listings", help="Listings (JSONL/CSV/...) the labels' ids refer to. Repeatable."),
    ] = None,
    corpus: Annotated[bool, typer.Option(help="Include the synthetic training corpus.")] = True,
    demo: Annotated[bool, typer.Option(help="Include the demo corpus (its held-out fifth excluded).")] = True,
    scale: Annotated[int, typer.Option(min=1, max=20, help="Size multiplier of the synthetic corpus.")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic corpus.")] = 7,
    c: Annotated[float, typer.Option("--c", min=1e-4, help="Inverse regularisation strength.")] = 4.0,
) -> None:
    """Train the detector's calibrated model and write it to --out.

    Use it by pointing WILDTRACE_DETECTOR_MODEL at the file (or, to change the model the
    package ships, write it to src/wildtrace/detect/data/detector.npz).

    With --db: learn from the labels the store's reviewers agree on (`wildtrace review`)
    with the built-in corpus, print cross-validated precision, recall and F1 on the labels,
    keep the model in the store as its active model, and re-analyse the stored listings."""
    if db is not None:
        if labels or listings:
            raise _fail("--db learns from the store's labels; --labels and --listings are for files")
        _train_on_store(db, out, activate=activate, reanalyse=reanalyse, by=analyst(by), workers=workers)
        return
    out = Path("detector.npz") if out is None else out
    from wildtrace.collect.labels import demo_examples, label_file_examples
    from wildtrace.detect import corpus_examples, train

    examples = []
    try:
        if corpus:
            examples += corpus_examples("train", seed=seed, scale=scale)
        if demo:
            examples += demo_examples("train")
        for path in labels or []:
            if not path.is_file():
                raise _fail(f"{path}: no such labels file")
            examples += label_file_examples(path, listings or [])
    except WildTraceError as error:
        raise _fail(str(error)) from error
    if not examples:
        raise _fail("nothing to train on: give --labels or keep --corpus/--demo")
    console.print(f"training on {len(examples)} labelled listings (about a minute for the full corpus) ...")
    try:
        model, counts = train(examples, c=c)
    except WildTraceError as error:
        raise _fail(str(error)) from error
    except KeyboardInterrupt:
        console.print("Interrupted: no model written.")
        raise typer.Exit(130) from None
    try:
        _write_model(out, model.to_bytes())
    except OSError as error:
        raise _fail(f"{out}: cannot write the model: {error.strerror or error}") from error
    for source, count in sorted(counts.items()):
        console.print(f"  {source}: {count} examples")
    console.print(
        f"trained on {model.meta['examples']} examples with lexicon evidence "
        f"({model.meta['positives']} positive; {model.meta['without_evidence']} had none and are "
        f"scored by the lexicon alone); wrote {out} ({out.stat().st_size / 1024:.0f} KB)"
    )


def _train_on_store(
    db: str, out: Path | None, *, activate: bool, reanalyse: bool, by: str, workers: int | None
) -> None:
    """``train --db``: retrain on the store's labels, keep and activate the model, re-analyse."""
    import time

    from wildtrace.config import threshold as resolve_threshold
    from wildtrace.retraining import reanalyse as reanalyse_store
    from wildtrace.retraining import train_from_store
    from wildtrace.runners import default_workers
    from wildtrace.store import open_store

    started = time.perf_counter()
    try:
        with open_store(db) as store:
            console.print("training on the store's labels and the built-in corpus ...")
            saved, retrained = train_from_store(store, by=by, activate=activate)
            if out is not None:
                _write_model(out, retrained.model.to_bytes())
            cv, counts = retrained.metrics["cv"], retrained.metrics["labels"]
            console.print(
                f"labels: {counts['yes']} yes, {counts['no']} no (each weighs "
                f"{retrained.metrics['label_weight']:g} corpus rows); {retrained.metrics['folds']}-fold "
                f"cross-validation on the labels: precision {cv['precision']:.2f}, "
                f"recall {cv['recall']:.2f}, F1 {cv['f1']:.2f} at threshold {retrained.threshold:.4g}"
            )
            state = "active" if activate else "saved, not active (`wildtrace model activate`)"
            console.print(f"model {saved.version} ({saved.digest[:12]}) {state} in {store.url}")
            if activate and reanalyse:
                level = resolve_threshold(None)
                total = store.summary().analysed
                with progress_bar("listings") as bar:
                    task = bar.add_task("Re-analysing", total=total)
                    changed = reanalyse_store(
                        store, level, workers or default_workers(),
                        on_progress=lambda done: bar.update(task, completed=done),
                    )  # fmt: skip
                console.print(f"re-analysed {changed.stored + changed.unchanged:,} stored listings "
                              f"({changed.updated:,} updated) at threshold {level:.4g}")  # fmt: skip
    except KeyboardInterrupt:
        console.print("Interrupted: what was stored so far is consistent; `wildtrace scan` completes it.")
        raise typer.Exit(130) from None
    except stopping_errors() as exc:
        raise failure(exc) from exc
    except OSError as error:
        raise _fail(f"{out}: cannot write the model: {error.strerror or error}") from error
    console.print(f"done in {time.perf_counter() - started:.1f} s")


def _write_model(out: Path, data: bytes) -> None:
    """Write the model whole or not at all: a temporary file beside ``out`` (created
    exclusively), then renamed over it, so that an interrupted or failed write never leaves
    a half model where WILDTRACE_DETECTOR_MODEL may point."""
    import os
    import tempfile

    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
