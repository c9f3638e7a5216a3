"""The synthetic training corpus is pinned: the phrase lists live in data files
(detect/data/training/), and this digest of every generated example proves that moving or
reformatting them changed no example. Written before the lists left corpus.py; change a
digest here only on purpose, when the phrases themselves change (and retrain the model)."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest

from wildtrace.detect.corpus import generate

GOLDEN = {
    ("train", 7, 1): (8595, "82e9203e153661170340af635650fd63a0ff190c0f06dfba7899bd1ffc6f935e"),
    ("heldout", 7, 1): (8595, "7495e6182c3498e8a2eaa62261b1440166bc8e78b5b6871caa30cf080890b0d8"),
    ("train", 3, 2): (17190, "9f579eb40b166a8d007dc1fb019ea1c3edae47a203f3af67df80306da3df9a55"),
}


@pytest.mark.parametrize(("split", "seed", "scale"), sorted(GOLDEN))
def test_generated_examples_are_unchanged(split: str, seed: int, scale: int) -> None:
    examples = generate(split, seed, scale)
    digest = hashlib.sha256()
    for ex in examples:
        # id, title, text, price, label, commodity, language, family, shape
        digest.update(json.dumps(dataclasses.astuple(ex), ensure_ascii=False).encode() + b"\n")
    assert (len(examples), digest.hexdigest()) == GOLDEN[(split, seed, scale)]
