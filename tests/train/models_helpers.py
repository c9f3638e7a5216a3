"""Small, real models for the tests: a dense weight vector of zeros and a chosen intercept,
so that every listing with lexicon evidence gets one known score."""

from __future__ import annotations

import math

import numpy as np

from wildtrace.detect import FEATURE_VERSION, N_FEATURES, LearnedModel


def constant_model(score: float, threshold: float | None = None, **meta: object) -> LearnedModel:
    """A model that gives ``score`` to every listing it reads (Platt a=-1, b=0)."""
    info: dict[str, object] = {"feature_version": FEATURE_VERSION, "n_features": N_FEATURES, **meta}
    if threshold is not None:
        info["threshold"] = threshold
    weights = np.zeros(N_FEATURES, dtype=np.float32)
    return LearnedModel(weights, math.log(score / (1 - score)), -1.0, 0.0, info)
