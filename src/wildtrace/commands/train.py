"""``wildtrace train``: fit the learned detector from project data and reviewer labels."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wildtrace.commands.common import console
from wildtrace.commands.common import fail as _fail
from wildtrace.errors import WildTraceError


def train(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the model (.npz).")] = Path(
        "detector.npz"
    ),
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
    package ships, write it to src/wildtrace/detect/data/detector.npz)."""
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
