"""``wildtrace model``: the detector models trained on a store's labels (list, show, activate)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from wildtrace.commands.common import DbOpt, console, failure, stopping_errors
from wildtrace.errors import WildTraceError

app = typer.Typer(
    help="Detector models trained on the store's reviewer labels: list, show, activate.",
    no_args_is_help=True,
)

VersionArg = Annotated[str, typer.Argument(help="The model's version (see `wildtrace model list`).")]


def _version(text: str) -> int:
    if not text.strip().isdigit():
        raise WildTraceError(f"model version {text!r}: a number from `wildtrace model list`, or 'packaged'")
    return int(text)


@app.command("list")
def list_command(db: DbOpt = None) -> None:
    """Every model trained on this store, newest first; * marks the active one."""
    from wildtrace.store import open_store
    from wildtrace.store.models import list_models

    try:
        with open_store(db) as store:
            models = list_models(store)
    except stopping_errors() as exc:
        raise failure(exc) from exc
    for model in models:
        cv = model.metrics.get("cv", {})
        figures = " ".join(f"{name} {cv[name]:.2f}" for name in ("precision", "recall", "f1") if name in cv)
        mark = "*" if model.active else " "
        typer.echo(f"{mark} {model.version}  {model.created_at:%Y-%m-%d %H:%M}Z  {model.created_by}  "
                   f"threshold {model.threshold:.2f}  {figures}  {model.digest[:12]}")  # fmt: skip
    if not any(model.active for model in models):
        console.print("no active model: scans use the packaged detector model")


@app.command("show")
def show(version: VersionArg, db: DbOpt = None) -> None:
    """One model: who trained it and when, its digest, threshold and measured figures."""
    from wildtrace.store import open_store
    from wildtrace.store.models import get_model

    try:
        number = _version(version)
        with open_store(db) as store:
            model = get_model(store, number)
    except stopping_errors() as exc:
        raise failure(exc) from exc
    shown = {
        "version": model.version, "active": model.active, "digest": model.digest,
        "threshold": model.threshold, "created_at": model.created_at.isoformat(timespec="seconds"),
        "created_by": model.created_by, "metrics": model.metrics,
    }  # fmt: skip
    typer.echo(json.dumps(shown, indent=2, ensure_ascii=False))


@app.command("activate")
def activate(version: VersionArg, db: DbOpt = None) -> None:
    """Make VERSION the model every scan into this store uses ('packaged': back to the
    model WildTrace ships). Stored listings are re-analysed by the next scan or train."""
    from wildtrace.store import open_store
    from wildtrace.store.models import PACKAGED, activate_model

    try:
        number = None if version.strip().lower() == PACKAGED else _version(version)
        with open_store(db) as store:
            chosen = activate_model(store, number)
    except stopping_errors() as exc:
        raise failure(exc) from exc
    if chosen is None:
        console.print("the packaged detector model is active again")
    else:
        console.print(f"model {chosen.version} is active (threshold {chosen.threshold:.2f})")
