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
    ("train", 7, 1): (11705, "38bb4540701d0758da9b56ccf109a6366f6db52c93f29bf57c50c87c7c26a7d0"),
    ("heldout", 7, 1): (11705, "9ed5d2d73957069550d9fe84254d8e0dcaa6229c3c8d8634600e9af66d59a60a"),
    ("train", 3, 2): (23410, "88ec182e9538a63991e931f154ec6f2fdf9f0b3cf3ecdbba82dd94db608bae2b"),
}
#: The corpus before the marketplace-specimen and discussion shapes were appended: those
#: examples come first, unchanged (the new shapes draw after them from the same stream).
BEFORE_SPECIMENS = {
    ("train", 7, 1): (8595, "82e9203e153661170340af635650fd63a0ff190c0f06dfba7899bd1ffc6f935e"),
    ("heldout", 7, 1): (8595, "7495e6182c3498e8a2eaa62261b1440166bc8e78b5b6871caa30cf080890b0d8"),
    ("train", 3, 2): (17190, "9f579eb40b166a8d007dc1fb019ea1c3edae47a203f3af67df80306da3df9a55"),
}


def _digest(examples: list) -> str:
    digest = hashlib.sha256()
    for ex in examples:
        # id, title, text, price, label, commodity, language, family, shape
        digest.update(json.dumps(dataclasses.astuple(ex), ensure_ascii=False).encode() + b"\n")
    return digest.hexdigest()


@pytest.mark.parametrize(("split", "seed", "scale"), sorted(GOLDEN))
def test_generated_examples_are_unchanged(split: str, seed: int, scale: int) -> None:
    examples = generate(split, seed, scale)
    assert (len(examples), _digest(examples)) == GOLDEN[(split, seed, scale)]
    count, digest = BEFORE_SPECIMENS[(split, seed, scale)]
    assert _digest(examples[:count]) == digest
