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
    ("train", 7, 1): (10905, "9c8c261d206332d1173dc0fe96be6559c847aa59902a7f9803b4425575b9f44c"),
    ("heldout", 7, 1): (10905, "a7bb1da53a633a5aad50ef86d36da97a20965492da013d13f5a26bac1e5eb07f"),
    ("train", 3, 2): (21810, "0dc0a946959bcf370b16fb792f0d6b26b46c287258aa2a5d730d6a3b5cbe05ee"),
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
