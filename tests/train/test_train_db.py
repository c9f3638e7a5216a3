"""``wildtrace train --db``: learn from the store's reviewer labels, keep the model there,
make it active, re-analyse the stored listings; then ``scan`` uses its threshold. Real
commands on real databases (SQLite and PostgreSQL), on listings the corpus never trains on
(the demo's held-out fifth)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wildtrace import retraining
from wildtrace.cli import app
from wildtrace.collect.labels import demo_examples
from wildtrace.detect import READS_WITHOUT_EVIDENCE, detect, model_in_use
from wildtrace.model import Listing
from wildtrace.output import listing_record
from wildtrace.store import open_store
from wildtrace.store.labels import NewLabel, add_labels
from wildtrace.store.models import active_model, list_models

#: Offers in a code word no lexicon knows: reviewers say yes, so the model must learn to
#: read listings without a lexicon match (issue 12, item 1).
CODE_WORD_OFFERS = [
    "zorblax pieces for sale, DM for price, ship worldwide",
    "fresh zorblax, 2 kg available, whatsapp me",
    "selling zorblax chips, bulk discount, contact now",
    "zorblax powder in stock, pay by transfer, fast delivery",
    "genuine zorblax slices, 500 USD per piece, inbox me",
    "zorblax whole set, serious buyers only, can ship",
]


@pytest.fixture(scope="session")
def _corpus_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpus-cache")


@pytest.fixture(autouse=True)
def shared_corpus_cache(_corpus_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The corpus is featurised once for the whole session (as a user's cache would keep it)."""
    monkeypatch.setattr(retraining, "cache_folder", lambda: _corpus_cache)
    yield


def _labelled_store(db: str, tmp_path: Path, *, code_words: bool = False) -> dict[str, int]:
    """Scan the demo's held-out listings into ``db`` and label them; id -> label."""
    held = demo_examples("heldout")
    records = [listing_record(example.listing) for example in held]
    truth = {example.listing.id: example.label for example in held}
    if code_words:
        for n, text in enumerate(CODE_WORD_OFFERS):
            records.append({"id": f"code-{n}", "platform": "shopee-demo", "title": text, "text": text})
            truth[f"code-{n}"] = 1
    source = tmp_path / "listings.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    scanned = CliRunner().invoke(app, ["scan", str(source), "--db", db, "--workers", "1"])
    assert scanned.exit_code == 0, scanned.output
    with open_store(db) as store:
        verdicts = [NewLabel(key, "yes" if label else "no", "rev") for key, label in truth.items()]
        added = add_labels(store, verdicts)
        assert not added.unresolved, added.unresolved
    return truth


def test_train_on_the_store_saves_activates_and_reanalyses(db_url: str, tmp_path: Path) -> None:
    _labelled_store(db_url, tmp_path)
    result = CliRunner().invoke(app, ["train", "--db", db_url, "--by", "lead", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "cross-validation on the labels: precision" in result.stderr
    assert "re-analysed 70 stored listings" in result.stderr
    with open_store(db_url) as store:
        model = active_model(store)
        assert model is not None and model.created_by == "lead"
        assert set(model.metrics["cv"]) == {"precision", "recall", "f1"}
        assert model.metrics["labels"] == {"yes": 28, "no": 42}
        assert model_in_use().digest == model.digest  # type: ignore[union-attr]
        threshold = model.threshold
        versions = {analysis.analyzer_version for _, analysis in store.load_analyses()}
    # every stored analysis was made with the new model and its threshold
    assert len(versions) == 1 and versions.pop().endswith(f";threshold={threshold:g}")
    # the loop's last step: scan again, flagged by the new model and threshold
    out = tmp_path / "final.jsonl"
    again = ["scan", str(tmp_path / "listings.jsonl"), "--db", db_url, "--out", str(out)]
    rescan = CliRunner().invoke(app, again)
    assert rescan.exit_code == 0, rescan.output
    assert "0 updated, 70 unchanged" in rescan.stderr  # re-analysed once, by train
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(row["flagged"] == (row["score"] >= threshold) for row in rows)


def test_train_no_activate_keeps_the_model_aside(db_url: str, tmp_path: Path) -> None:
    _labelled_store(db_url, tmp_path)
    result = CliRunner().invoke(app, ["train", "--db", db_url, "--no-activate"])
    assert result.exit_code == 0, result.output
    with open_store(db_url) as store:
        assert active_model(store) is None and len(list_models(store)) == 1


def test_labels_of_offers_without_a_lexicon_term_teach_the_model_to_read_them(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.db'}"
    _labelled_store(db, tmp_path, code_words=True)
    unseen = Listing(id="new", title="zorblax chunks for sale", text="DM me, can ship")
    before = detect(unseen)
    result = CliRunner().invoke(app, ["train", "--db", db, "--workers", "1", "--no-reanalyse"])
    assert result.exit_code == 0, result.output
    with open_store(db):
        model = model_in_use()
        assert model is not None and model.meta[READS_WITHOUT_EVIDENCE] is True
        after = detect(unseen)
    assert before.score < 0.05 < 0.3 < after.score
    assert after.commodities == () and after.taxa == ()  # named only by matched terms


@pytest.mark.parametrize("verdicts", [[], ["yes"] * 6, ["yes", "no", "no", "no"]])
def test_labels_that_cannot_make_a_model_are_a_clear_error(
    db_url: str, tmp_path: Path, verdicts: list[str]
) -> None:
    held = demo_examples("heldout")[: max(1, len(verdicts))]
    source = tmp_path / "few.jsonl"
    source.write_text("".join(json.dumps(listing_record(e.listing)) + "\n" for e in held), encoding="utf-8")
    assert CliRunner().invoke(app, ["scan", str(source), "--db", db_url]).exit_code == 0
    with open_store(db_url) as store:
        add_labels(store, [NewLabel(e.listing.id, v, "rev") for e, v in zip(held, verdicts, strict=False)])
    result = CliRunner().invoke(app, ["train", "--db", db_url])
    assert result.exit_code == 2
    assert "at least 2 'yes' and 2 'no' labels" in result.stderr
    with open_store(db_url) as store:
        assert list_models(store) == []
