"""``wildtrace train`` end to end, on a small labels file so that it runs in seconds."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wildtrace.cli import app
from wildtrace.collect.labels import demo_examples, label_file_examples
from wildtrace.detect import demo_held_out, detect, train
from wildtrace.detect.learned import LearnedModel, default_model
from wildtrace.errors import InputError, TrainingError
from wildtrace.model import Listing
from wildtrace.pipeline import detection_data_digest

POSITIVE = [
    "antique ivory netsuke for sale",
    "carved ivory figurine, DM for price",
    "ivory bangle, genuine",
    "rhino horn powder in stock",
    "pangolin scales 1kg",
    "dried shark fin wholesale",
    "elephant ivory chopsticks, old",
    "ivory seal stamp, hand carved",
]
NEGATIVE = [
    "ivory wedding dress for sale",
    "ivory paint, two tins",
    "Ivory Coast cocoa beans",
    "faux ivory resin bangle",
    "tiger plush toy",
    "shark vacuum cleaner",
    "ivory linen curtains, new",
    "ivory silk blouse size M",
]


def _labels(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "label", "title", "text"])
        for index, text in enumerate(POSITIVE * 2):
            writer.writerow([f"p{index}", "offer", "", text])
        for index, text in enumerate(NEGATIVE * 2):
            writer.writerow([f"n{index}", "0", "", text])
    return path


def test_train_on_reviewer_labels_writes_a_model_that_detect_can_use(tmp_path: Path) -> None:
    out = tmp_path / "models" / "mine.npz"
    result = CliRunner().invoke(
        app,
        [
            "train",
            "--no-corpus",
            "--no-demo",
            "--labels",
            str(_labels(tmp_path / "l.csv")),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "labels:l.csv: 32 examples" in result.output
    model = LearnedModel.load(out)
    assert model.meta["examples"] >= 32  # plus the lexicon-gap drills of covered look-alikes
    assert json.loads(model.meta["sources"]) == {"labels:l.csv": 32}
    real = detect(Listing(id="a", text="carved ivory netsuke, DM for price"), "en", model=model)
    look_alike = detect(Listing(id="b", text="ivory silk blouse for sale"), "en", model=model)
    assert real.score > look_alike.score


def test_labels_by_id_refer_to_a_listings_file(tmp_path: Path) -> None:
    listings = tmp_path / "in.jsonl"
    listings.write_text(
        "\n".join(json.dumps({"id": f"x{i}", "text": text}) for i, text in enumerate(POSITIVE + NEGATIVE))
        + "\n",
        encoding="utf-8",
    )
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "id,label\n" + "".join(f"x{i},{int(i < len(POSITIVE))}\n" for i in range(len(POSITIVE + NEGATIVE))),
        encoding="utf-8",
    )
    examples = label_file_examples(labels, [listings])
    assert [example.label for example in examples] == [1] * len(POSITIVE) + [0] * len(NEGATIVE)
    assert examples[0].listing.text == POSITIVE[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,verdict\nx,1\n", "needs a 'label' column"),
        ("id,label,text\nx,maybe,ivory\n", "labels.csv:2: unknown label 'maybe'"),
        ("id,label\nghost,1\n", "labels.csv:2: listing 'ghost' has no text"),
    ],
)
def test_a_bad_labels_file_is_rejected_with_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        label_file_examples(path)
    result = CliRunner().invoke(
        app, ["train", "--no-corpus", "--no-demo", "--labels", str(path), "--out", str(tmp_path / "m.npz")]
    )
    assert result.exit_code == 2
    assert "labels.csv" in result.output
    assert not (tmp_path / "m.npz").exists()


def test_training_needs_both_classes(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("label,text\n1,ivory carving\n1,rhino horn\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["train", "--no-corpus", "--no-demo", "--labels", str(path), "--out", str(tmp_path / "m.npz")]
    )
    assert result.exit_code == 2
    assert "positive and negative" in result.output
    with pytest.raises(TrainingError, match="positive and negative"):  # a typed error, not ValueError
        train(label_file_examples(path))


def test_a_labels_file_that_is_not_utf8_is_an_input_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("label,text\n1,défense d'éléphant\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.csv: not UTF-8"):
        label_file_examples(path)
    result = CliRunner().invoke(
        app, ["train", "--no-corpus", "--no-demo", "--labels", str(path), "--out", str(tmp_path / "m.npz")]
    )
    assert result.exit_code == 2, result.output
    assert "latin.csv" in result.output


def test_nothing_to_train_on_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["train", "--no-corpus", "--no-demo", "--out", str(tmp_path / "m.npz")])
    assert result.exit_code == 2


def test_the_demo_split_keeps_a_stable_fifth_back() -> None:
    train, held = demo_examples("train"), demo_examples("heldout")
    assert not {e.listing.id for e in train} & {e.listing.id for e in held}
    assert 0.1 < len(held) / (len(train) + len(held)) < 0.3
    assert all(demo_held_out(e.listing.id) for e in held)


def test_scan_with_a_missing_model_file_tells_the_user(tmp_path: Path) -> None:
    listings = tmp_path / "in.jsonl"
    listings.write_text(json.dumps({"id": "a", "text": "ivory carving for sale"}) + "\n", encoding="utf-8")
    # the active model and the analyzer version are read once per process: forget them
    default_model.cache_clear()
    detection_data_digest.cache_clear()
    try:
        result = CliRunner().invoke(
            app,
            ["scan", str(listings), "--no-store", "--out", str(tmp_path / "out.jsonl")],
            env={"WILDTRACE_DETECTOR_MODEL": str(tmp_path / "missing.npz")},
        )
    finally:
        default_model.cache_clear()
        detection_data_digest.cache_clear()
    assert result.exit_code == 2
    assert "WILDTRACE_DETECTOR_MODEL" in result.output


@pytest.mark.parametrize("where", ["a_folder", "under_a_file"])
def test_a_model_that_cannot_be_written_is_a_clear_error(tmp_path: Path, where: str) -> None:
    """Was "internal error" (exit 3) from an unguarded write; no half file is left behind."""
    labels = _labels(tmp_path / "labels.csv")
    if where == "a_folder":
        out = tmp_path / "model.npz"
        out.mkdir()
    else:
        (tmp_path / "plain.txt").write_text("x", encoding="utf-8")
        out = tmp_path / "plain.txt" / "model.npz"
    result = CliRunner().invoke(
        app, ["train", "--no-corpus", "--no-demo", "--labels", str(labels), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "cannot write the model" in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        ["labels.csv", "model.npz" if where == "a_folder" else "plain.txt"]
    )
