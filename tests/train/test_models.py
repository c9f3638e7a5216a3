"""Models in the store (table ``models``), which model ``detect`` uses, and what follows:
the analyzer version, the threshold, the worker processes, ``wildtrace model``."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from models_helpers import constant_model
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from wildtrace import config
from wildtrace.cli import app
from wildtrace.detect import MODEL_ENV, default_model, detect, install_model, model_in_use
from wildtrace.detect.learned import packaged_model_path
from wildtrace.errors import ConfigError, WildTraceError
from wildtrace.model import Listing
from wildtrace.pipeline import analyze, analyzer_version
from wildtrace.runners import analyze_batches
from wildtrace.store import Store, open_store
from wildtrace.store.models import (
    StoredModel,
    activate_model,
    active_model,
    get_model,
    list_models,
    save_model,
)
from wildtrace.store.tables_models import ModelRow

IVORY = Listing(id="a", title="Carved ivory bangle", text="Real ivory, 300 USD, DM me", price="300 USD")


def _save(store: Store, score: float, threshold: float = 0.4, activate: bool = True) -> StoredModel:
    metrics = {"cv": {"precision": 0.9, "recall": 0.8, "f1": 0.85}}
    model = constant_model(score, threshold)
    return save_model(store, model, threshold=threshold, by="tester", metrics=metrics, activate=activate)


def test_models_are_kept_listed_and_activated_one_at_a_time(db_url: str) -> None:
    with open_store(db_url) as store:
        first = _save(store, 0.9)
        second = _save(store, 0.2, activate=False)
        assert [m.version for m in list_models(store)] == [second.version, first.version]
        assert active_model(store).version == first.version  # type: ignore[union-attr]
        stored = get_model(store, first.version, with_data=True)
        assert stored.data is not None and hashlib.sha256(stored.data).hexdigest() == first.digest
        assert stored.metrics["cv"]["f1"] == 0.85 and stored.created_by == "tester"
        activate_model(store, second.version)
        assert [m.version for m in list_models(store) if m.active] == [second.version]
        assert activate_model(store, None) is None
        assert active_model(store) is None
        with pytest.raises(WildTraceError, match="no model 99"):
            activate_model(store, 99)


def test_the_database_refuses_two_active_models(db_url: str) -> None:
    with open_store(db_url) as store:
        _save(store, 0.9)
        _save(store, 0.8, activate=False)
        with pytest.raises(IntegrityError), store.engine.begin() as conn:
            conn.execute(update(ModelRow).values(active=True))


def test_precedence_env_file_then_store_model_then_packaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packaged = hashlib.sha256(packaged_model_path().read_bytes()).hexdigest()
    assert model_in_use().digest == packaged  # type: ignore[union-attr]
    stored = constant_model(0.9).to_bytes()
    install_model(stored)
    assert model_in_use().digest == hashlib.sha256(stored).hexdigest()  # type: ignore[union-attr]
    named = tmp_path / "mine.npz"
    named.write_bytes(constant_model(0.1).to_bytes())
    monkeypatch.setenv(MODEL_ENV, str(named))
    default_model.cache_clear()
    try:
        assert model_in_use().digest == hashlib.sha256(named.read_bytes()).hexdigest()  # type: ignore[union-attr]
    finally:
        monkeypatch.delenv(MODEL_ENV)
        default_model.cache_clear()
    assert model_in_use().digest == hashlib.sha256(stored).hexdigest()  # type: ignore[union-attr]
    install_model(None)
    assert model_in_use().digest == packaged  # type: ignore[union-attr]


def test_opening_a_store_installs_its_active_model(db_url: str, tmp_path: Path) -> None:
    with open_store(db_url) as store:
        saved = _save(store, 0.93)
    install_model(None)
    with open_store(db_url):
        assert model_in_use().digest == saved.digest  # type: ignore[union-attr]
        assert detect(IVORY).score == pytest.approx(0.93, abs=1e-3)
    with open_store(f"sqlite:///{tmp_path / 'other.db'}"):  # a store without models: packaged
        assert model_in_use().digest != saved.digest  # type: ignore[union-attr]


def test_a_damaged_stored_model_is_a_configuration_error(db_url: str) -> None:
    with open_store(db_url) as store:
        _save(store, 0.9)
        with store.engine.begin() as conn:
            conn.execute(update(ModelRow).values(data=b"not a model", digest="0" * 64))
    install_model(None)
    with pytest.raises(ConfigError, match="model 1 of the store"):
        open_store(db_url)


def test_the_analyzer_version_names_the_model() -> None:
    packaged = analyzer_version()
    install_model(constant_model(0.9).to_bytes())
    trained = analyzer_version()
    install_model(constant_model(0.8).to_bytes())
    assert len({packaged, trained, analyzer_version()}) == 3
    install_model(None)
    assert analyzer_version() == packaged


def test_threshold_flag_then_environment_then_model_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.threshold(None) == 0.5  # the packaged model chose none
    install_model(constant_model(0.9, threshold=0.37).to_bytes())
    assert config.threshold(None) == 0.37
    monkeypatch.setenv("WILDTRACE_THRESHOLD", "0.6")
    assert config.threshold(None) == 0.6
    assert config.threshold(0.7) == 0.7


def test_worker_processes_analyse_with_the_installed_model() -> None:
    install_model(constant_model(0.77).to_bytes())
    batches = [[Listing(id=f"{n}-{i}", title="ivory bangle for sale", price="10 USD") for i in range(3)]
               for n in range(3)]  # fmt: skip
    results = [a for _, analyses in analyze_batches(batches, 0.5, workers=2) for a in analyses]
    assert {a.detection.score for a in results} == {0.77}
    assert {a.analyzer_version for a in results} == {analyze(batches[0][0], 0.5).analyzer_version}


def test_model_commands_list_show_and_activate(db_url: str) -> None:
    with open_store(db_url) as store:
        first = _save(store, 0.9)
        second = _save(store, 0.3, threshold=0.62)
    runner = CliRunner()
    listed = runner.invoke(app, ["model", "list", "--db", db_url])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0].startswith(f"* {second.version} ") and "f1 0.85" in lines[0]
    assert lines[1].startswith(f"  {first.version} ")
    shown = runner.invoke(app, ["model", "show", str(first.version), "--db", db_url])
    assert shown.exit_code == 0 and first.digest in shown.stdout
    assert runner.invoke(app, ["model", "activate", str(first.version), "--db", db_url]).exit_code == 0
    with open_store(db_url) as store:
        assert active_model(store).version == first.version  # type: ignore[union-attr]
    back = runner.invoke(app, ["model", "activate", "packaged", "--db", db_url])
    assert back.exit_code == 0 and "packaged" in back.stderr
    with open_store(db_url) as store:
        assert active_model(store) is None
    unknown = runner.invoke(app, ["model", "activate", "12", "--db", db_url])
    assert unknown.exit_code == 2 and "no model 12" in unknown.stderr
    wrong = runner.invoke(app, ["model", "show", "latest", "--db", db_url])
    assert wrong.exit_code == 2 and "'latest'" in wrong.stderr
