"""Finding 11: a bad WILDTRACE_DETECTOR_MODEL file is a configuration error (exit 2, the
file and the reason), not "internal error ... a bug" (exit 3). Through the real command."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from wildtrace.detect.learned import FEATURE_VERSION, N_FEATURES, LearnedModel, packaged_model_path
from wildtrace.errors import ConfigError, ModelFileError, WildTraceError


def _npz(path: Path, **arrays: object) -> None:
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]


def _meta(**changes: object) -> np.ndarray:
    meta: dict[str, object] = {"feature_version": FEATURE_VERSION, "n_features": N_FEATURES}
    meta.update(changes)
    return np.array(json.dumps(meta))


def _text(path: Path) -> None:
    path.write_text("not a model\n", encoding="utf-8")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    path.write_bytes(packaged_model_path().read_bytes()[:300])


def _pickled(path: Path) -> None:
    np.save(path.with_suffix(".npy"), np.array([{"a": 1}], dtype=object), allow_pickle=True)
    path.with_suffix(".npy").rename(path)


def _old_version(path: Path) -> None:
    _npz(path, index=np.array([1], np.int32), value=np.array([1.0], np.float32),
         scalars=np.zeros(3), meta=_meta(feature_version=FEATURE_VERSION - 1))  # fmt: skip


def _missing_key(path: Path) -> None:
    _npz(path, index=np.array([1], np.int32), scalars=np.zeros(3), meta=_meta())


def _index_out_of_range(path: Path) -> None:
    _npz(path, index=np.array([N_FEATURES + 5], np.int64), value=np.array([1.0], np.float32),
         scalars=np.zeros(3), meta=_meta())  # fmt: skip


def _wrong_scalars(path: Path) -> None:
    _npz(path, index=np.array([1], np.int32), value=np.array([1.0], np.float32),
         scalars=np.zeros(2), meta=_meta())  # fmt: skip


def _meta_not_json(path: Path) -> None:
    _npz(path, index=np.array([1], np.int32), value=np.array([1.0], np.float32),
         scalars=np.zeros(3), meta=np.array("{not json"))  # fmt: skip


def _meta_not_object(path: Path) -> None:
    _npz(path, index=np.array([1], np.int32), value=np.array([1.0], np.float32),
         scalars=np.zeros(3), meta=np.array("[1, 2]"))  # fmt: skip


def _zip_of_other_things(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")


def _nan_scalars(path: Path) -> None:
    _npz(path, index=np.array([1], np.int32), value=np.array([1.0], np.float32),
         scalars=np.array([np.nan, 1.0, 0.0]), meta=_meta())  # fmt: skip


BAD_FILES: dict[str, Callable[[Path], None]] = {
    "text": _text,
    "empty": _empty,
    "truncated": _truncated,
    "pickled": _pickled,
    "old_version": _old_version,
    "missing_key": _missing_key,
    "index_out_of_range": _index_out_of_range,
    "wrong_scalars": _wrong_scalars,
    "meta_not_json": _meta_not_json,
    "meta_not_object": _meta_not_object,
    "zip_of_other_things": _zip_of_other_things,
    "nan_scalars": _nan_scalars,
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_load_of_a_bad_model_file_is_a_typed_config_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "model.npz"
    BAD_FILES[kind](path)
    with pytest.raises(ModelFileError) as caught:
        LearnedModel.load(path)
    assert isinstance(caught.value, ConfigError)
    assert isinstance(caught.value, WildTraceError)
    assert caught.value.path == str(path)
    assert caught.value.reason
    # it crosses a process pool intact
    again = pickle.loads(pickle.dumps(caught.value))
    assert (type(again), again.path, again.reason) == (ModelFileError, str(path), caught.value.reason)


def _scan(tmp_path: Path, model: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    listings = tmp_path / "in.jsonl"
    listings.write_text(
        '{"id": "1", "title": "raw ivory tusk", "text": "carved ivory for sale, pm me"}\n', encoding="utf-8"
    )
    env = {**os.environ, "WILDTRACE_DETECTOR_MODEL": str(model), "WILDTRACE_HOME": str(tmp_path / "home")}
    env.pop("WILDTRACE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "wildtrace", "scan", str(listings), *extra],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["text", "truncated", "old_version", "index_out_of_range", "missing"])
def test_scan_with_a_bad_model_file_exits_2_naming_the_file(tmp_path: Path, kind: str) -> None:
    model = tmp_path / f"{kind}.npz"
    if kind != "missing":
        BAD_FILES[kind](model)
    result = _scan(tmp_path, model, "--no-store", "--out", "-")
    assert result.returncode == 2, result.stderr
    assert "internal error" not in result.stderr
    assert "WILDTRACE_DETECTOR_MODEL" in result.stderr
    assert str(model) in result.stderr.replace("\n", "")


def test_scan_into_a_store_with_a_bad_model_exits_2(tmp_path: Path) -> None:
    model = tmp_path / "model.npz"
    _pickled(model)
    result = _scan(tmp_path, model, "--db", str(tmp_path / "w.db"), "--workers", "2")
    assert result.returncode == 2, result.stderr
    assert "internal error" not in result.stderr
    assert str(model) in result.stderr.replace("\n", "")
    # it stopped before any work: no scan run recorded, no output file begun
    from wildtrace.store import open_store

    with open_store(str(tmp_path / "w.db")) as store:
        assert store.summary().last_run is None


def test_a_good_model_file_still_loads(tmp_path: Path) -> None:
    model = LearnedModel.load(packaged_model_path())
    path = tmp_path / "copy.npz"
    path.write_bytes(model.to_bytes())
    again = LearnedModel.load(path)
    assert np.array_equal(again.weights, model.weights)
    assert (again.intercept, again.platt_a, again.platt_b) == (model.intercept, model.platt_a, model.platt_b)


def test_crawl_with_a_bad_model_stops_before_its_first_request(tmp_path: Path) -> None:
    """Before, every listing page became a fault ("archived but not analysed") while the
    crawl went on; now the setting stops it at once, with the file and the reason."""
    model = tmp_path / "model.npz"
    _text(model)
    env = {**os.environ, "WILDTRACE_DETECTOR_MODEL": str(model), "WILDTRACE_HOME": str(tmp_path / "home")}
    out = tmp_path / "crawl"
    result = subprocess.run(
        [sys.executable, "-m", "wildtrace", "crawl", "http://127.0.0.1:9/", "--allow-private",
         "--out-dir", str(out), "--db", str(tmp_path / "w.db")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert str(model) in result.stderr.replace("\n", "")
    assert not out.exists()


def test_a_damaged_packaged_model_names_no_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without WILDTRACE_DETECTOR_MODEL the message must not blame a setting the user never set."""
    from wildtrace.detect import learned

    damaged = tmp_path / "detector.npz"
    _truncated(damaged)
    monkeypatch.delenv(learned.MODEL_ENV, raising=False)
    monkeypatch.setattr(learned, "packaged_model_path", lambda: damaged)
    learned.default_model.cache_clear()
    try:
        with pytest.raises(ModelFileError) as caught:
            learned.default_model()
    finally:
        learned.default_model.cache_clear()
    message = str(caught.value)
    assert message.startswith(f"the packaged detector model {damaged}: ")
    assert "WILDTRACE_DETECTOR_MODEL=" not in message and "reinstall" in message
