"""Retraining the detector on a store's reviewer labels (``wildtrace train --db``).

An adapter (it reads the store and a cache folder); the features, the lexicon and the
model format are the core's (``detect``). The run, in the order the reviewer sees it:

1. the labels the store's reviewers agree on (``store.labels.training_labels``) and the
   project's own corpus (the synthetic corpus's train split and the demo's train part);
2. the corpus's feature vectors, cached under WILDTRACE_HOME/cache by the corpus's digest,
   the feature version and the lexicon's digest (vectorising it costs most of a run);
3. stratified k-fold over the labels, the corpus always in training, a label weighing
   ``label_weight`` corpus rows: out-of-fold scores of every label, scored as ``detect``
   would score it (the lexicon's score where the model does not read the listing);
4. Platt calibration on the out-of-fold decisions of the labels, and the threshold that
   maximises F1 on the out-of-fold probabilities; precision, recall and F1 there are the
   cross-validated figures printed and kept with the model;
5. the model fitted on everything, saved in the store with its digest and threshold, made
   active (unless told not to); then the stored listings are re-analysed with it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from wildtrace.config import wildtrace_home
from wildtrace.detect import (
    FEATURE_VERSION,
    LEXICON_ONLY,
    READS_WITHOUT_EVIDENCE,
    Labelled,
    LearnedModel,
    corpus_examples,
    detect,
    find_hits,
    has_evidence,
    matrix,
    vectorise,
)
from wildtrace.detect.legality import never_discount
from wildtrace.errors import TrainingError
from wildtrace.model import Listing
from wildtrace.parse import detect_language
from wildtrace.store import SaveCounts, Store
from wildtrace.store.models import StoredModel

log = logging.getLogger(__name__)

#: A label weighs this many corpus rows at least and at most (see ``label_weight``).
LABEL_WEIGHT_MIN, LABEL_WEIGHT_MAX = 5.0, 50.0
#: Folds of the cross-validation over the labels (fewer when a verdict has fewer labels).
MAX_FOLDS = 5
#: Inverse regularisation of the retrained model (the packaged model's value).
C = 4.0
#: Labels of each verdict needed to train (and to cross-validate, two folds at least).
MIN_PER_VERDICT = 2
#: Listings re-analysed per batch (one transaction each).
REANALYSE_BATCH = 500


def label_weight(corpus_rows: int, labels: int) -> float:
    """How many corpus rows one reviewer label weighs: the labels together weigh about half
    the corpus, each between 5 and 50 rows (a few labels must move the model; many must not
    drown the corpus that keeps it multilingual)."""
    if labels <= 0:
        return LABEL_WEIGHT_MIN
    return min(max(corpus_rows / (2 * labels), LABEL_WEIGHT_MIN), LABEL_WEIGHT_MAX)


# -- the corpus, featurised once ----------------------------------------------------------


@dataclass(frozen=True)
class CorpusFeatures:
    """The project corpus as training rows: listings with lexicon evidence (``x``, ``y``)
    and those without (``x_bare``, ``y_bare``, used when the labels show offers the
    lexicon does not name)."""

    x: Any
    y: np.ndarray[Any, np.dtype[np.int64]]
    x_bare: Any
    y_bare: np.ndarray[Any, np.dtype[np.int64]]
    rows: int


def corpus_training_examples() -> list[Labelled]:
    """The corpus every retraining keeps in training: the synthetic corpus's train split
    and the demo corpus's train part (never a held-out half, never development data)."""
    from wildtrace.collect.labels import demo_examples

    return corpus_examples("train") + demo_examples("train")


def cache_folder() -> Path:
    """Where the corpus's features are cached: WILDTRACE_HOME/cache."""
    return wildtrace_home() / "cache"


def _corpus_key(examples: Sequence[Labelled]) -> str:
    from wildtrace.pipeline import detection_data_digest

    digest = hashlib.sha256(f"features {FEATURE_VERSION}\n{detection_data_digest()}\n".encode())
    for example in examples:
        item = example.listing
        digest.update(json.dumps([item.id, example.label, item.title, item.text, item.price]).encode())
    return digest.hexdigest()[:20]


def corpus_features(cache: Path | None = None) -> CorpusFeatures:
    """The corpus's feature vectors, from the cache when the corpus, the features and the
    lexicon are those it was made with (else computed and cached; an unwritable cache
    only costs time)."""
    from scipy.sparse import csr_matrix

    examples = corpus_training_examples()
    folder = cache_folder() if cache is None else cache
    path = folder / f"corpus-features-{_corpus_key(examples)}.npz"
    try:
        with np.load(path, allow_pickle=False) as saved:
            parts = {name: saved[name] for name in saved.files}
        shape = tuple(int(n) for n in parts["shape"])
        x = csr_matrix((parts["data"], parts["indices"], parts["indptr"]), shape=shape)
        bare_shape = tuple(int(n) for n in parts["bare_shape"])
        bare = (parts["bare_data"], parts["bare_indices"], parts["bare_indptr"])
        x_bare = csr_matrix(bare, shape=bare_shape)
        return CorpusFeatures(x, parts["y"], x_bare, parts["y_bare"], len(examples))
    except (OSError, KeyError, ValueError):
        pass  # not cached yet (or damaged): compute it
    vectors, labels, _ = vectorise(examples)
    bare_vectors, bare_labels, _ = vectorise(examples, augment=0.0, without_evidence="only")
    x, x_bare = matrix(vectors), matrix(bare_vectors)
    y, y_bare = np.asarray(labels, dtype=np.int64), np.asarray(bare_labels, dtype=np.int64)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part.npz")
        np.savez(
            partial, data=x.data, indices=x.indices, indptr=x.indptr, shape=np.asarray(x.shape), y=y,
            bare_data=x_bare.data, bare_indices=x_bare.indices, bare_indptr=x_bare.indptr,
            bare_shape=np.asarray(x_bare.shape), y_bare=y_bare,
        )  # fmt: skip
        partial.replace(path)
    except OSError as exc:
        log.warning("cannot cache the corpus features in %s: %s", folder, exc)
    return CorpusFeatures(x, y, x_bare, y_bare, len(examples))


# -- the labels -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelRows:
    """The labelled listings as training rows, and how ``detect`` would treat each: scored
    by the model (it has evidence the look-alikes leave), or by the lexicon alone."""

    x: Any
    y: np.ndarray[Any, np.dtype[np.int64]]
    #: the listing has lexicon evidence that survives (the model reads it in any case)
    evidence: np.ndarray[Any, np.dtype[np.bool_]]
    #: the lexicon's own score (what a listing without evidence keeps by default)
    lexicon_score: np.ndarray[Any, np.dtype[np.float64]]


def label_rows(listings: Sequence[Listing], labels: Sequence[int]) -> LabelRows:
    pairs = zip(listings, labels, strict=True)
    examples = [Labelled(listing, label, "labels:store") for listing, label in pairs]
    vectors, _, _ = vectorise(examples, augment=0.0, without_evidence="keep")
    evidence, lexical = [], []
    for listing in listings:
        sample = " ".join(filter(None, (listing.title, listing.text, listing.seller_info)))
        language = detect_language(sample[:400])
        _, kept = find_hits(listing, language)
        evidence.append(has_evidence(kept))
        lexical.append(detect(listing, language, model=LEXICON_ONLY).score)
    return LabelRows(
        matrix(vectors), np.asarray(labels, dtype=np.int64), np.asarray(evidence, dtype=bool),
        np.asarray(lexical, dtype=np.float64),
    )  # fmt: skip


# -- fitting, cross-validation, threshold ---------------------------------------------------


def _fit(x: Any, y: np.ndarray[Any, Any], weights: np.ndarray[Any, Any]) -> Any:
    from sklearn.linear_model import LogisticRegression

    # the dual of liblinear: many more features than rows, measured 5x faster than the primal
    model = LogisticRegression(C=C, solver="liblinear", dual=True, max_iter=5000)
    return model.fit(x, y, sample_weight=weights)


def _platt(decisions: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> tuple[float, float]:
    """Platt's a, b (probability = 1 / (1 + exp(a * decision + b))) on the labels'
    out-of-fold decisions; the logistic itself when one verdict is missing."""
    from sklearn.linear_model import LogisticRegression

    if len(set(y.tolist())) < 2:
        return -1.0, 0.0
    fitted = LogisticRegression(C=100.0).fit(decisions.reshape(-1, 1), y)
    return -float(fitted.coef_[0][0]), -float(fitted.intercept_[0])


def _probability(decisions: np.ndarray[Any, Any], a: float, b: float) -> np.ndarray[Any, Any]:
    return 1.0 / (1.0 + np.exp(np.clip(a * decisions + b, -30, 30)))


@dataclass(frozen=True)
class Figures:
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        return {name: round(getattr(self, name), 4) for name in ("precision", "recall", "f1")}


def figures(y: np.ndarray[Any, Any], flagged: np.ndarray[Any, Any]) -> Figures:
    """Precision, recall and F1 of ``flagged`` against the labels ``y``."""
    tp = int(np.sum(flagged & (y == 1)))
    fp = int(np.sum(flagged & (y == 0)))
    fn = int(np.sum(~flagged & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Figures(precision, recall, f1)


def best_threshold(scores: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> tuple[float, Figures]:
    """The threshold (4 decimals, as scores are shown) that maximises F1 of ``score >=
    threshold``; among equals, the one nearest 0.5 (the default a reviewer expects)."""
    shown = np.floor(np.asarray(scores, dtype=np.float64) * 10_000) / 10_000
    best: tuple[float, float, Figures] | None = None
    for candidate in sorted(set(shown.tolist()) | {0.5}):
        if not 0.0 < candidate <= 1.0:
            continue
        measured = figures(y, shown >= candidate)
        rank = (measured.f1, -abs(candidate - 0.5))
        if best is None or rank > (best[0], -abs(best[1] - 0.5)):
            best = (measured.f1, candidate, measured)
    assert best is not None
    return best[1], best[2]


@dataclass(frozen=True)
class Retrained:
    """A model fitted on the labels and the corpus, with its threshold and figures."""

    model: LearnedModel
    threshold: float
    metrics: dict[str, Any]


def retrain(
    listings: Sequence[Listing], labels: Sequence[int], corpus: CorpusFeatures, seed: int = 7
) -> Retrained:
    """Fit on the corpus and the labelled ``listings`` (1 yes, 0 no), cross-validated on the
    labels; a TrainingError when the labels cannot make a model."""
    from scipy.sparse import vstack
    from sklearn.model_selection import StratifiedKFold

    y_labels = np.asarray(labels, dtype=np.int64)
    yes, no = int(y_labels.sum()), int(len(y_labels) - y_labels.sum())
    if yes < MIN_PER_VERDICT or no < MIN_PER_VERDICT:
        raise TrainingError(
            f"training needs at least {MIN_PER_VERDICT} 'yes' and {MIN_PER_VERDICT} 'no' labels the "
            f"reviewers agree on; the store has {yes} yes and {no} no (label more with `wildtrace review`)"
        )
    rows = label_rows(listings, labels)
    reads_all = bool(np.any(~rows.evidence & (rows.y == 1)))
    x_corpus, y_corpus = corpus.x, corpus.y
    if reads_all:  # offers without a lexicon term: the model must learn what the rest looks like
        x_corpus = vstack([corpus.x, corpus.x_bare]).tocsr()
        y_corpus = np.concatenate([corpus.y, corpus.y_bare])
    weight = label_weight(corpus.rows, len(y_labels))
    # the rows the model scores; the others keep the lexicon's score, as in ``detect``
    scored = np.ones(len(y_labels), dtype=bool) if reads_all else rows.evidence

    def fit_with(index: np.ndarray[Any, Any]) -> Any:
        x = vstack([x_corpus, rows.x[index]]).tocsr()
        y = np.concatenate([y_corpus, rows.y[index]])
        w = np.concatenate([np.ones(len(y_corpus)), np.full(len(index), weight)])
        return _fit(x, y, w)

    folds = min(MAX_FOLDS, yes, no)
    decisions = np.zeros(len(y_labels))
    splits = StratifiedKFold(folds, shuffle=True, random_state=seed).split(rows.x, rows.y)
    for train_index, test_index in splits:
        decisions[test_index] = fit_with(train_index).decision_function(rows.x[test_index])
    a, b = _platt(decisions[scored], rows.y[scored])
    out_of_fold = np.where(scored, _probability(decisions, a, b), rows.lexicon_score)
    threshold, measured = best_threshold(out_of_fold, rows.y)
    final = fit_with(np.arange(len(y_labels)))
    weights = np.asarray(final.coef_[0], dtype=np.float32)
    weights[np.abs(weights) < 1e-4] = 0.0  # keep the stored model small
    metrics = {
        "cv": measured.as_dict(), "folds": folds, "labels": {"yes": yes, "no": no},
        "label_weight": round(weight, 2), "corpus_rows": corpus.rows,
        "labels_without_evidence": int(np.sum(~rows.evidence)),
    }  # fmt: skip
    meta = {
        "feature_version": FEATURE_VERSION, "n_features": int(weights.shape[0]), "C": C,
        "examples": int(x_corpus.shape[0] + len(y_labels)), "positives": int(y_corpus.sum() + yes),
        "threshold": threshold, READS_WITHOUT_EVIDENCE: reads_all, "trained_on": "store labels + corpus",
        "cv": measured.as_dict(),
    }  # fmt: skip
    # a legality claim is a cue for the reviewer, never a reason to lower the score: also
    # when the reviewers' labels would teach it (detect/legality.py)
    model = never_discount(LearnedModel(weights, float(final.intercept_[0]), a, b, meta))
    return Retrained(model, threshold, metrics)


# -- the whole run --------------------------------------------------------------------------


def train_from_store(
    store: Store, *, by: str, activate: bool = True, cache: Path | None = None
) -> tuple[StoredModel, Retrained]:
    """Retrain on the store's agreed labels and save the model there (active unless
    ``activate`` is False); returns the stored model and the retraining."""
    from wildtrace.store.labels import training_labels
    from wildtrace.store.models import save_model, use_active_model

    reviewed = training_labels(store)
    listings = [item.listing for item in reviewed]
    labels = [item.label for item in reviewed]
    retrained = retrain(listings, labels, corpus_features(cache))
    saved = save_model(store, retrained.model, threshold=retrained.threshold, by=by,
                       metrics=retrained.metrics, activate=activate)  # fmt: skip
    if activate:
        use_active_model(store)
    return saved, retrained


def reanalyse(
    store: Store,
    threshold: float,
    workers: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> SaveCounts:
    """Analyse every stored listing again with the model in use and store the analyses
    that changed (a listing whose analyzer version is current is left as it is)."""
    from wildtrace.pipeline import with_price_fallback
    from wildtrace.runners import analyze_batches

    def batches() -> Iterator[list[Listing]]:
        batch: list[Listing] = []
        for listing, _ in store.load_analyses():
            batch.append(listing)
            if len(batch) >= REANALYSE_BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    done, counts = 0, SaveCounts()
    for batch, analyses in analyze_batches(batches(), threshold, workers):
        pairs = [
            (with_price_fallback(item, analysis), analysis)
            for item, analysis in zip(batch, analyses, strict=True)
        ]
        counts += store.save_batch(pairs)
        done += len(batch)
        if on_progress is not None:
            on_progress(done)
    return counts
