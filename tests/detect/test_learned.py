"""The learned, calibrated model: it loads offline, its scores are probabilities, and it
never puts a commodity or taxon in the output that no match explains."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from wildtrace.detect import LEXICON_ONLY, detect
from wildtrace.detect.corpus import generate
from wildtrace.detect.learned import (
    FEATURE_VERSION,
    MODEL_ENV,
    LearnedModel,
    active_model_path,
    default_model,
    packaged_model_path,
)
from wildtrace.detect.lexicon import COMMODITIES, EVIDENCE_KINDS
from wildtrace.errors import ConfigError, ModelFileError
from wildtrace.model import Listing


def test_the_packaged_model_is_small_and_loads() -> None:
    path = packaged_model_path()
    assert path.is_file()
    assert path.stat().st_size < 3_000_000
    model = default_model()
    assert model is not None
    assert model.meta["feature_version"] == FEATURE_VERSION
    assert model.meta["examples"] > 1000


def test_the_model_loads_and_scores_without_scikit_learn_or_network() -> None:
    # scikit-learn is for training only; scoring needs numpy and the .npz
    code = (
        "import sys; sys.modules['sklearn'] = None; sys.modules['socket'] = None\n"
        "from wildtrace.detect import detect\n"
        "from wildtrace.model import Listing\n"
        "d = detect(Listing(id='x', text='Antique ivory netsuke, DM for price'), 'en')\n"
        "print(d.score)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert 0.5 <= float(result.stdout) <= 1.0


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    model = default_model()
    assert model is not None
    copy = tmp_path / "copy.npz"
    copy.write_bytes(model.to_bytes())
    loaded = LearnedModel.load(copy)
    assert np.array_equal(loaded.weights, model.weights)
    vector = {1: 0.5, 77: 1.0, 262143: 0.25}
    assert loaded.probability(vector) == model.probability(vector)


def test_a_model_for_other_features_is_refused(tmp_path: Path) -> None:
    model = default_model()
    assert model is not None
    other = LearnedModel(
        model.weights,
        model.intercept,
        model.platt_a,
        model.platt_b,
        {**model.meta, "feature_version": FEATURE_VERSION + 1},
    )
    path = tmp_path / "other.npz"
    path.write_bytes(other.to_bytes())
    with pytest.raises(ModelFileError, match="other features"):
        LearnedModel.load(path)


def test_a_missing_model_named_in_the_environment_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "nope.npz"))
    with pytest.raises(ConfigError, match=MODEL_ENV):
        active_model_path()


def _sample(step: int = 6) -> list[tuple[Listing, int]]:
    examples = generate("heldout")[::step]
    return [
        (Listing(id=ex.id, title=ex.title or None, text=ex.text, price=ex.price), ex.label) for ex in examples
    ]


def test_scores_are_probabilities_and_roughly_calibrated_on_held_out_data() -> None:
    pairs = [(detect(listing).score, label) for listing, label in _sample()]
    assert all(0.0 <= score <= 1.0 for score, _ in pairs)
    brier = sum((score - label) ** 2 for score, label in pairs) / len(pairs)
    assert brier < 0.08
    # where the model says "likely", it mostly is; where it says "unlikely", it mostly is not
    high = [label for score, label in pairs if score >= 0.8]
    low = [label for score, label in pairs if score < 0.2]
    assert sum(high) / len(high) > 0.8
    assert sum(low) / len(low) < 0.1


def test_more_evidence_does_not_lower_the_score() -> None:
    ladder = [
        "ivory",
        "ivory carving",
        "antique ivory carving, hand carved",
        "antique ivory carving, hand carved, pre-1947, for sale, DM for price",
    ]
    scores = [detect(Listing(id="m", text=text), "en").score for text in ladder]
    assert scores == sorted(scores), scores
    assert scores[-1] >= 0.9


def test_the_model_beats_the_lexicon_alone_on_held_out_look_alikes() -> None:
    sample = [(listing, label) for listing, label in _sample(3) if label == 0]
    model_fp = sum(detect(listing).flagged for listing, _ in sample)
    lexicon_fp = sum(detect(listing, model=LEXICON_ONLY).flagged for listing, _ in sample)
    assert model_fp < lexicon_fp


def test_every_commodity_and_taxon_traces_to_a_match() -> None:
    for listing, _ in _sample(10):
        detection = detect(listing)
        evidence = [m for m in detection.matches if m.kind in EVIDENCE_KINDS]
        assert set(detection.commodities) <= {m.commodity for m in evidence}
        assert set(detection.commodities) <= set(COMMODITIES)
        named = {name for m in evidence for name in (m.taxon or "").split("|") if name}
        assert {taxon.name for taxon in detection.taxa} <= named
        if detection.flagged:
            assert detection.commodities, listing


def test_model_metadata_names_its_training_sources() -> None:
    model = default_model()
    assert model is not None
    sources = json.loads(model.meta["sources"])
    assert {"demo", "corpus:social_ivory_en", "corpus:shark_ray_market", "corpus:multilingual"} <= set(
        sources
    )
