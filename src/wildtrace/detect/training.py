"""Training data for the learned detector, and the training run behind ``wildtrace train``.

Sources, all owned by the project or by the user:

- ``corpus``: the synthetic corpus of ``detect.corpus`` (train split only);
- ``demo``: the demo corpus shipped in the package, minus its held-out fifth (listings
  whose id hashes to 0 mod 5 are kept back for ``benchmarks/detect_quality.py``);
- ``labels``: reviewer labels from a CSV file (``id,label`` plus ``--listings`` files the
  ids refer to, or rows carrying their own ``title``/``text``). Reviewer labels in the
  database are a follow-up: no labels table exists yet in the store schema.

The files are read by the adapter ``collect.labels``; this module reads none.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

from wildtrace.detect.corpus import generate
from wildtrace.detect.detector import find_hits, has_evidence, lexicon_logit
from wildtrace.detect.learned import LearnedModel, features, fit
from wildtrace.detect.legality import never_discount
from wildtrace.detect.lexicon import EVIDENCE_KINDS, default_lexicon
from wildtrace.detect.matcher import TermHit
from wildtrace.detect.score import drop_negated, fuse
from wildtrace.errors import InputError, TrainingError
from wildtrace.model import Listing
from wildtrace.parse import detect_language

#: Label words accepted in a labels file (besides 1/0).
POSITIVE_LABELS = frozenset({"1", "offer", "demand", "true", "yes", "positive"})
NEGATIVE_LABELS = frozenset({"0", "decoy", "ordinary", "false", "no", "negative", "none"})


@dataclass(frozen=True, slots=True)
class Labelled:
    listing: Listing
    label: int
    source: str
    language: str | None = None
    commodity: str | None = None
    group: str = ""


def demo_held_out(listing_id: str) -> bool:
    """The fifth of the demo corpus kept back from training (stable: a hash of the id)."""
    return zlib.crc32(listing_id.encode("utf-8")) % 5 == 0


def demo_labelled(
    listings: Iterable[Listing], labels: Mapping[str, Mapping[str, str]], split: str
) -> list[Labelled]:
    """The demo listings that ``labels`` (id -> row of the demo's labels.csv) label, in
    ``split``: ``train`` (4/5) or ``heldout`` (1/5). ``collect.labels`` reads both files."""
    out = []
    for item in listings:
        if item.id not in labels or demo_held_out(item.id) != (split == "heldout"):
            continue
        row = labels[item.id]
        out.append(
            Labelled(
                item,
                int(row["label"] in ("offer", "demand")),
                "demo",
                row["language"],
                row["commodity"] or None,
                row["label"],
            )
        )
    return out


def corpus_examples(split: str, seed: int = 7, scale: int = 1) -> list[Labelled]:
    """The synthetic corpus as labelled listings."""
    return [
        Labelled(
            Listing(id=ex.id, title=ex.title or None, text=ex.text, price=ex.price),
            ex.label,
            f"corpus:{ex.shape}",
            ex.language,
            ex.commodity,
            ex.family,
        )
        for ex in generate(split, seed, scale)
    ]


def labelled_rows(
    source: str,
    columns: Sequence[str] | None,
    rows: Iterable[tuple[int, Mapping[str, str | None]]],
    known: Mapping[str, Listing],
) -> list[Labelled]:
    """Reviewer labels, ``id,label`` (the ids in ``known``) or ``label,title,text``: the rows
    (line number, row) of the labels file named ``source``, as read by ``collect.labels``.
    A row that cannot be used raises ``InputError`` with the file and the line."""
    if not columns or "label" not in columns:
        raise InputError(source, "a labels file needs a 'label' column", 1)
    name = PurePath(source).name
    out = []
    for line, row in rows:
        value = (row.get("label") or "").strip().lower()
        if value not in POSITIVE_LABELS | NEGATIVE_LABELS:
            raise InputError(source, f"unknown label {value!r} (use 1/0, offer/decoy)", line)
        listing_id = (row.get("id") or f"{name}:{line}").strip()
        if row.get("title") or row.get("text"):
            listing = Listing(
                id=listing_id,
                title=row.get("title") or None,
                text=row.get("text") or None,
                price=row.get("price") or None,
            )
        elif listing_id in known:
            listing = known[listing_id]
        else:
            raise InputError(source, f"listing {listing_id!r} has no text and is not in --listings", line)
        out.append(Labelled(listing, int(value in POSITIVE_LABELS), f"labels:{name}"))
    return out


def _without_covering(hits: list[TermHit]) -> list[TermHit]:
    """``hits`` minus the look-alike phrases that contain an evidence term."""
    evidence = [hit for hit in hits if hit.term.kind in EVIDENCE_KINDS]
    return [
        hit
        for hit in hits
        if not (
            hit.term.kind == "negative"
            and any(hit.start <= ev.start and ev.end <= hit.end for ev in evidence)
        )
    ]


#: What ``vectorise`` does with examples that have no lexicon evidence at all: leave them
#: out ("skip", the packaged model), take them too ("keep"), or take only them ("only").
WithoutEvidence = Literal["skip", "keep", "only"]


def vectorise(
    examples: Iterable[Labelled], augment: float = 0.5, without_evidence: WithoutEvidence = "skip"
) -> tuple[list[dict[int, float]], list[int], int]:
    """Feature vectors of the examples with lexicon evidence, even evidence a look-alike
    phrase covers (so the model learns what surrounds "ivory" in "ivory roses"), their
    labels, and how many examples were skipped (``without_evidence`` says which: see
    ``WithoutEvidence``; a model trained on reviewers' labels of offers the lexicon does
    not name also reads listings without evidence)."""
    lexicon = default_lexicon()
    vectors, labels, skipped = [], [], 0
    for example in examples:
        listing = example.listing
        sample = " ".join(filter(None, (listing.title, listing.text, listing.seller_info)))
        raw, kept = find_hits(listing, detect_language(sample[:400]))
        evidence = has_evidence(raw)
        if not {"skip": evidence, "keep": True, "only": not evidence}[without_evidence]:
            skipped += 1
            continue
        lexical = fuse(listing, kept, lexicon)
        vectors.append(features(listing, raw, kept, lexicon_logit(lexical.score)))
        labels.append(example.label)
        drill = zlib.crc32(listing.id.encode("utf-8")) % 100 < augment * 100
        if drill and has_evidence(kept) != has_evidence(raw):
            # lexicon gap drill: the same listing as if the look-alike phrase that covers
            # its evidence were missing from the lexicon, so the model learns the words
            # around the term ("ivory" + "scarf") instead of trusting the lexicon alone
            bare = [(name, _without_covering(hits)) for name, hits in raw]
            bare_kept = [(name, drop_negated(hits)) for name, hits in bare]
            lexical = fuse(listing, bare_kept, lexicon)
            vectors.append(features(listing, bare, bare_kept, lexicon_logit(lexical.score)))
            labels.append(example.label)
    return vectors, labels, skipped


def train(examples: Sequence[Labelled], c: float = 4.0) -> tuple[LearnedModel, dict[str, int]]:
    """Fit the detector on ``examples``; returns the model and counts per source."""
    vectors, labels, skipped = vectorise(examples)
    if len(set(labels)) < 2:
        raise TrainingError("training needs positive and negative examples with lexicon evidence")
    counts: dict[str, int] = {}
    for example in examples:
        counts[example.source] = counts.get(example.source, 0) + 1
    meta = {"sources": json.dumps(counts, sort_keys=True), "without_evidence": skipped}
    # legality claims (antique, mammoth, certificate) are cues, never a discount
    return never_discount(fit(vectors, labels, c=c, meta=meta)), counts
